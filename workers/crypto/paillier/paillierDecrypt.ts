// Decrypts to a signed integer and insists it lies in the range the caller expects. The range check is what
// turns "wrong key" or "garbage ciphertext" into a named error instead of a huge, plausible-looking number.
import { PrivateKey as LibraryPrivateKey, PublicKey as LibraryPublicKey } from "paillier-bigint";
import { assertPaillierCiphertext } from "./assertPaillierCiphertext";
import { PaillierDecryptionError } from "./errors";
import { checkedSignedBound, decodeSigned } from "./signedPlaintext";
import type { PaillierPrivateKey } from "./types";

export type PaillierDecryptParameters = {
  privateKey: PaillierPrivateKey;
  ciphertext: bigint;
  /** Exclusive bound on |plaintext|; for a sum of k seeds, k·(Q − 1) + 1. */
  bound: bigint;
};
export type PaillierDecryptReturnType = bigint;

export function paillierDecrypt({ privateKey, ciphertext, bound }: PaillierDecryptParameters): PaillierDecryptReturnType {
  const { publicKey } = privateKey;
  const limit = checkedSignedBound(publicKey, bound);
  assertPaillierCiphertext({ publicKey, ciphertext });
  // Passing p and q lets paillier-bigint exponentiate modulo p² and q² (CRT), about 3× faster.
  const library = new LibraryPrivateKey(
    privateKey.lambda,
    privateKey.mu,
    new LibraryPublicKey(publicKey.n, publicKey.n + 1n),
    privateKey.p,
    privateKey.q,
  );
  const plaintext = decodeSigned(library.decrypt(ciphertext), publicKey);
  if (plaintext <= -limit || plaintext >= limit) throw new PaillierDecryptionError(limit);
  return plaintext;
}
