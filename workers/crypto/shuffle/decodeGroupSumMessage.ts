// Parses a posted group sum (layout in ./wireFormat). The ciphertext is checked against the holder's key
// later, in completeHolderSeed, which knows that key.
import { ShuffleMessageMalformedError } from "./errors";
import type { GroupSumMessage } from "./types";
import { HEADER_BYTES, KIND_GROUP_SUM, WIRE_VERSION } from "./wireFormat";

export type DecodeGroupSumMessageParameters = { bytes: Uint8Array };
export type DecodeGroupSumMessageReturnType = GroupSumMessage;

export function decodeGroupSumMessage({ bytes }: DecodeGroupSumMessageParameters): DecodeGroupSumMessageReturnType {
  if (bytes.length < HEADER_BYTES) throw new ShuffleMessageMalformedError("shorter than its header", `${bytes.length} bytes.`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.readUInt8(0);
  const kind = view.readUInt8(1);
  if (version !== WIRE_VERSION) throw new ShuffleMessageMalformedError("unknown version", `Got ${version}, expected ${WIRE_VERSION}.`);
  if (kind !== KIND_GROUP_SUM) throw new ShuffleMessageMalformedError("not a group sum message", `Kind ${kind}.`);
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
