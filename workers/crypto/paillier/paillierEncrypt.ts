// Encrypts a signed integer (a MASH seed, |s| < Q) under a Paillier public key. With g = n + 1,
// g^m = 1 + m·n mod n², so the only exponentiation is the random rⁿ.
import { PaillierPlaintextOutOfRangeError } from "./errors";
import { randomNthPower } from "./randomNthPower";
import { checkedSignedBound, encodeSigned } from "./signedPlaintext";
import type { PaillierPublicKey } from "./types";

export type PaillierEncryptParameters = {
  publicKey: PaillierPublicKey;
  plaintext: bigint;
  /** Exclusive bound on |plaintext| (for seeds: Q). Defaults to the widest signed range n allows. */
  bound?: bigint;
};
export type PaillierEncryptReturnType = bigint;

export function paillierEncrypt({ publicKey, plaintext, bound }: PaillierEncryptParameters): PaillierEncryptReturnType {
  const limit = checkedSignedBound(publicKey, bound);
  if (plaintext <= -limit || plaintext >= limit) throw new PaillierPlaintextOutOfRangeError(plaintext, limit);
  const encoded = encodeSigned(plaintext, publicKey);
  return ((1n + encoded * publicKey.n) * randomNthPower(publicKey)) % publicKey.nSquared;
}
