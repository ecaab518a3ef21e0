// ECIES decryption (layout in ./types) with every failure named: too short or off-curve → invalid ciphertext,
// key check mismatch → wrong key, GCM tag mismatch with a matching key check → altered ciphertext.
import { createDecipheriv, timingSafeEqual } from "node:crypto";
import { EciesInvalidCiphertextError, EciesWrongKeyError } from "./errors";
import { eciesUtils } from "./eciesUtils";
import { keyCheck } from "./keyCheck";
import { parseEciesPrivateKey } from "./parseEciesPrivateKey";
import { ECIES_EPHEMERAL_KEY_BYTES, ECIES_KEY_CHECK_BYTES, ECIES_LAYER_OVERHEAD, ECIES_NONCE_BYTES, ECIES_TAG_BYTES, type EciesKeyInput } from "./types";

export type EciesDecryptParameters = {
  privateKey: EciesKeyInput;
  ciphertext: Uint8Array;
  associatedData?: Uint8Array;
};
export type EciesDecryptReturnType = Uint8Array;

export function eciesDecrypt({ privateKey, ciphertext, associatedData }: EciesDecryptParameters): EciesDecryptReturnType {
  const recipientSecret = parseEciesPrivateKey({ privateKey });
  if (ciphertext.length < ECIES_LAYER_OVERHEAD) {
    throw new EciesInvalidCiphertextError("too short", { details: `At least ${ECIES_LAYER_OVERHEAD} bytes are needed, got ${ciphertext.length}.` });
  }
  let offset = 0;
  const take = (length: number): Uint8Array => ciphertext.subarray(offset, (offset += length));
  const ephemeralPublic = Uint8Array.from(take(ECIES_EPHEMERAL_KEY_BYTES));
  const check = take(ECIES_KEY_CHECK_BYTES);
  const nonce = take(ECIES_NONCE_BYTES);
  const tag = take(ECIES_TAG_BYTES);
  const body = ciphertext.subarray(offset);

  let sharedPoint: Uint8Array;
  try {
    sharedPoint = eciesUtils.getSharedPoint("secp256k1", recipientSecret, ephemeralPublic, true);
  } catch (error) {
    throw new EciesInvalidCiphertextError("the ephemeral public key is not a point on secp256k1", { cause: error });
  }
  const sharedKey = eciesUtils.getSharedKey(ephemeralPublic, sharedPoint);
  if (!timingSafeEqual(keyCheck(sharedKey), check)) throw new EciesWrongKeyError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", sharedKey, nonce);
    if (associatedData) decipher.setAAD(associatedData);
    decipher.setAuthTag(tag);
    return Uint8Array.from(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (error) {
    throw new EciesInvalidCiphertextError("authentication failed (the ciphertext or its associated data was altered)", { cause: error });
  }
}
