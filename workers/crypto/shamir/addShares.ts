// A server's running share-sum: accumulator += share (mod p), in place. Because sharing is linear, the sum of
// every client's share j is share j of the sum of their updates, so t share-sums reconstruct Σ q_i.
// Both values are < p < 2^31, so a + b < 2^32 is exact and one conditional subtraction reduces it.
import { ShamirInputError, ShamirLengthMismatchError, ShamirMalformedShareError } from "./errors";
import { SHAMIR_PRIME } from "./shamirField";

export type AddSharesReturnType = void;

export function addShares(accumulator: Uint32Array, share: Uint32Array): AddSharesReturnType {
  if (!(accumulator instanceof Uint32Array) || !(share instanceof Uint32Array)) {
    throw new ShamirInputError("share", "the accumulator and the share must both be Uint32Array");
  }
  if (share.length !== accumulator.length) throw new ShamirLengthMismatchError("the share", accumulator.length, share.length);
  const length = accumulator.length;
  // Validate everything before writing anything: a rejected share must leave the running sum untouched, or a
  // server could not simply skip a bad client and go on.
  for (let i = 0; i < length; i++) {
    if (share[i]! >= SHAMIR_PRIME) throw new ShamirMalformedShareError(`the share holds ${share[i]}, not a field element (< p)`, undefined, i);
    if (accumulator[i]! >= SHAMIR_PRIME) throw new ShamirInputError("accumulator", `element ${i} is ${accumulator[i]}, not a field element (< p)`);
  }
  for (let i = 0; i < length; i++) {
    const sum = accumulator[i]! + share[i]!;
    accumulator[i] = sum >= SHAMIR_PRIME ? sum - SHAMIR_PRIME : sum;
  }
}
