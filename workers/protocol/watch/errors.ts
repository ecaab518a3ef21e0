// Named errors of the MASH watcher's pure logic: inputs that cannot describe one round's aggregate.
import { BaseError } from "../../errors";

/** The sums or trees given to the watcher do not describe the same vector (lengths, counts, leaf index). */
export class WatchInputError extends BaseError {
  override name = "WatchInputError" as const;
}
