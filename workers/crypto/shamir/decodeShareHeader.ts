// Reads the clear header of a share payload (layout in ./shareFormat); anything that is not a version-1
// Shamir share payload is a ShamirMalformedShareError, before any field is compared or any key is used.
import { ShamirMalformedShareError } from "./errors";
import { SHARE_FORMAT_VERSION, SHARE_HEADER_BYTES, SHARE_MAGIC, type ShareHeader } from "./shareFormat";

export type DecodeShareHeaderReturnType = ShareHeader;

export function decodeShareHeader(payload: Uint8Array): DecodeShareHeaderReturnType {
  if (payload.length < SHARE_HEADER_BYTES) {
    throw new ShamirMalformedShareError(`the payload has ${payload.length} bytes, shorter than its ${SHARE_HEADER_BYTES}-byte header`);
  }
  if (!SHARE_MAGIC.every((byte, i) => payload[i] === byte)) throw new ShamirMalformedShareError('it does not start with "FMSS"');
  const version = payload[4]!;
  if (version !== SHARE_FORMAT_VERSION) throw new ShamirMalformedShareError(`format version ${version} is not the supported ${SHARE_FORMAT_VERSION}`);
  const view = new DataView(payload.buffer, payload.byteOffset, SHARE_HEADER_BYTES);
  return {
    version,
    serverIndex: payload[5]!,
    roundId: BigInt(`0x${Buffer.from(payload.subarray(6, 38)).toString("hex")}`),
    client: Uint8Array.from(payload.subarray(38, 58)),
    elementCount: view.getUint32(58, false),
  };
}
