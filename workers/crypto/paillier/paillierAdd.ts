// Homomorphic sum: the product of ciphertexts mod n² encrypts the sum of their plaintexts (mod n). Every
// factor is validated first, because one foreign value would corrupt the sum without any visible failure.
import { assertPaillierCiphertext } from "./assertPaillierCiphertext";
import { PaillierInvalidCiphertextError } from "./errors";
import type { PaillierPublicKey } from "./types";

export type PaillierAddParameters = { publicKey: PaillierPublicKey; ciphertexts: readonly bigint[] };
export type PaillierAddReturnType = bigint;

export function paillierAdd({ publicKey, ciphertexts }: PaillierAddParameters): PaillierAddReturnType {
  if (ciphertexts.length === 0) throw new PaillierInvalidCiphertextError("an empty sum has no ciphertext");
  let product = 1n;
  ciphertexts.forEach((ciphertext, index) => {
    try {
      assertPaillierCiphertext({ publicKey, ciphertext });
    } catch (error) {
      throw new PaillierInvalidCiphertextError(`summand ${index} is invalid`, { cause: error });
    }
    product = (product * ciphertext) % publicKey.nSquared;
  });
  return product;
}
