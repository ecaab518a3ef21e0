// Named failures of the ECIES layer. A wrong private key and a corrupted ciphertext are told apart by the
// 4-byte key check each envelope carries (see eciesEncrypt); eciesjs alone reports both as a bad GCM tag.
import { BaseError } from "../../errors";

/** Too short, an ephemeral key that is not a curve point, or an authentication tag that does not verify. */
export class EciesInvalidCiphertextError extends BaseError {
  override name = "EciesInvalidCiphertextError" as const;
  constructor(reason: string, parameters: { details?: string; cause?: unknown } = {}) {
    super(`Invalid ECIES ciphertext: ${reason}.`, parameters);
  }
}

/** The envelope was made for another key (its key check does not match the shared secret this key derives). */
export class EciesWrongKeyError extends BaseError {
  override name = "EciesWrongKeyError" as const;
  constructor() {
    super("This ECIES ciphertext was not encrypted for this private key.", {
      details: "Its key check does not match. Either the key is wrong or the ephemeral public key was altered in transit.",
    });
  }
}

/** A public or private key that is not a valid secp256k1 key in an accepted encoding. */
export class EciesInvalidKeyError extends BaseError {
  override name = "EciesInvalidKeyError" as const;
  constructor(reason: string, parameters: { details?: string; cause?: unknown } = {}) {
    super(`Invalid ECIES key: ${reason}.`, parameters);
  }
}
