// The named error of the scripted Mash round driver: a round that did not go where its script said (a missing
// signer, a phase the script cannot continue from, an unmined transaction).
import { BaseError } from "../../workers/errors";

export class MashRoundDriverError extends BaseError {
  override name = "MashRoundDriverError" as const;
  constructor(what: string, details: string, cause?: unknown) {
    super(`Mash round driver: ${what}.`, { details, cause });
  }
}
