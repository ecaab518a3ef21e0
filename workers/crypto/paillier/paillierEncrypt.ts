// Encrypts a signed integer (a MASH seed, |s| < Q) under a Paillier public key. With g = n + 1,
// g^m = 1 + m·n mod n², so the only exponentiation is the random rⁿ.
import { PaillierPlaintextOutOfRangeError } from "./errors";
import { nthPowerFor, type NthPowerPool } from "./nthPowerPool";
import { checkedSignedBound, encodeSigned } from "./signedPlaintext";
import type { PaillierPublicKey } from "./types";

export type PaillierEncryptParameters = {
  publicKey: PaillierPublicKey;
  plaintext: bigint;
  /** Exclusive bound on |plaintext| (for seeds: Q). Defaults to the widest signed range n allows. */
  bound?: bigint;
  /** Precomputed randomness for this key (createNthPowerPool); a fresh rⁿ is computed without one. */
  pool?: NthPowerPool;
};
export type PaillierEncryptReturnType = bigint;

export function paillierEncrypt({ publicKey, plaintext, bound, pool }: PaillierEncryptParameters): PaillierEncryptReturnType {
  const limit = checkedSignedBound(publicKey, bound);
  if (plaintext <= -limit || plaintext >= limit) throw new PaillierPlaintextOutOfRangeError(plaintext, limit);
  const encoded = encodeSigned(plaintext, publicKey);
  return ((1n + encoded * publicKey.n) * nthPowerFor(publicKey, pool)) % publicKey.nSquared;
}
