// Checks a caller's maxBytes before any I/O, so a typo becomes a named error rather than a silent no-limit.
import { IpfsInvalidOptionError } from "./errors";

export function validateMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new IpfsInvalidOptionError("maxBytes", `expected a non-negative safe integer, got ${maxBytes}`);
  }
  return maxBytes;
}
