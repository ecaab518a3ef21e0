// Re-randomization: multiplying by a fresh rⁿ gives a new, unlinkable ciphertext of the same plaintext.
import { assertPaillierCiphertext } from "./assertPaillierCiphertext";
import { randomNthPower } from "./randomNthPower";
import type { PaillierPublicKey } from "./types";

export type PaillierRerandomizeParameters = { publicKey: PaillierPublicKey; ciphertext: bigint };
export type PaillierRerandomizeReturnType = bigint;

export function paillierRerandomize({ publicKey, ciphertext }: PaillierRerandomizeParameters): PaillierRerandomizeReturnType {
  assertPaillierCiphertext({ publicKey, ciphertext });
  return (ciphertext * randomNthPower(publicKey)) % publicKey.nSquared;
}
