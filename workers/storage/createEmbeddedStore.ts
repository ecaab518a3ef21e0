// The default IpfsStore: a real UnixFS blockstore in a local directory (ipfs-unixfs-importer/exporter over
// blockstore-fs), shareable by every worker process on the machine. Nothing to install or start.
import { exporter } from "ipfs-unixfs-exporter";
import { importBytes } from "ipfs-unixfs-importer";
import type { CID } from "multiformats/cid";
import { createFetchScope } from "./createFetchScope";
import { createSharedBlockstore } from "./createSharedBlockstore";
import { IpfsInvalidDagError, IpfsNotAFileError, IpfsNotFoundError, IpfsPutFailedError } from "./errors";
import { DEFAULT_MAX_GET_BYTES, type IpfsGetOptions, type IpfsHasOptions, type IpfsPutOptions, type IpfsStore } from "./IpfsStore";
import { parseCid } from "./parseCid";
import { readUnixfsFile } from "./readUnixfsFile";
import { translateEmbeddedError } from "./translateEmbeddedError";
import { unixfsImporterOptions } from "./unixfsImporterOptions";
import { validateMaxBytes } from "./validateMaxBytes";

export interface CreateEmbeddedStoreParameters {
  /** Blockstore directory, created if missing; several processes may share it. */
  directory: string;
}

export interface EmbeddedAddResult {
  cid: string;
  /** Bytes of the whole DAG (blocks plus links), what Kubo reports as an added file's Size. */
  cumulativeSize: number;
}

export interface EmbeddedStore extends IpfsStore {
  readonly kind: "embedded";
  readonly directory: string;
  /** put, also reporting the DAG size (used by serveStoreRpc to answer like Kubo). */
  add(bytes: Uint8Array, options?: IpfsPutOptions): Promise<EmbeddedAddResult>;
  /** Size of one block held locally, or undefined when it is absent (Kubo's `block stat --offline`). */
  blockSize(cid: string, options?: IpfsHasOptions): Promise<number | undefined>;
  /**
   * Bytes [offset, offset + length) of a file, clipped to its end, reading only the blocks that hold them (Kubo's
   * `cat --offset --length`), so serving the first bytes of a huge file never loads the file.
   */
  getRange(cid: string, range: { offset: number; length: number }, options?: Omit<IpfsGetOptions, "maxBytes">): Promise<Uint8Array>;
}

export type CreateEmbeddedStoreReturnType = EmbeddedStore;

export async function createEmbeddedStore(
  parameters: CreateEmbeddedStoreParameters,
): Promise<CreateEmbeddedStoreReturnType> {
  const blockstore = await createSharedBlockstore({ directory: parameters.directory });
  const storeName = `embedded store ${blockstore.directory}`;

  const add: EmbeddedStore["add"] = async (bytes, options = {}) => {
    if (!(bytes instanceof Uint8Array)) throw new IpfsPutFailedError(storeName, new TypeError("put expects a Uint8Array"));
    const scope = createFetchScope({ signal: options.signal });
    try {
      scope.throwIfEnded("(new content)", "put");
      const writer = { put: (cid: CID, block: Uint8Array) => blockstore.put(cid, block, { signal: scope.signal }) };
      const { cid, size } = await importBytes(bytes, writer, unixfsImporterOptions());
      return { cid: cid.toString(), cumulativeSize: Number(size) };
    } catch (error) {
      throw scope.abortError("(new content)", "put", error) ?? new IpfsPutFailedError(storeName, error);
    } finally {
      scope.dispose();
    }
  };

  /** Runs one read under the caller's signal and deadline, and names whatever it fails with. */
  const read = async <T>(cid: string, operation: string, options: IpfsGetOptions, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const scope = createFetchScope({ signal: options.signal, timeoutMs: options.timeoutMs });
    try {
      scope.throwIfEnded(cid, operation);
      return await run(scope.signal);
    } catch (error) {
      throw translateEmbeddedError({ error, cid, operation, scope });
    } finally {
      scope.dispose();
    }
  };

  return {
    kind: "embedded",
    directory: blockstore.directory,
    add,

    async put(bytes, options) {
      return (await add(bytes, options)).cid;
    },

    async get(cid, options = {}) {
      const parsed = parseCid(cid);
      const maxBytes = validateMaxBytes(options.maxBytes ?? DEFAULT_MAX_GET_BYTES);
      return read(cid, "get", options, async (signal) => {
        const entry = await exporter(parsed, blockstore, { signal });
        return readUnixfsFile({ cid, entry, maxBytes, signal });
      });
    },

    async getRange(cid, range, options = {}) {
      const parsed = parseCid(cid);
      const offset = validateMaxBytes(range.offset);
      const length = validateMaxBytes(range.length);
      return read(cid, "get", options, async (signal) => {
        const entry = await exporter(parsed, blockstore, { signal });
        if (entry.type !== "file" && entry.type !== "raw" && entry.type !== "identity") throw new IpfsNotAFileError(cid, entry.type);
        const size = Number(entry.size);
        const start = Math.min(offset, size);
        const bytes = new Uint8Array(Math.min(size, start + length) - start);
        if (bytes.length === 0) return bytes;
        let filled = 0;
        for await (const chunk of entry.content({ signal, offset: start, length: bytes.length })) {
          if (filled + chunk.byteLength > bytes.length) throw new IpfsInvalidDagError(cid, new Error(`the blocks hold more than the ${bytes.length} bytes asked for`));
          bytes.set(chunk, filled);
          filled += chunk.byteLength;
        }
        if (filled !== bytes.length) throw new IpfsInvalidDagError(cid, new Error(`asked for ${bytes.length} bytes at ${start}, the blocks hold ${filled}`));
        return bytes;
      });
    },

    async has(cid, options = {}) {
      const parsed = parseCid(cid);
      return read(cid, "has", options, (signal) => blockstore.has(parsed, { signal }));
    },

    async blockSize(cid, options = {}) {
      const parsed = parseCid(cid);
      try {
        return await read(cid, "block stat", options, async (signal) => {
          let size = 0;
          for await (const block of blockstore.get(parsed, { signal })) size += block.byteLength;
          return size;
        });
      } catch (error) {
        if (error instanceof IpfsNotFoundError) return undefined;
        throw error;
      }
    },

    close() {
      return blockstore.close();
    },
  };
}
