// Reads an exported UnixFS entry into one buffer, refusing directories and anything over the byte limit
// before the first block is read when the declared size already says so, and while reading otherwise.
import type { UnixFSEntry } from "ipfs-unixfs-exporter";
import { IpfsInvalidDagError, IpfsNotAFileError, IpfsPayloadTooLargeError } from "./errors";

export interface ReadUnixfsFileParameters {
  cid: string;
  entry: UnixFSEntry;
  maxBytes: number;
  signal?: AbortSignal;
}

export type ReadUnixfsFileReturnType = Promise<Uint8Array>;

export async function readUnixfsFile(parameters: ReadUnixfsFileParameters): ReadUnixfsFileReturnType {
  const { cid, entry, maxBytes, signal } = parameters;
  if (entry.type !== "file" && entry.type !== "raw" && entry.type !== "identity") {
    throw new IpfsNotAFileError(cid, entry.type);
  }
  if (entry.size > BigInt(maxBytes)) throw new IpfsPayloadTooLargeError(cid, maxBytes, Number(entry.size));
  const size = Number(entry.size);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of entry.content({ signal })) {
    received += chunk.byteLength;
    // The exporter trusts the root's declared size; a lying root must not make us buffer without bound.
    if (received > maxBytes) throw new IpfsPayloadTooLargeError(cid, maxBytes, received);
    chunks.push(chunk);
  }
  if (received !== size) {
    throw new IpfsInvalidDagError(cid, new Error(`declared ${size} bytes, blocks hold ${received}`));
  }
  // A single-block file is returned as read; only multi-block files are assembled into a new buffer.
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
