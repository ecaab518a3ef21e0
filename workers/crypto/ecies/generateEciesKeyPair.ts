// A client's long-lived secp256k1 key pair for the shuffle's onion layers; the public half goes into the
// on-chain registry (33 bytes compressed), the private half stays in the worker's state.
import { eciesPublicKeyOf } from "./eciesPublicKeyOf";
import { eciesUtils } from "./eciesUtils";
import type { EciesKeyPair } from "./types";

export type GenerateEciesKeyPairReturnType = EciesKeyPair;

export function generateEciesKeyPair(): GenerateEciesKeyPairReturnType {
  const privateKey = Uint8Array.from(eciesUtils.getValidSecret("secp256k1"));
  return { privateKey, publicKey: eciesPublicKeyOf(privateKey) };
}

