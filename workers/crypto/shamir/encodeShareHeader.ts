// The clear header of a share payload (layout in ./shareFormat), from already-checked fields.
import { SHARE_FORMAT_VERSION, SHARE_HEADER_BYTES, SHARE_MAGIC } from "./shareFormat";

export type EncodeShareHeaderParameters = { serverIndex: number; roundId: bigint; client: Uint8Array; elementCount: number };
export type EncodeShareHeaderReturnType = Uint8Array;

export function encodeShareHeader({ serverIndex, roundId, client, elementCount }: EncodeShareHeaderParameters): EncodeShareHeaderReturnType {
  const header = new Uint8Array(SHARE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(SHARE_MAGIC, 0);
  header[4] = SHARE_FORMAT_VERSION;
  header[5] = serverIndex;
  header.set(Buffer.from(roundId.toString(16).padStart(64, "0"), "hex"), 6);
  header.set(client, 38);
  view.setUint32(58, elementCount, false);
  return header;
}
