// Named errors of the Shamir share-sum dispute's pure logic: inputs that cannot make a valid opening or answer.
import { BaseError } from "../../errors";

/** Share-sums or shares that cannot describe one round's dispute (none given, not a field vector, not committed, not adding up). */
export class ShareDisputeInputError extends BaseError {
  override name = "ShareDisputeInputError" as const;
}
