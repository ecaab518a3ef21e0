// ECIES sizes and key types. The envelope is eciesjs's secp256k1 scheme (ECDH, HKDF-SHA256 over the sender
// and shared points, AES-256-GCM) with its options fixed to the compact ones, plus a 4-byte key check:
//   ephemeralPublicKey (33) ‖ keyCheck (4) ‖ nonce (12) ‖ tag (16) ‖ AES-256-GCM ciphertext (= plaintext length)
// Without the key check it is byte-for-byte what eciesjs.decrypt reads with isEphemeralKeyCompressed = true,
// isHkdfKeyCompressed = true and symmetricNonceLength = 12 (when no associated data is used).

export const ECIES_PRIVATE_KEY_BYTES = 32;
/** Public keys are stored and passed compressed, as the on-chain registry holds them. */
export const ECIES_PUBLIC_KEY_BYTES = 33;
export const ECIES_EPHEMERAL_KEY_BYTES = 33;
export const ECIES_KEY_CHECK_BYTES = 4;
export const ECIES_NONCE_BYTES = 12;
export const ECIES_TAG_BYTES = 16;
/** Bytes one envelope (one onion layer) adds to its plaintext: 33 + 4 + 12 + 16 = 65. */
export const ECIES_LAYER_OVERHEAD = ECIES_EPHEMERAL_KEY_BYTES + ECIES_KEY_CHECK_BYTES + ECIES_NONCE_BYTES + ECIES_TAG_BYTES;

/** A key as raw bytes or as hex (with or without 0x). */
export type EciesKeyInput = Uint8Array | string;

export interface EciesKeyPair {
  /** 32-byte secp256k1 scalar. */
  readonly privateKey: Uint8Array;
  /** 33-byte compressed point. */
  readonly publicKey: Uint8Array;
}
