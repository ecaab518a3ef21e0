// Builds a validated Paillier private key (simple variant, g = n + 1) from its two primes. Used by key
// generation and by loading a saved key, so both paths give the same derived λ and μ.
import { modInverse } from "./bigintMath";
import { PaillierInvalidKeyError } from "./errors";
import { paillierPublicKeyFromModulus } from "./paillierPublicKeyFromModulus";
import type { PaillierPrivateKey } from "./types";

export type PaillierPrivateKeyFromPrimesParameters = { p: bigint; q: bigint };
export type PaillierPrivateKeyFromPrimesReturnType = PaillierPrivateKey;

export function paillierPrivateKeyFromPrimes({ p, q }: PaillierPrivateKeyFromPrimesParameters): PaillierPrivateKeyFromPrimesReturnType {
  if (p <= 2n || q <= 2n) throw new PaillierInvalidKeyError("the primes must be odd and greater than 2");
  if (p === q) throw new PaillierInvalidKeyError("the two primes are equal");
  const publicKey = paillierPublicKeyFromModulus({ n: p * q });
  const lambda = (p - 1n) * (q - 1n);
  const mu = modInverse(lambda, publicKey.n);
  // gcd(λ, n) ≠ 1 happens only when p and q are not the primes of a valid Paillier modulus.
  if (mu === undefined) throw new PaillierInvalidKeyError("(p − 1)(q − 1) is not invertible modulo n");
  return { publicKey, p, q, lambda, mu };
}
