// Removes the outermost onion layer with this recipient's private key. Fails with EciesWrongKeyError when the
// layer is for someone else (e.g. peeled out of order) and EciesInvalidCiphertextError when it was altered.
import { eciesDecrypt } from "./eciesDecrypt";
import type { EciesKeyInput } from "./types";

export type PeelOnionParameters = {
  layer: Uint8Array;
  privateKey: EciesKeyInput;
  /** The same bytes wrapOnion bound into the layers. */
  associatedData?: Uint8Array;
};
export type PeelOnionReturnType = Uint8Array;

export function peelOnion({ layer, privateKey, associatedData }: PeelOnionParameters): PeelOnionReturnType {
  return eciesDecrypt({ privateKey, ciphertext: layer, associatedData });
}
