// Re-randomization: multiplying by a fresh rⁿ gives a new, unlinkable ciphertext of the same plaintext.
import { assertPaillierCiphertext } from "./assertPaillierCiphertext";
import { nthPowerFor, type NthPowerPool } from "./nthPowerPool";
import type { PaillierPublicKey } from "./types";

export type PaillierRerandomizeParameters = {
  publicKey: PaillierPublicKey;
  ciphertext: bigint;
  /** Precomputed randomness for this key (createNthPowerPool); a fresh rⁿ is computed without one. */
  pool?: NthPowerPool;
};
export type PaillierRerandomizeReturnType = bigint;

export function paillierRerandomize({ publicKey, ciphertext, pool }: PaillierRerandomizeParameters): PaillierRerandomizeReturnType {
  assertPaillierCiphertext({ publicKey, ciphertext });
  return (ciphertext * nthPowerFor(publicKey, pool)) % publicKey.nSquared;
}
