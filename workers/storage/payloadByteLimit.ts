// The exact largest size a payload of a known shape can have, so that every fetch of a CID someone else posted
// passes a cap derived from the task (model size, tensor layout, share count) instead of a blanket default.
// It follows encodePayload's layout byte for byte: the 12-byte header, the metadata, the tensor count, and per
// tensor its name, dtype, rank and dims, the alignment padding and the data. Only the metadata is not fixed by
// the shape (a client's loss, the aggregate's client lists), so the caller gives its budget; the result is
// exactly the payload's size when the metadata uses its whole budget, and one byte more is refused.
import { PayloadEncodeError } from "./errors";
import { alignUp, elementCount, MAX_PAYLOAD_METADATA_BYTES, PAYLOAD_DTYPES, type PayloadDtype } from "./payloadFormat";

export interface PayloadByteLimitParameters {
  /** The tensors in payload order, named as the writer names them. */
  tensors: readonly { name: string; dtype: PayloadDtype; shape: readonly number[] }[];
  /** The most metadata JSON the writer can produce, in bytes (at most the format's 1 MiB). */
  metadataBytes: number;
}

const utf8 = new TextEncoder();

/** Metadata of a payload one client writes (round, model kind, sample count, loss, mask group, server index…). */
export const CLIENT_METADATA_BYTES = 4 * 1024;

/**
 * Metadata that lists clients (an aggregate's included / excluded with reasons and groups, a share-sum's clients):
 * a fixed part plus 160 bytes per client (an excluded entry `{"client":"0x…40","group":2047,"reason":"GroupShuffleIncomplete"},` is 91).
 */
export function clientListMetadataBytes(maxClients: number): number {
  return Math.min(MAX_PAYLOAD_METADATA_BYTES, 8 * 1024 + 160 * Math.max(0, maxClients));
}

/**
 * A Shamir share manifest: fixed fields plus, per server, its address in `servers`, a share reference
 * `{"cid":"…","contentHash":"0x…64"}` (a CID string is at most ~120 characters for the CIDs workers put), and its
 * share's root in `shareRoots` (`"0x…64",`, 69 bytes; 72 budgeted).
 */
export function shareManifestMetadataBytes(servers: number): number {
  return 2 * 1024 + (256 + 72) * Math.max(0, servers);
}

export function payloadByteLimit(parameters: PayloadByteLimitParameters): number {
  const { metadataBytes, tensors } = parameters;
  if (!Number.isSafeInteger(metadataBytes) || metadataBytes < 0 || metadataBytes > MAX_PAYLOAD_METADATA_BYTES) {
    throw new PayloadEncodeError("metadata", `a budget of ${metadataBytes} bytes is not in [0, ${MAX_PAYLOAD_METADATA_BYTES}]`);
  }
  const layout = tensors.map((tensor, index) => {
    const spec = PAYLOAD_DTYPES[tensor.dtype];
    if (spec === undefined) throw new PayloadEncodeError(`tensors[${index}].dtype`, `"${String(tensor.dtype)}" is not a payload dtype`);
    return { header: 2 + utf8.encode(tensor.name).byteLength + 1 + 1 + 4 * tensor.shape.length, alignment: spec.alignment, data: elementCount(tensor.shape) * spec.bytesPerElement };
  });
  const sizeWith = (metadata: number): number => {
    let size = 4 + 2 + 2 + 4 + metadata + 4;
    for (const tensor of layout) size = alignUp(size + tensor.header, tensor.alignment) + tensor.data;
    return size;
  };
  // Shorter metadata can cost more padding; every alignment divides 8, so metadata 8 bytes shorter is 8 bytes
  // smaller, and the largest size is among the last 8 lengths.
  let largest = 0;
  for (let metadata = Math.max(0, metadataBytes - 7); metadata <= metadataBytes; metadata++) largest = Math.max(largest, sizeWith(metadata));
  return largest;
}
