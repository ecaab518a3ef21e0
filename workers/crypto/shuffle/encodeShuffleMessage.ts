// Bytes of a ShuffleMessage for calldata, an event or IPFS (layout in ./wireFormat).
import { ShuffleMessageMalformedError } from "./errors";
import type { ShuffleMessage } from "./types";
import { HEADER_BYTES, KIND_SHUFFLE_STEP, WIRE_VERSION } from "./wireFormat";

export type EncodeShuffleMessageParameters = { message: ShuffleMessage };
export type EncodeShuffleMessageReturnType = Uint8Array;

export function encodeShuffleMessage({ message }: EncodeShuffleMessageParameters): EncodeShuffleMessageReturnType {
  const { senderIndex, items } = message;
  const itemLength = items[0]?.length ?? 0;
  if (!Number.isInteger(senderIndex) || senderIndex < 0 || senderIndex > 0xffff) {
    throw new ShuffleMessageMalformedError("sender index is not a u16", `Got ${senderIndex}.`);
  }
  if (items.length === 0 || items.length > 0xffff) throw new ShuffleMessageMalformedError("item count must be 1 to 65535", `Got ${items.length}.`);
  if (items.some((item) => item.length !== itemLength) || itemLength === 0) {
    throw new ShuffleMessageMalformedError("items must be non-empty and all of one length");
  }
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(WIRE_VERSION, 0);
  header.writeUInt8(KIND_SHUFFLE_STEP, 1);
  header.writeUInt16BE(senderIndex, 2);
  header.writeUInt16BE(items.length, 4);
  header.writeUInt32BE(itemLength, 6);
  return Uint8Array.from(Buffer.concat([header, ...items]));
}
