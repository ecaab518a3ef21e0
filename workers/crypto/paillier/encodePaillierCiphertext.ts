// Canonical bytes of a ciphertext: big-endian, exactly 2·(bits/8) bytes, so every ciphertext of a key has
// the same size (a length that varied with the value would be a side channel in the shuffle).
import { assertPaillierCiphertext } from "./assertPaillierCiphertext";
import { bigintToBytes } from "./bigintMath";
import { paillierCiphertextBytes, type PaillierPublicKey } from "./types";

export type EncodePaillierCiphertextParameters = { publicKey: PaillierPublicKey; ciphertext: bigint };
export type EncodePaillierCiphertextReturnType = Uint8Array;

export function encodePaillierCiphertext({ publicKey, ciphertext }: EncodePaillierCiphertextParameters): EncodePaillierCiphertextReturnType {
  assertPaillierCiphertext({ publicKey, ciphertext });
  return bigintToBytes(ciphertext, paillierCiphertextBytes(publicKey));
}
