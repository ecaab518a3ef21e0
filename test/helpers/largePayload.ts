// A real 600 MiB FMSH payload in an embedded store directory, for the payload-size tests (issue 15, M5). It is
// streamed into the blockstore with the store's own importer settings (so its CID is the one `put` would give),
// 1 MiB of zeros at a time, so writing it never holds more than a chunk of it in memory.
import { importByteStream } from "ipfs-unixfs-importer";
import type { CID } from "multiformats/cid";
import { createSharedBlockstore } from "../../workers/storage/createSharedBlockstore";
import { unixfsImporterOptions } from "../../workers/storage/unixfsImporterOptions";

export const LARGE_PAYLOAD_BYTES = 600 * 1024 * 1024;

export interface LargePayload {
  cid: string;
  /** Bytes of the whole file, header included. */
  byteLength: number;
  /** Growth of the process's ArrayBuffer memory while it was written (the streaming check). */
  arrayBuffersGrowth: number;
}

/**
 * Writes a MaskedUpdate payload whose header declares one uint32 tensor "masked" [n, 2] filling ~600 MiB, into
 * the blockstore at `directory`. The bytes after the header are zeros: a valid payload of that shape.
 */
export async function writeLargePayload(directory: string, totalBytes = LARGE_PAYLOAD_BYTES): Promise<LargePayload> {
  const metadata = new TextEncoder().encode(JSON.stringify({ round: 1, note: "600 MiB" }));
  const name = new TextEncoder().encode("masked");
  let headerBytes = 12 + metadata.length + 4 + 2 + name.length + 2 + 8;
  headerBytes = Math.ceil(headerBytes / 4) * 4;
  const elements = Math.floor((totalBytes - headerBytes) / 8);
  const header = new Uint8Array(headerBytes);
  const view = new DataView(header.buffer);
  header.set([0x46, 0x4d, 0x53, 0x48], 0);
  view.setUint16(4, 1, true);
  view.setUint16(6, 3, true); // MaskedUpdate
  view.setUint32(8, metadata.length, true);
  header.set(metadata, 12);
  let offset = 12 + metadata.length;
  view.setUint32(offset, 1, true);
  offset += 4;
  view.setUint16(offset, name.length, true);
  header.set(name, offset + 2);
  offset += 2 + name.length;
  view.setUint8(offset, 3); // uint32
  view.setUint8(offset + 1, 2);
  view.setUint32(offset + 2, elements, true);
  view.setUint32(offset + 6, 2, true);
  const byteLength = headerBytes + elements * 8;

  const chunk = new Uint8Array(1024 * 1024);
  async function* stream(): AsyncGenerator<Uint8Array> {
    yield header;
    for (let left = byteLength - headerBytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  const blockstore = await createSharedBlockstore({ directory });
  global.gc?.();
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  try {
    const writer = {
      put: async (cid: CID, block: Uint8Array) => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        return blockstore.put(cid, block);
      },
    };
    const { cid } = await importByteStream(stream(), writer, unixfsImporterOptions());
    return { cid: cid.toString(), byteLength, arrayBuffersGrowth: peak - before };
  } finally {
    await blockstore.close();
  }
}
