// Parses and validates a public key posted by a holder (see encodePaillierPublicKey). The byte length fixes
// the key size, so a truncated or padded key is rejected rather than read as a smaller modulus.
import { bytesToBigint } from "./bigintMath";
import { PaillierInvalidKeyError } from "./errors";
import { paillierPublicKeyFromModulus } from "./paillierPublicKeyFromModulus";
import { SUPPORTED_PAILLIER_KEY_BITS, type PaillierPublicKey } from "./types";

export type DecodePaillierPublicKeyParameters = { bytes: Uint8Array };
export type DecodePaillierPublicKeyReturnType = PaillierPublicKey;

export function decodePaillierPublicKey({ bytes }: DecodePaillierPublicKeyParameters): DecodePaillierPublicKeyReturnType {
  const bits = bytes.length * 8;
  if (!(SUPPORTED_PAILLIER_KEY_BITS as readonly number[]).includes(bits)) {
    throw new PaillierInvalidKeyError("wrong public key length", {
      details: `Got ${bytes.length} bytes; expected one of ${SUPPORTED_PAILLIER_KEY_BITS.map((b) => b / 8).join(", ")}.`,
    });
  }
  const publicKey = paillierPublicKeyFromModulus({ n: bytesToBigint(bytes) });
  if (publicKey.bits !== bits) {
    throw new PaillierInvalidKeyError("the modulus does not fill its encoding", { details: `${bytes.length} bytes but n has ${publicKey.bits} bits.` });
  }
  return publicKey;
}
