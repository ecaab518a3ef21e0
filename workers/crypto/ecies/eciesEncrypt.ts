// ECIES encryption to one secp256k1 public key (layout in ./types). Key agreement and HKDF are eciesjs's;
// AES-256-GCM comes from node:crypto so that associated data can bind a layer to its session.
import { createCipheriv, randomBytes } from "node:crypto";
import { EciesInvalidKeyError } from "./errors";
import { eciesUtils } from "./eciesUtils";
import { keyCheck } from "./keyCheck";
import { keyInputBytes } from "./keyInputBytes";
import { ECIES_NONCE_BYTES, ECIES_PUBLIC_KEY_BYTES, type EciesKeyInput } from "./types";
import { parseEciesPublicKey } from "./parseEciesPublicKey";

export type EciesEncryptParameters = {
  publicKey: EciesKeyInput;
  plaintext: Uint8Array;
  /** Authenticated but not encrypted; decryption must pass the same bytes. */
  associatedData?: Uint8Array;
};
export type EciesEncryptReturnType = Uint8Array;

export function eciesEncrypt({ publicKey, plaintext, associatedData }: EciesEncryptParameters): EciesEncryptReturnType {
  const given = keyInputBytes(publicKey, "public key");
  // A compressed key is validated by the ECDH below; only other encodings need the (costly) conversion.
  const recipient = given.length === ECIES_PUBLIC_KEY_BYTES ? given : parseEciesPublicKey({ publicKey: given });
  const ephemeralSecret = eciesUtils.getValidSecret("secp256k1");
  const ephemeralPublic = eciesUtils.getPublicKey("secp256k1", ephemeralSecret);
  let sharedPoint: Uint8Array;
  try {
    sharedPoint = eciesUtils.getSharedPoint("secp256k1", ephemeralSecret, recipient, true);
  } catch (error) {
    throw new EciesInvalidKeyError("not a point on secp256k1", { cause: error });
  }
  const sharedKey = eciesUtils.getSharedKey(ephemeralPublic, sharedPoint);
  const nonce = randomBytes(ECIES_NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", sharedKey, nonce);
  if (associatedData) cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Uint8Array.from(Buffer.concat([ephemeralPublic, keyCheck(sharedKey), nonce, cipher.getAuthTag(), body]));
}
