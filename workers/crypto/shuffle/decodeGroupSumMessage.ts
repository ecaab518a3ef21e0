// Parses a posted group sum (layout in ./wireFormat). The ciphertext is checked against the holder's key
// later, in completeHolderSeed, which knows that key.
import { ShuffleMessageMalformedError } from "./errors";
import type { GroupSumMessage } from "./types";
import { HEADER_BYTES, KIND_GROUP_SUM, readWireHeader } from "./wireFormat";

export type DecodeGroupSumMessageParameters = { bytes: Uint8Array };
export type DecodeGroupSumMessageReturnType = GroupSumMessage;

export function decodeGroupSumMessage({ bytes }: DecodeGroupSumMessageParameters): DecodeGroupSumMessageReturnType {
  const view = readWireHeader(bytes, KIND_GROUP_SUM, "group sum");
  const ciphertextLength = view.readUInt16BE(8);
  if (ciphertextLength === 0 || bytes.length !== HEADER_BYTES + ciphertextLength) {
    throw new ShuffleMessageMalformedError("length does not match the header", `Header says ${HEADER_BYTES + ciphertextLength} bytes, got ${bytes.length}.`);
  }
  return {
    groupIndex: view.readUInt32BE(2),
    memberCount: view.readUInt16BE(6),
    ciphertext: Uint8Array.from(bytes.subarray(HEADER_BYTES)),
  };
}
