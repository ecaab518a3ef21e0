// Paillier key types and sizes shared by the seed-shuffling code. Keys are always the "simple variant"
// (g = n + 1), so a public key is just n and encryption needs one modular exponentiation (r^n), not two.

/** 2048 is the default; 1024 reproduces the MASH paper's parameters (paper-compat) and is weak today. */
export type PaillierKeyBits = 1024 | 2048 | 3072;

export const DEFAULT_PAILLIER_KEY_BITS = 2048 satisfies PaillierKeyBits;
export const PAPER_COMPAT_PAILLIER_KEY_BITS = 1024 satisfies PaillierKeyBits;
export const SUPPORTED_PAILLIER_KEY_BITS: readonly PaillierKeyBits[] = [1024, 2048, 3072];

export interface PaillierPublicKey {
  /** Exact bit length of n. */
  readonly bits: PaillierKeyBits;
  readonly n: bigint;
  readonly nSquared: bigint;
}

export interface PaillierPrivateKey {
  readonly publicKey: PaillierPublicKey;
  /** The two primes, kept so decryption can use the CRT and the key can be saved and reloaded. */
  readonly p: bigint;
  readonly q: bigint;
  /** (p − 1)(q − 1) */
  readonly lambda: bigint;
  /** λ⁻¹ mod n */
  readonly mu: bigint;
}

export interface PaillierKeyPair {
  readonly publicKey: PaillierPublicKey;
  readonly privateKey: PaillierPrivateKey;
}

/** Byte width of n (and of a serialized public key). */
export function paillierModulusBytes(publicKey: PaillierPublicKey): number {
  return publicKey.bits / 8;
}

/** Byte width of a serialized ciphertext: ciphertexts live in [1, n²), so twice the width of n. */
export function paillierCiphertextBytes(publicKey: PaillierPublicKey): number {
  return publicKey.bits / 4;
}

export function isSupportedPaillierKeyBits(bits: number): bits is PaillierKeyBits {
  return (SUPPORTED_PAILLIER_KEY_BITS as readonly number[]).includes(bits);
}
