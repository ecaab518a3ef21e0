// Validates a secp256k1 private key (32 bytes, raw or hex, in (0, group order)) and returns its bytes.
import { EciesInvalidKeyError } from "./errors";
import { eciesUtils } from "./eciesUtils";
import { keyInputBytes } from "./keyInputBytes";
import { ECIES_PRIVATE_KEY_BYTES, type EciesKeyInput } from "./types";

export type ParseEciesPrivateKeyParameters = { privateKey: EciesKeyInput };
export type ParseEciesPrivateKeyReturnType = Uint8Array;

export function parseEciesPrivateKey({ privateKey }: ParseEciesPrivateKeyParameters): ParseEciesPrivateKeyReturnType {
  const bytes = keyInputBytes(privateKey, "private key");
  if (bytes.length !== ECIES_PRIVATE_KEY_BYTES) {
    throw new EciesInvalidKeyError("wrong private key length", { details: `Expected ${ECIES_PRIVATE_KEY_BYTES} bytes, got ${bytes.length}.` });
  }
  if (!eciesUtils.isValidPrivateKey("secp256k1", bytes)) throw new EciesInvalidKeyError("not a scalar in (0, secp256k1 order)");
  return bytes;
}
