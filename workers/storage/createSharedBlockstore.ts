// A blockstore-fs directory that several OS processes may read and write at the same time.
//
// blockstore-fs writes a block through steno, which stages it in `.<name>.tmp` next to the target and renames
// it. That temp name is the same in every process, so two processes putting the same block (two clients
// adding identical bytes) write into one temp file at once; one rename can then publish a file the other is
// still truncating and rewriting, and a reader in a third process sees a short block. Here each write stages
// in a temp file unique to the process and call, and rename(2) publishes it atomically: readers see a whole
// block or none. Blocks are content-addressed, so when two writers race, either complete file is correct.
// Reads check each block against its CID, so damage on disk is reported instead of returned. From blockstore-fs
// we keep the directory layout (NextToLast sharding, `.data` files), open() and has(); put and get are ours.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FsBlockstore } from "blockstore-fs";
import type { NextToLast } from "blockstore-fs/sharding";
import type { CID } from "multiformats/cid";
import { IpfsBlockCorruptError, IpfsBlockNotFoundError } from "./errors";
import { importEsm } from "./importEsm";

const SHA2_256_CODE = 0x12;
const IDENTITY_CODE = 0x00;

type BlockBytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface SharedBlockstore {
  readonly directory: string;
  put(cid: CID, bytes: BlockBytes, options?: { signal?: AbortSignal }): Promise<CID>;
  get(cid: CID, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array>;
  has(cid: CID, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Where the block for `cid` lives on disk (same layout as blockstore-fs: `<dir>/<XX>/<MULTIHASH>.data`). */
  blockPath(cid: CID): string;
  close(): Promise<void>;
}

export interface CreateSharedBlockstoreParameters {
  directory: string;
}

export type CreateSharedBlockstoreReturnType = SharedBlockstore;

export async function createSharedBlockstore(
  parameters: CreateSharedBlockstoreParameters,
): Promise<CreateSharedBlockstoreReturnType> {
  const directory = path.resolve(parameters.directory);
  const [{ FsBlockstore: FsBlockstoreClass }, { NextToLast: NextToLastClass }] = await Promise.all([
    importEsm<{ FsBlockstore: typeof FsBlockstore }>("blockstore-fs"),
    importEsm<{ NextToLast: typeof NextToLast }>("blockstore-fs/sharding"),
  ]);
  const sharding = new NextToLastClass();
  const fsStore = new FsBlockstoreClass(directory, { shardingStrategy: sharding });
  await fsStore.open();

  const blockPath = (cid: CID): string => {
    const { dir, file } = sharding.encode(cid);
    return path.join(directory, dir, file);
  };

  return {
    directory,
    blockPath,

    async put(cid, bytes, options = {}) {
      options.signal?.throwIfAborted();
      const target = blockPath(cid);
      // Same name means same bytes, and only complete files are ever published under that name.
      if (await isFile(target)) return cid;
      const content = await collectBytes(bytes);
      await mkdir(path.dirname(target), { recursive: true });
      const staging = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeFile(staging, content, { flag: "wx", signal: options.signal });
        await rename(staging, target);
      } catch (error) {
        await rm(staging, { force: true });
        // A concurrent writer published the block first; on Linux rename replaces, elsewhere it may refuse.
        if (!options.signal?.aborted && (await isFile(target))) return cid;
        throw error;
      }
      return cid;
    },

    async *get(cid, options = {}) {
      const file = blockPath(cid);
      const block = await readBlockFile(file, cid, options.signal);
      if (!matchesCid(cid, block)) {
        // Removing it lets the next put of the same content heal the store instead of skipping the write.
        await rm(file, { force: true });
        throw new IpfsBlockCorruptError(cid.toString(), file);
      }
      yield block;
    },

    has(cid, options = {}) {
      return fsStore.has(cid, options);
    },

    close() {
      return fsStore.close();
    },
  };
}

/**
 * Reads one block file. blockstore-fs's own get races open(2) against the signal and abandons the handle, which
 * leaks a descriptor when the open completes later (a stalled disk); here the read always runs to completion
 * and closes its file, while the caller is released as soon as the signal fires.
 */
async function readBlockFile(file: string, cid: CID, signal: AbortSignal | undefined): Promise<Uint8Array> {
  signal?.throwIfAborted();
  const read = readFile(file).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === "ENOENT") throw new IpfsBlockNotFoundError(cid.toString(), file);
    throw error;
  });
  if (signal === undefined) return read;
  read.catch(() => undefined);
  return new Promise<Uint8Array>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    read.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function collectBytes(bytes: BlockBytes): Promise<Uint8Array> {
  if (bytes instanceof Uint8Array) return bytes;
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  return concatBytes(chunks);
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks);
}

function matchesCid(cid: CID, block: Uint8Array): boolean {
  const { code, digest } = cid.multihash;
  if (code === SHA2_256_CODE) return Buffer.from(digest).equals(createHash("sha256").update(block).digest());
  if (code === IDENTITY_CODE) return Buffer.from(digest).equals(block);
  // The importer only writes sha2-256 blocks; other hashes can only come from files copied in by hand.
  return true;
}
