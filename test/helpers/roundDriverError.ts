// The named error of the scripted round drivers (Mash and Shamir): a round that did not go where its script said
// (a missing signer, a phase the script cannot continue from, an unmined transaction).
import { BaseError } from "../../workers/errors";

export class RoundDriverError extends BaseError {
  override name = "RoundDriverError" as const;
  constructor(what: string, details: string, cause?: unknown) {
    super(`Round driver: ${what}.`, { details, cause });
  }
}
