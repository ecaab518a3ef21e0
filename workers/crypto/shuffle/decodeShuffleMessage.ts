// Parses the bytes of a shuffle step (layout in ./wireFormat). Only the framing is checked here; whether the
// sender, count and lengths are right for the group is processShuffleStep's job.
import { ShuffleMessageMalformedError } from "./errors";
import type { ShuffleMessage } from "./types";
import { HEADER_BYTES, KIND_SHUFFLE_STEP, readWireHeader } from "./wireFormat";

export type DecodeShuffleMessageParameters = { bytes: Uint8Array };
export type DecodeShuffleMessageReturnType = ShuffleMessage;

export function decodeShuffleMessage({ bytes }: DecodeShuffleMessageParameters): DecodeShuffleMessageReturnType {
  const view = readWireHeader(bytes, KIND_SHUFFLE_STEP, "shuffle step");
  const senderIndex = view.readUInt16BE(2);
  const itemCount = view.readUInt16BE(4);
  const itemLength = view.readUInt32BE(6);
  if (itemCount === 0 || itemLength === 0) throw new ShuffleMessageMalformedError("empty message", `${itemCount} items of ${itemLength} bytes.`);
  const expected = HEADER_BYTES + itemCount * itemLength;
  if (bytes.length !== expected) {
    throw new ShuffleMessageMalformedError("length does not match the header", `Header says ${expected} bytes, got ${bytes.length}.`);
  }
  const items = Array.from({ length: itemCount }, (_, index) => {
    const start = HEADER_BYTES + index * itemLength;
    return Uint8Array.from(bytes.subarray(start, start + itemLength));
  });
  return { senderIndex, items };
}
