// The one validity check for ciphertexts received from others: an element of Z*_{n²}, i.e. in [1, n²) and
// coprime to n. Anything else is not an encryption under this key, and multiplying it in would silently
// corrupt a homomorphic sum (or, for gcd ≠ 1, reveal a factor of n).
import { gcd } from "./bigintMath";
import { PaillierInvalidCiphertextError } from "./errors";
import type { PaillierPublicKey } from "./types";

export type AssertPaillierCiphertextParameters = { publicKey: PaillierPublicKey; ciphertext: bigint };

export function assertPaillierCiphertext({ publicKey, ciphertext }: AssertPaillierCiphertextParameters): void {
  if (ciphertext < 1n || ciphertext >= publicKey.nSquared) {
    throw new PaillierInvalidCiphertextError("not in [1, n²)", { details: `The key has ${publicKey.bits}-bit n.` });
  }
  if (gcd(ciphertext, publicKey.n) !== 1n) throw new PaillierInvalidCiphertextError("not coprime to n");
}
