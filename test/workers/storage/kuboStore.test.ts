// The Kubo adapter over real HTTP against serveStoreRpc (a Kubo-RPC-compatible server on an embedded store),
// cross-checked with the embedded store on the same directory; plus misbehaving servers for the error paths.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { create as createRpcClient } from "kubo-rpc-client";
import { computeUnixfsCid } from "../../../workers/storage/computeUnixfsCid";
import { createEmbeddedStore, type EmbeddedStore } from "../../../workers/storage/createEmbeddedStore";
import { createKuboStore, type CreateKuboStoreReturnType } from "../../../workers/storage/createKuboStore";
import { createStore } from "../../../workers/storage/createStore";
import {
  IpfsContentMismatchError,
  IpfsFetchTimeoutError,
  IpfsInvalidCidError,
  IpfsInvalidOptionError,
  IpfsNotFoundError,
  IpfsPayloadTooLargeError,
  IpfsUnreachableError,
  StoreRpcBadRequestError,
} from "../../../workers/storage/errors";
import { parseMultipart } from "../../../workers/storage/parseMultipart";
import { serveStoreRpc, STORE_RPC_VERSION, type StoreRpcServer } from "../../../workers/storage/serveStoreRpc";
import {
  HELLO_CID,
  kuboBalancedCid,
  makeTempDir,
  MULTI_CHUNK_CID,
  MULTI_CHUNK_SIZE,
  patternBytes,
  rejection,
  removeDir,
} from "./helpers";

const hello = new TextEncoder().encode("hello\n");

/** A stand-in for a broken node: answers the health check, then handles cat with `onCat`. */
async function fakeNode(onCat: (respond: (status: number, body: Uint8Array | string) => void) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    const respond = (status: number, body: Uint8Array | string): void => {
      response.writeHead(status, { "Content-Type": "application/octet-stream" });
      response.end(body);
    };
    if (request.url?.startsWith("/api/v0/version")) respond(200, JSON.stringify({ Version: "0.36.0" }));
    else if (request.url?.startsWith("/api/v0/cat")) onCat(respond);
    else respond(404, "404 page not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function post(url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: "POST", ...init });
  return { status: response.status, body: await response.text() };
}

describe("Kubo RPC store", () => {
  let directory: string;
  let embedded: EmbeddedStore;
  let server: StoreRpcServer;
  let kubo: CreateKuboStoreReturnType;
  const multiChunk = patternBytes(MULTI_CHUNK_SIZE, 7);

  beforeEach(async () => {
    directory = await makeTempDir();
    embedded = await createEmbeddedStore({ directory });
    server = await serveStoreRpc({ store: embedded });
    kubo = await createKuboStore({ url: server.url });
  });

  afterEach(async () => {
    await kubo.close();
    await server.close();
    await embedded.close();
    await removeDir(directory);
  });

  describe("against serveStoreRpc", () => {
    it("adds with the same CIDs as the embedded store and as Kubo", async () => {
      expect(kubo.kind).to.equal("kubo");
      expect(await kubo.put(hello)).to.equal(HELLO_CID);
      expect(await kubo.put(multiChunk)).to.equal(MULTI_CHUNK_CID);
      expect(await embedded.put(multiChunk)).to.equal(MULTI_CHUNK_CID);
    });

    it("reads through the embedded store what was put through Kubo RPC", async () => {
      const cid = await kubo.put(multiChunk);
      expect(Buffer.from(await embedded.get(cid)).equals(Buffer.from(multiChunk))).to.equal(true);
    });

    it("reads through Kubo RPC what was put in the embedded store", async () => {
      const cid = await embedded.put(multiChunk);
      expect(Buffer.from(await kubo.get(cid)).equals(Buffer.from(multiChunk))).to.equal(true);
      expect(new TextDecoder().decode(await kubo.get(await embedded.put(hello)))).to.equal("hello\n");
    });

    it("has() reports stored and absent content without fetching", async () => {
      await embedded.put(hello);
      expect(await kubo.has(HELLO_CID)).to.equal(true);
      expect(await kubo.has(MULTI_CHUNK_CID)).to.equal(false);
    });

    it("answers kubo-rpc-client's add, cat, block stat and version as Kubo does", async () => {
      const client = createRpcClient({ url: server.url });
      const added = await client.add(multiChunk, { cidVersion: 1, rawLeaves: true, chunker: "size-262144" });
      expect(added.cid.toString()).to.equal(MULTI_CHUNK_CID);
      // Kubo reports the cumulative DAG size (blocks plus link overhead), not the file size.
      expect(added.size).to.equal(kuboBalancedCid(multiChunk).tsize);
      const slice: Uint8Array[] = [];
      for await (const chunk of client.cat(added.cid, { offset: 262_140, length: 10 })) slice.push(chunk);
      expect(Buffer.concat(slice).equals(Buffer.from(multiChunk.subarray(262_140, 262_150)))).to.equal(true);
      const leaf = kuboBalancedCid(multiChunk.subarray(0, 262_144)).cid;
      expect(await client.block.stat(leaf)).to.deep.equal({ cid: leaf, size: 262_144 });
      expect((await client.version()).version).to.equal(STORE_RPC_VERSION);
    });

    it("is what createStore picks when an API URL is given, or IPFS_API_URL is set", async () => {
      const saved = process.env.IPFS_API_URL;
      try {
        expect((await createStore({ ipfsApiUrl: server.url, directory: "unused" })).kind).to.equal("kubo");
        process.env.IPFS_API_URL = server.url;
        const fromEnv = await createStore({ directory: "unused" });
        expect(fromEnv.kind).to.equal("kubo");
        expect(await fromEnv.put(hello)).to.equal(HELLO_CID);
      } finally {
        if (saved === undefined) delete process.env.IPFS_API_URL;
        else process.env.IPFS_API_URL = saved;
      }
    });
  });

  describe("should reject", () => {
    describe("on get", () => {
      it("with IpfsNotFoundError, fast, if the node does not hold the content", async () => {
        const started = Date.now();
        const error = await rejection(kubo.get(MULTI_CHUNK_CID));
        expect(error).to.be.instanceOf(IpfsNotFoundError);
        expect(error.cid).to.equal(MULTI_CHUNK_CID);
        expect(Date.now() - started).to.be.lessThan(1_000);
      });

      it("with IpfsInvalidCidError before any request", async () => {
        expect(await rejection(kubo.get("bafy?"))).to.be.instanceOf(IpfsInvalidCidError);
        expect(await rejection(kubo.has(""))).to.be.instanceOf(IpfsInvalidCidError);
      });

      it("with IpfsPayloadTooLargeError if the file is over maxBytes", async () => {
        const cid = await kubo.put(multiChunk);
        const error = await rejection(kubo.get(cid, { maxBytes: 1_000 }));
        expect(error).to.be.instanceOf(IpfsPayloadTooLargeError);
        expect(error.maxBytes).to.equal(1_000);
      });

      it("with IpfsFetchTimeoutError if the node does not answer within timeoutMs", async () => {
        const node = await fakeNode(() => undefined);
        try {
          const stalled = await createKuboStore({ url: node.url });
          const started = Date.now();
          const error = await rejection(stalled.get(HELLO_CID, { timeoutMs: 300 }));
          expect(error).to.be.instanceOf(IpfsFetchTimeoutError);
          expect(error.timeoutMs).to.equal(300);
          expect(Date.now() - started).to.be.within(250, 3_000);
        } finally {
          node.server.closeAllConnections();
          node.server.close();
        }
      });

      it("with IpfsContentMismatchError if the node returns other bytes than the CID names", async () => {
        const node = await fakeNode((respond) => respond(200, "hellp\n"));
        try {
          const lying = await createKuboStore({ url: node.url });
          const error = await rejection(lying.get(HELLO_CID));
          expect(error).to.be.instanceOf(IpfsContentMismatchError);
          expect(error.cid).to.equal(HELLO_CID);
          expect(error.actualCid).to.equal((await computeUnixfsCid(new TextEncoder().encode("hellp\n"))).toString());
        } finally {
          node.server.closeAllConnections();
          node.server.close();
        }
      });

      it("with IpfsUnreachableError once the node has gone away", async () => {
        await server.close();
        const error = await rejection(kubo.get(HELLO_CID));
        expect(error).to.be.instanceOf(IpfsUnreachableError);
        expect(error.url).to.equal(server.url);
      });
    });

    describe("on createKuboStore", () => {
      it("with IpfsUnreachableError naming the URL and the fix if nothing listens", async () => {
        const url = await closedPortUrl();
        const error = await rejection(createKuboStore({ url, attempts: 2 }));
        expect(error).to.be.instanceOf(IpfsUnreachableError);
        expect(error.url).to.equal(url);
        expect(error.message).to.contain("ipfs daemon").and.to.contain("serveStoreRpcMain").and.to.contain("IPFS_API_URL");
      });

      it("with IpfsInvalidOptionError for a URL that is not http(s)", async () => {
        expect(await rejection(createKuboStore({ url: "localhost:5001" }))).to.be.instanceOf(IpfsInvalidOptionError);
        expect(await rejection(createKuboStore({ url: "not a url" }))).to.be.instanceOf(IpfsInvalidOptionError);
      });
    });

    describe("on serveStoreRpc", () => {
      it("an add that would build CIDv0 or another chunking, naming the option", async () => {
        const client = createRpcClient({ url: server.url });
        const error = await rejection(client.add(hello));
        expect(error.message).to.contain("cid-version=1");
        const chunked = await rejection(client.add(hello, { cidVersion: 1, chunker: "size-1024" }));
        expect(chunked.message).to.contain("chunker=size-1024 is not supported");
        expect(await embedded.has(HELLO_CID)).to.equal(false);
      });

      it("browser requests (Origin header) with 403, GET with 405, unknown commands with 404", async () => {
        const version = `${server.url}/api/v0/version`;
        expect((await post(version, { headers: { Origin: "https://evil.example" } })).status).to.equal(403);
        expect((await fetch(version)).status).to.equal(405);
        expect((await post(`${server.url}/api/v0/pin/add?arg=${HELLO_CID}`)).status).to.equal(404);
      });

      it("an add body over maxRequestBytes with 413 and stores nothing", async () => {
        const small = await serveStoreRpc({ store: embedded, maxRequestBytes: 100_000 });
        try {
          const client = createRpcClient({ url: small.url });
          const error = await rejection(client.add(multiChunk, { cidVersion: 1 }));
          expect((error as unknown as { response: Response }).response.status).to.equal(413);
          expect(await embedded.has(MULTI_CHUNK_CID)).to.equal(false);
        } finally {
          await small.close();
        }
      });

      it("block stat of an absent block with Kubo's not-found error", async () => {
        const { status, body } = await post(`${server.url}/api/v0/block/stat?arg=${HELLO_CID}`);
        expect(status).to.equal(500);
        expect(JSON.parse(body)).to.deep.equal({ Message: `block was not found locally (offline): ipld: could not find ${HELLO_CID}`, Code: 0, Type: "error" });
      });
    });
  });

  describe("parseMultipart", () => {
    const boundary = "-----------------------------abc";
    const body = (parts: string[]): Uint8Array => Buffer.from(`preamble\r\n${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join("")}--${boundary}--\r\n`, "latin1");
    const file = (name: string, content: string): string =>
      `Content-Disposition: form-data; name="${name}"; filename="${encodeURIComponent("a b.bin")}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}`;

    it("splits parts and keeps CRLF and dashes inside content", () => {
      const parts = parseMultipart(body([file("file", "x\r\n--y\r\n"), file("file-1", "")]), `multipart/form-data; boundary="${boundary}"`);
      expect(parts.map(({ name, filename, contentType, data }) => ({ name, filename, contentType, data: Buffer.from(data).toString("latin1") }))).to.deep.equal([
        { name: "file", filename: "a b.bin", contentType: "application/octet-stream", data: "x\r\n--y\r\n" },
        { name: "file-1", filename: "a b.bin", contentType: "application/octet-stream", data: "" },
      ]);
    });

    for (const [what, bytes, contentType] of [
      ["a missing boundary parameter", body([file("file", "x")]), "multipart/form-data"],
      ["a body without the boundary", Buffer.from("no parts here"), `multipart/form-data; boundary=${boundary}`],
      ["a part that never ends", Buffer.from(`--${boundary}\r\n${file("file", "x")}`), `multipart/form-data; boundary=${boundary}`],
      ["a part without a name", body(["Content-Type: text/plain\r\n\r\nx"]), `multipart/form-data; boundary=${boundary}`],
    ] as const) {
      it(`rejects ${what} with StoreRpcBadRequestError`, () => {
        expect(() => parseMultipart(bytes, contentType)).to.throw(StoreRpcBadRequestError);
      });
    }
  });
});
