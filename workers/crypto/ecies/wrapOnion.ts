// Onion encryption for a chain of recipients: the payload is encrypted first for the LAST recipient, and each
// earlier recipient's layer goes around it, so the chain m₂ … m_L peels one layer each, in order, and only
// m_L sees the payload. Each layer adds ECIES_LAYER_OVERHEAD (65) bytes: output = payload + 65·recipients.
import { eciesEncrypt } from "./eciesEncrypt";
import type { EciesKeyInput } from "./types";

export type WrapOnionParameters = {
  payload: Uint8Array;
  /** In chain order: recipientPublicKeys[0] peels first, the last one recovers the payload. May be empty. */
  recipientPublicKeys: readonly EciesKeyInput[];
  /** Bound into every layer (e.g. the round's shuffle session), so layers cannot be replayed elsewhere. */
  associatedData?: Uint8Array;
};
export type WrapOnionReturnType = Uint8Array;

export function wrapOnion({ payload, recipientPublicKeys, associatedData }: WrapOnionParameters): WrapOnionReturnType {
  let layer = payload;
  for (let index = recipientPublicKeys.length - 1; index >= 0; index--) {
    layer = eciesEncrypt({ publicKey: recipientPublicKeys[index]!, plaintext: layer, associatedData });
  }
  return layer;
}
