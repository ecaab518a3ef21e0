// Validates a secp256k1 public key (compressed 33 bytes or uncompressed 65 bytes, raw or hex) and returns it
// in the canonical compressed form used on-chain and in the shuffle.
import { EciesInvalidKeyError } from "./errors";
import { eciesUtils } from "./eciesUtils";
import { keyInputBytes } from "./keyInputBytes";
import type { EciesKeyInput } from "./types";

export type ParseEciesPublicKeyParameters = { publicKey: EciesKeyInput };
export type ParseEciesPublicKeyReturnType = Uint8Array;

export function parseEciesPublicKey({ publicKey }: ParseEciesPublicKeyParameters): ParseEciesPublicKeyReturnType {
  const bytes = keyInputBytes(publicKey, "public key");
  if (bytes.length !== 33 && bytes.length !== 65) {
    throw new EciesInvalidKeyError("wrong public key length", { details: `Expected 33 (compressed) or 65 (uncompressed) bytes, got ${bytes.length}.` });
  }
  try {
    // Decodes the point (rejecting off-curve input) and re-encodes it compressed.
    return Uint8Array.from(eciesUtils.convertPublicKeyFormat("secp256k1", bytes, true));
  } catch (error) {
    throw new EciesInvalidKeyError("not a point on secp256k1", { cause: error });
  }
}
