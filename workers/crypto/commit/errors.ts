// Named error of the vector Merkle commitment: a malformed vector, width, length or leaf index.
import { BaseError } from "../../errors";

export class VectorMerkleInputError extends BaseError {
  override name = "VectorMerkleInputError" as const;
  constructor(what: string, details: string, cause?: unknown) {
    super(`Invalid ${what} for the vector Merkle commitment.`, { details, cause });
  }
}
