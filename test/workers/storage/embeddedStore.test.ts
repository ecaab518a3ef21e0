// The embedded store on a real temp directory: Kubo-identical CIDs, multi-chunk round trips, the files it
// leaves on disk, and every named error of get/has/put.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, readdir, readFile, writeFile, rm } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { importDirectory } from "ipfs-unixfs-importer";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { computeUnixfsCid } from "../../../workers/storage/computeUnixfsCid";
import { createEmbeddedStore, type EmbeddedStore } from "../../../workers/storage/createEmbeddedStore";
import { createSharedBlockstore } from "../../../workers/storage/createSharedBlockstore";
import { createStore, DEFAULT_STORE_DIR } from "../../../workers/storage/createStore";
import { encodePayload } from "../../../workers/storage/encodePayload";
import {
  IpfsAbortedError,
  IpfsBlockCorruptError,
  IpfsFetchTimeoutError,
  IpfsInvalidCidError,
  IpfsInvalidOptionError,
  IpfsNotAFileError,
  IpfsNotFoundError,
  IpfsPayloadTooLargeError,
  PayloadHashMismatchError,
  PayloadShapeMismatchError,
} from "../../../workers/storage/errors";
import { fetchPayload } from "../../../workers/storage/fetchPayload";
import { importEsm } from "../../../workers/storage/importEsm";
import { parseCid } from "../../../workers/storage/parseCid";
import { PayloadKind } from "../../../workers/storage/payloadFormat";
import { putPayload } from "../../../workers/storage/putPayload";
import {
  EMPTY_CID,
  HELLO_CID,
  kuboBalancedCid,
  makeTempDir,
  MULTI_CHUNK_CID,
  MULTI_CHUNK_SIZE,
  patternBytes,
  rejection,
  removeDir,
} from "./helpers";

async function computeBlockCid(block: Uint8Array): Promise<CID> {
  return CID.createV1(0x70, createDigest(0x12, createHash("sha256").update(block).digest()));
}

async function blockFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe("embedded IPFS store", () => {
  let directory: string;
  let store: EmbeddedStore;
  const multiChunk = patternBytes(MULTI_CHUNK_SIZE, 7);

  beforeEach(async () => {
    directory = await makeTempDir();
    store = await createEmbeddedStore({ directory });
  });

  afterEach(async () => {
    await store.close();
    await removeDir(directory);
  });

  describe("CIDs", () => {
    it("match Kubo for small files (one raw block)", async () => {
      expect(await store.put(new TextEncoder().encode("hello\n"))).to.equal(HELLO_CID);
      expect(await store.put(new Uint8Array(0))).to.equal(EMPTY_CID);
    });

    it("match Kubo's balanced layout for a multi-chunk file", async () => {
      const cid = await store.put(multiChunk);
      expect(cid).to.equal(MULTI_CHUNK_CID);
      expect(kuboBalancedCid(multiChunk).cid.toString()).to.equal(MULTI_CHUNK_CID);
    });

    it("match Kubo's layout past 174 chunks, where the DAG gets a second level", async () => {
      const bytes = patternBytes(175 * 262_144 + 7, 11);
      expect((await computeUnixfsCid(bytes)).toString()).to.equal(kuboBalancedCid(bytes).cid.toString());
    });

    it("are stable across puts and stores of the same bytes", async () => {
      const other = await createEmbeddedStore({ directory: await makeTempDir() });
      try {
        expect(await store.put(multiChunk)).to.equal(await other.put(multiChunk));
        expect(await store.put(multiChunk)).to.equal(MULTI_CHUNK_CID);
      } finally {
        await removeDir(other.directory);
      }
    });
  });

  describe("put and get", () => {
    it("round-trips a multi-chunk file and stores exactly its blocks", async () => {
      const cid = await store.put(multiChunk);
      expect(Buffer.from(await store.get(cid)).equals(Buffer.from(multiChunk))).to.equal(true);
      const files = await blockFiles(directory);
      // 13 leaves plus the root, published by rename: no staging files left behind.
      expect(files.filter((file) => file.endsWith(".data"))).to.have.length(14);
      expect(files.filter((file) => !file.endsWith(".data"))).to.deep.equal([]);
    });

    it("round-trips a 3 MB FMSH payload with its on-chain hash and shape", async () => {
      const weights = new Float32Array(786_432).map((_, index) => Math.sin(index) * 0.01);
      const payload = { kind: PayloadKind.Model, metadata: { round: 4, modelKind: "mlp" }, tensors: [{ name: "w", dtype: "float32" as const, shape: [768, 1024], data: weights }] };
      const { cid, contentHash, byteLength } = await putPayload(store, payload);
      expect(byteLength).to.be.greaterThan(3_000_000);
      const fetched = await fetchPayload(store, cid, contentHash.toUpperCase().replace("0X", "0x"), {
        kind: PayloadKind.Model,
        tensors: [{ name: "w", dtype: "float32", shape: [768, 1024] }],
      });
      expect(fetched.metadata).to.deep.equal({ round: 4, modelKind: "mlp" });
      expect(Buffer.from(fetched.tensors[0]!.data.buffer, fetched.tensors[0]!.data.byteOffset, weights.byteLength).equals(Buffer.from(weights.buffer))).to.equal(true);
    });

    it("has() tells stored from absent content", async () => {
      const cid = await store.put(multiChunk);
      expect(await store.has(cid)).to.equal(true);
      expect(await store.has(HELLO_CID)).to.equal(false);
    });

    it("shares its directory layout with plain blockstore-fs, both ways", async () => {
      const { FsBlockstore } = await importEsm<typeof import("blockstore-fs")>("blockstore-fs");
      const plain = new FsBlockstore(directory);
      await plain.open();
      await plain.put(parseCid(HELLO_CID), new TextEncoder().encode("hello\n"));
      expect(new TextDecoder().decode(await store.get(HELLO_CID))).to.equal("hello\n");
      const cid = await store.put(multiChunk);
      const chunks: Uint8Array[] = [];
      for await (const chunk of plain.get(parseCid(cid))) chunks.push(chunk);
      // The root block read by blockstore-fs itself hashes to the CID our store returned.
      expect((await computeBlockCid(Buffer.concat(chunks))).toString()).to.equal(cid);
    });
  });

  describe("should reject", () => {
    describe("on get", () => {
      for (const bad of ["", "nope", "Qm123", ` ${HELLO_CID}`, `/ipfs/${HELLO_CID}`, "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6a"]) {
        it(`if the CID is ${JSON.stringify(bad)}`, async () => {
          const error = await rejection(store.get(bad));
          expect(error).to.be.instanceOf(IpfsInvalidCidError);
          expect(error.cid).to.equal(bad);
        });
      }

      it("if the CID is not a string", async () => {
        expect(await rejection(store.get(42 as never))).to.be.instanceOf(IpfsInvalidCidError);
      });

      it("fast, if no block of the content is stored", async () => {
        const started = Date.now();
        const error = await rejection(store.get(MULTI_CHUNK_CID));
        expect(error).to.be.instanceOf(IpfsNotFoundError);
        expect(error.cid).to.equal(MULTI_CHUNK_CID);
        expect(Date.now() - started).to.be.lessThan(1_000);
      });

      it("fast, if one leaf block is missing", async () => {
        const cid = await store.put(multiChunk);
        const leaf = await leafPath(directory, multiChunk, 5);
        await rm(leaf);
        const started = Date.now();
        const error = await rejection(store.get(cid));
        expect(error).to.be.instanceOf(IpfsNotFoundError);
        expect(Date.now() - started).to.be.lessThan(1_000);
      });

      it("with IpfsFetchTimeoutError if a block read stalls past timeoutMs", async () => {
        const cid = await store.put(multiChunk);
        const leaf = await leafPath(directory, multiChunk, 3);
        // A FIFO with no writer blocks open(2), like a hung network disk; the deadline must still fire.
        await rm(leaf);
        execFileSync("mkfifo", [leaf]);
        const started = Date.now();
        const error = await rejection(store.get(cid, { timeoutMs: 300 }));
        const elapsed = Date.now() - started;
        expect(error).to.be.instanceOf(IpfsFetchTimeoutError);
        expect(error.timeoutMs).to.equal(300);
        expect(elapsed).to.be.within(250, 3_000);
        // Release the blocked open(2) so the thread pool gets its thread back.
        const writer = await open(leaf, constants.O_WRONLY | constants.O_NONBLOCK);
        await writer.close();
      });

      it("with IpfsPayloadTooLargeError before reading, if the file is over maxBytes", async () => {
        const cid = await store.put(multiChunk);
        const error = await rejection(store.get(cid, { maxBytes: 1_000_000 }));
        expect(error).to.be.instanceOf(IpfsPayloadTooLargeError);
        expect({ maxBytes: error.maxBytes, actualBytes: error.actualBytes }).to.deep.equal({ maxBytes: 1_000_000, actualBytes: MULTI_CHUNK_SIZE });
        expect(await store.get(cid, { maxBytes: MULTI_CHUNK_SIZE })).to.have.length(MULTI_CHUNK_SIZE);
      });

      it("with IpfsAbortedError if the caller aborted", async () => {
        const cid = await store.put(multiChunk);
        const error = await rejection(store.get(cid, { signal: AbortSignal.abort(new Error("shutting down")) }));
        expect(error).to.be.instanceOf(IpfsAbortedError);
        expect(error.operation).to.equal("get");
      });

      it("with IpfsBlockCorruptError if a block on disk was altered, and heals on the next put", async () => {
        const cid = await store.put(multiChunk);
        const leaf = await leafPath(directory, multiChunk, 2);
        const original = await readFile(leaf);
        await writeFile(leaf, Buffer.alloc(original.byteLength, 0xaa));
        const error = await rejection(store.get(cid));
        expect(error).to.be.instanceOf(IpfsBlockCorruptError);
        expect(error.path).to.equal(leaf);
        expect(await store.put(multiChunk)).to.equal(cid);
        expect(Buffer.from(await store.get(cid)).equals(Buffer.from(multiChunk))).to.equal(true);
      });

      it("with IpfsNotAFileError for a directory", async () => {
        const shared = await createSharedBlockstore({ directory });
        const { cid } = await importDirectory({ path: "models" }, shared);
        const error = await rejection(store.get(cid.toString()));
        expect(error).to.be.instanceOf(IpfsNotAFileError);
        expect(error.entryType).to.equal("directory");
      });

      it("with IpfsNotAFileError for a dag-pb block that is not UnixFS, even though it hashes to its CID", async () => {
        const shared = await createSharedBlockstore({ directory });
        const garbage = Uint8Array.of(0xff, 0xff, 0xff);
        const cid = await computeBlockCid(garbage);
        await shared.put(cid, garbage);
        const error = await rejection(store.get(cid.toString()));
        expect(error).to.be.instanceOf(IpfsNotAFileError);
        expect(error.cid).to.equal(cid.toString());
      });

      it("with IpfsInvalidOptionError for a negative maxBytes or a NaN timeout", async () => {
        expect(await rejection(store.get(HELLO_CID, { maxBytes: -1 }))).to.be.instanceOf(IpfsInvalidOptionError);
        expect(await rejection(store.get(HELLO_CID, { timeoutMs: Number.NaN }))).to.be.instanceOf(IpfsInvalidOptionError);
      });
    });

    describe("on has", () => {
      it("if the CID is invalid", async () => {
        expect(await rejection(store.has("bafy-not-a-cid"))).to.be.instanceOf(IpfsInvalidCidError);
      });
    });

    describe("on put", () => {
      it("with IpfsAbortedError if the caller aborted", async () => {
        const error = await rejection(store.put(multiChunk, { signal: AbortSignal.abort() }));
        expect(error).to.be.instanceOf(IpfsAbortedError);
        expect(await blockFiles(directory)).to.deep.equal([]);
      });
    });

    describe("on fetchPayload", () => {
      it("with PayloadHashMismatchError if the bytes are not the ones posted", async () => {
        const bytes = encodePayload({ kind: PayloadKind.Update, metadata: {}, tensors: [] });
        const cid = await store.put(bytes);
        const posted = `0x${"00".repeat(32)}`;
        const error = await rejection(fetchPayload(store, cid, posted));
        expect(error).to.be.instanceOf(PayloadHashMismatchError);
        expect({ cid: error.cid, expected: error.expected }).to.deep.equal({ cid, expected: posted });
      });

      it("with PayloadShapeMismatchError if the payload is another kind", async () => {
        const { cid, contentHash } = await putPayload(store, { kind: PayloadKind.Share, metadata: {}, tensors: [] });
        const error = await rejection(fetchPayload(store, cid, contentHash, { kind: PayloadKind.MaskedUpdate }));
        expect(error).to.be.instanceOf(PayloadShapeMismatchError);
        expect({ expected: error.expected, actual: error.actual }).to.deep.equal({ expected: "MaskedUpdate", actual: "Share" });
      });
    });
  });

  describe("createStore", () => {
    let savedUrl: string | undefined;
    beforeEach(() => {
      savedUrl = process.env.IPFS_API_URL;
    });
    afterEach(() => {
      if (savedUrl === undefined) delete process.env.IPFS_API_URL;
      else process.env.IPFS_API_URL = savedUrl;
    });

    it("picks the embedded store in the given directory when no API URL is set", async () => {
      delete process.env.IPFS_API_URL;
      const picked = await createStore({ directory });
      expect(picked.kind).to.equal("embedded");
      expect(await picked.get(await store.put(multiChunk))).to.have.length(MULTI_CHUNK_SIZE);
      expect(DEFAULT_STORE_DIR).to.equal(".fedmash/ipfs");
    });

    it("ignores IPFS_API_URL when the caller passes an empty URL", async () => {
      process.env.IPFS_API_URL = "http://127.0.0.1:1";
      expect((await createStore({ ipfsApiUrl: "", directory })).kind).to.equal("embedded");
    });
  });
});

/** Path of the `index`-th 256 KiB leaf of `bytes` in the store (raw leaves are keyed by their own hash). */
async function leafPath(directory: string, bytes: Uint8Array, index: number): Promise<string> {
  const { cid } = kuboBalancedCid(bytes.subarray(index * 262_144, (index + 1) * 262_144));
  return (await createSharedBlockstore({ directory })).blockPath(cid);
}
