// Bytes of a GroupSumMessage, as a leader posts it for the holder (layout in ./wireFormat).
import { ShuffleMessageMalformedError } from "./errors";
import type { GroupSumMessage } from "./types";
import { HEADER_BYTES, KIND_GROUP_SUM, WIRE_VERSION } from "./wireFormat";

export type EncodeGroupSumMessageParameters = { message: GroupSumMessage };
export type EncodeGroupSumMessageReturnType = Uint8Array;

export function encodeGroupSumMessage({ message }: EncodeGroupSumMessageParameters): EncodeGroupSumMessageReturnType {
  const { groupIndex, memberCount, ciphertext } = message;
  if (!Number.isInteger(groupIndex) || groupIndex < 0 || groupIndex > 0xffff_ffff) {
    throw new ShuffleMessageMalformedError("group index is not a u32", `Got ${groupIndex}.`);
  }
  if (!Number.isInteger(memberCount) || memberCount < 0 || memberCount > 0xffff) {
    throw new ShuffleMessageMalformedError("member count is not a u16", `Got ${memberCount}.`);
  }
  if (ciphertext.length === 0 || ciphertext.length > 0xffff) throw new ShuffleMessageMalformedError("ciphertext length must be 1 to 65535 bytes");
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(WIRE_VERSION, 0);
  header.writeUInt8(KIND_GROUP_SUM, 1);
  header.writeUInt32BE(groupIndex, 2);
  header.writeUInt16BE(memberCount, 6);
  header.writeUInt16BE(ciphertext.length, 8);
  return Uint8Array.from(Buffer.concat([header, ciphertext]));
}
