// Signed integers ↔ Z_n. Seeds and their sums are signed, Paillier plaintexts live in [0, n): a value m with
// |m| < bound maps to m mod n, and decodes back unambiguously as long as 2·bound − 1 ≤ n.
import { PaillierPlaintextOutOfRangeError } from "./errors";
import type { PaillierPublicKey } from "./types";

/** The largest bound for which (−bound, bound) fits into Z_n without two values colliding. */
export function largestSignedBound(publicKey: PaillierPublicKey): bigint {
  return (publicKey.n + 1n) / 2n;
}

export function checkedSignedBound(publicKey: PaillierPublicKey, bound: bigint | undefined): bigint {
  const largest = largestSignedBound(publicKey);
  const chosen = bound ?? largest;
  if (chosen < 1n || chosen > largest) {
    // The bound itself is out of what n can represent; report it as the offending value.
    throw new PaillierPlaintextOutOfRangeError(chosen, largest);
  }
  return chosen;
}

export function encodeSigned(value: bigint, publicKey: PaillierPublicKey): bigint {
  const reduced = value % publicKey.n;
  return reduced < 0n ? reduced + publicKey.n : reduced;
}

export function decodeSigned(value: bigint, publicKey: PaillierPublicKey): bigint {
  return value > (publicKey.n - 1n) / 2n ? value - publicKey.n : value;
}
