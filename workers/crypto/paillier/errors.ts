// Named failures of the Paillier layer: a malformed or foreign ciphertext, an unusable key, a plaintext outside
// the range that can be decoded back to a signed integer, and a decryption that lands outside the expected range.
import { BaseError } from "../../errors";

/** A ciphertext that is not an element of Z*_{n²} for the key it is used with (or has the wrong byte width). */
export class PaillierInvalidCiphertextError extends BaseError {
  override name = "PaillierInvalidCiphertextError" as const;
  constructor(reason: string, parameters: { details?: string; cause?: unknown } = {}) {
    super(`Invalid Paillier ciphertext: ${reason}.`, parameters);
  }
}

/** A public or private key that fails validation (size, parity, factors, JSON shape, mismatched pair). */
export class PaillierInvalidKeyError extends BaseError {
  override name = "PaillierInvalidKeyError" as const;
  constructor(reason: string, parameters: { details?: string; cause?: unknown } = {}) {
    super(`Invalid Paillier key: ${reason}.`, parameters);
  }
}

/** A signed plaintext whose magnitude reaches the bound the caller declared (or that n cannot represent). */
export class PaillierPlaintextOutOfRangeError extends BaseError {
  override name = "PaillierPlaintextOutOfRangeError" as const;
  constructor(
    readonly plaintext: bigint,
    readonly bound: bigint,
  ) {
    super("Paillier plaintext is out of range.", { details: `Expected |m| < ${bound}, got m = ${plaintext}.` });
  }
}

/**
 * A decryption whose signed result is outside the declared bound. With a tight bound this is what a wrong
 * private key (or a ciphertext built from out-of-range inputs) produces: a value spread over all of Z_n.
 */
export class PaillierDecryptionError extends BaseError {
  override name = "PaillierDecryptionError" as const;
  constructor(readonly bound: bigint) {
    super("Paillier decryption gave a value outside the expected range.", {
      details: `Expected |m| < ${bound}. The private key is probably not the one the ciphertext was made for, or an input was out of range.`,
    });
  }
}
