// The compressed public key belonging to a private key, e.g. to check that a worker's configured key is the
// one the registry (and so every sender) uses for it.
import { eciesUtils } from "./eciesUtils";
import { parseEciesPrivateKey } from "./parseEciesPrivateKey";
import type { EciesKeyInput } from "./types";

export function eciesPublicKeyOf(privateKey: EciesKeyInput): Uint8Array {
  // noble's getPublicKey returns the compressed encoding by default.
  return Uint8Array.from(eciesUtils.getPublicKey("secp256k1", parseEciesPrivateKey({ privateKey })));
}
