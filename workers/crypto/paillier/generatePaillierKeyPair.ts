// Fresh Paillier key pair for a round's total-sum holder. Each holder makes its own (no trusted dealer);
// paillier-bigint finds the primes (on worker threads), we rebuild the key in our own validated form.
import { generateRandomKeys } from "paillier-bigint";
import { integerSquareRoot } from "./bigintMath";
import { PaillierInvalidKeyError } from "./errors";
import { paillierPrivateKeyFromPrimes } from "./paillierPrivateKeyFromPrimes";
import { DEFAULT_PAILLIER_KEY_BITS, isSupportedPaillierKeyBits, SUPPORTED_PAILLIER_KEY_BITS, type PaillierKeyBits, type PaillierKeyPair } from "./types";

export type GeneratePaillierKeyPairParameters = {
  /** 2048 by default; 1024 in paper-compat mode. */
  bits?: PaillierKeyBits;
};
export type GeneratePaillierKeyPairReturnType = PaillierKeyPair;

export async function generatePaillierKeyPair(parameters: GeneratePaillierKeyPairParameters = {}): Promise<GeneratePaillierKeyPairReturnType> {
  const bits: number = parameters.bits ?? DEFAULT_PAILLIER_KEY_BITS;
  if (!isSupportedPaillierKeyBits(bits)) {
    throw new PaillierInvalidKeyError("unsupported key size", { details: `Got ${bits}; supported: ${SUPPORTED_PAILLIER_KEY_BITS.join(", ")}.` });
  }
  // simpleVariant = true makes λ = φ(n) = (p − 1)(q − 1). paillier-bigint keeps p and q private, but φ(n)
  // and n give them back: p + q = n − φ(n) + 1 and p − q = √((p + q)² − 4n).
  const { privateKey: generated } = await generateRandomKeys(bits, true);
  const n = generated.n;
  const sum = n - generated.lambda + 1n;
  const difference = integerSquareRoot(sum * sum - 4n * n);
  const p = (sum + difference) / 2n;
  const q = (sum - difference) / 2n;
  if (p * q !== n) throw new PaillierInvalidKeyError("paillier-bigint returned a key whose λ is not φ(n)");
  const privateKey = paillierPrivateKeyFromPrimes({ p, q });
  return { publicKey: privateKey.publicKey, privateKey };
}
