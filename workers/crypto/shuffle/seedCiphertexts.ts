// A seed travels as several Paillier ciphertexts concatenated (one per seed plaintext, see the mask group's
// seedPlaintexts codec). These two helpers cut such bytes into ciphertexts and join them back, so the
// contribution, the leader's re-randomization, the group sum and the holder share one layout.
import { decodePaillierCiphertext } from "../paillier/decodePaillierCiphertext";
import { encodePaillierCiphertext } from "../paillier/encodePaillierCiphertext";
import { PaillierInvalidCiphertextError } from "../paillier/errors";
import { paillierCiphertextBytes, type PaillierPublicKey } from "../paillier/types";

/** The `count` ciphertexts in `bytes`, each validated against the key; a wrong total length throws. */
export function splitSeedCiphertexts(publicKey: PaillierPublicKey, bytes: Uint8Array, count: number): bigint[] {
  const width = paillierCiphertextBytes(publicKey);
  if (bytes.length !== width * count) {
    throw new PaillierInvalidCiphertextError("wrong length for the seed's ciphertexts", { details: `Expected ${count} × ${width} bytes, got ${bytes.length}.` });
  }
  return Array.from({ length: count }, (_, index) => decodePaillierCiphertext({ publicKey, bytes: bytes.subarray(index * width, (index + 1) * width) }));
}

export function joinSeedCiphertexts(publicKey: PaillierPublicKey, ciphertexts: readonly bigint[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(ciphertexts.map((ciphertext) => encodePaillierCiphertext({ publicKey, ciphertext }))));
}
