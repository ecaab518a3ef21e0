// Parses a ciphertext received from another party and validates it against the key it claims to be under.
import { assertPaillierCiphertext } from "./assertPaillierCiphertext";
import { bytesToBigint } from "./bigintMath";
import { PaillierInvalidCiphertextError } from "./errors";
import { paillierCiphertextBytes, type PaillierPublicKey } from "./types";

export type DecodePaillierCiphertextParameters = { publicKey: PaillierPublicKey; bytes: Uint8Array };
export type DecodePaillierCiphertextReturnType = bigint;

export function decodePaillierCiphertext({ publicKey, bytes }: DecodePaillierCiphertextParameters): DecodePaillierCiphertextReturnType {
  const expected = paillierCiphertextBytes(publicKey);
  if (bytes.length !== expected) {
    throw new PaillierInvalidCiphertextError("wrong length", { details: `Expected ${expected} bytes, got ${bytes.length}.` });
  }
  const ciphertext = bytesToBigint(bytes);
  assertPaillierCiphertext({ publicKey, ciphertext });
  return ciphertext;
}
