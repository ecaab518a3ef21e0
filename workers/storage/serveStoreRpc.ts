// A minimal Kubo-RPC-compatible HTTP server over an embedded store. Workers on other machines point
// IPFS_API_URL at it and share one store without installing Kubo; tests use it to drive createKuboStore over
// real HTTP. It speaks the part of Kubo's /api/v0 that kubo-rpc-client's add, cat, block stat and version use,
// with Kubo's status codes and error bodies. There is no authentication: it binds to loopback unless told
// otherwise, and like Kubo it refuses browser requests (any Origin header) so web pages cannot use it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BaseError } from "../errors";
import type { EmbeddedStore } from "./createEmbeddedStore";
import { IpfsFetchTimeoutError, IpfsNotFoundError, StoreRpcBadRequestError } from "./errors";
import { parseCid } from "./parseCid";
import { parseMultipart } from "./parseMultipart";
import { UNIXFS_CHUNK_SIZE } from "./unixfsImporterOptions";

export interface ServeStoreRpcParameters {
  store: EmbeddedStore;
  /** Interface to bind; loopback by default because the API has no authentication. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Largest add request body accepted (413 above it). */
  maxRequestBytes?: number;
  /** Largest file served by cat. */
  maxFileBytes?: number;
  /** Called for each request that failed, e.g. to log it. */
  onError?: (error: unknown, request: { method: string; path: string }) => void;
}

export interface StoreRpcServer {
  /** Base URL to give createKuboStore / IPFS_API_URL, e.g. http://127.0.0.1:5001. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export type ServeStoreRpcReturnType = Promise<StoreRpcServer>;

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
export const STORE_RPC_VERSION = "0.1.0-fedmash-store";

/** add options that change the resulting DAG; anything but these values would give other CIDs than Kubo. */
const REQUIRED_ADD_OPTIONS: Record<string, readonly string[]> = {
  "cid-version": ["1"],
  "raw-leaves": ["true"],
  chunker: [`size-${UNIXFS_CHUNK_SIZE}`],
  hash: ["sha2-256"],
};
const UNSUPPORTED_ADD_OPTIONS = ["trickle", "only-hash", "wrap-with-directory", "inline", "nocopy", "fscache", "to-files", "recursive"];

export async function serveStoreRpc(parameters: ServeStoreRpcParameters): ServeStoreRpcReturnType {
  const { store, onError } = parameters;
  const host = parameters.host ?? "127.0.0.1";
  const maxRequestBytes = parameters.maxRequestBytes ?? DEFAULT_MAX_BYTES;
  const maxFileBytes = parameters.maxFileBytes ?? DEFAULT_MAX_BYTES;

  const routes: Record<string, (request: IncomingMessage, query: URLSearchParams, response: ServerResponse) => Promise<void>> = {
    "/api/v0/version": async (_request, _query, response) => {
      sendJson(response, 200, { Version: STORE_RPC_VERSION, Commit: "", Repo: "", System: `${process.arch}/${process.platform}`, Golang: "" });
    },

    "/api/v0/add": async (request, query, response) => {
      checkAddOptions(query);
      const body = await readBody(request, maxRequestBytes);
      const parts = parseMultipart(body, request.headers["content-type"]);
      const files = parts.filter((part) => part.contentType !== "application/x-directory");
      if (files.length !== parts.length) throw new StoreRpcBadRequestError("directories are not supported, add files one by one");
      if (files.length === 0) throw new StoreRpcBadRequestError("no file in the request");
      const lines: string[] = [];
      for (const file of files) {
        const { cid, cumulativeSize } = await store.add(file.data);
        const name = file.filename === undefined || file.filename === "" ? cid : file.filename;
        lines.push(JSON.stringify({ Name: name, Hash: cid, Size: String(cumulativeSize) }));
      }
      response.writeHead(200, { "Content-Type": "application/json", "X-Chunked-Output": "1" });
      response.end(`${lines.join("\n")}\n`);
    },

    "/api/v0/cat": async (_request, query, response) => {
      const cid = cidArgument(query);
      const offset = integerOption(query, "offset") ?? 0;
      const length = integerOption(query, "length");
      const timeoutMs = durationOption(query, "timeout");
      // With a length (every capped get sends maxBytes + 1) only that range is read, so a client refusing a huge
      // file costs this server its cap, not the file; without one the whole file, up to maxFileBytes.
      const slice =
        length === undefined
          ? (await store.get(cid, { maxBytes: maxFileBytes, timeoutMs })).subarray(offset)
          : await store.getRange(cid, { offset, length: Math.min(length, maxFileBytes) }, { timeoutMs });
      response.writeHead(200, { "Content-Type": "text/plain", "X-Stream-Output": "1", "Content-Length": String(slice.byteLength) });
      response.end(slice);
    },

    "/api/v0/block/stat": async (_request, query, response) => {
      const cid = cidArgument(query);
      const size = await store.blockSize(cid);
      if (size === undefined) throw new IpfsNotFoundError(cid);
      sendJson(response, 200, { Key: parseCid(cid).toString(), Size: size });
    },
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://store.invalid");
    const path = url.pathname.replace(/\/+$/, "");
    const fail = (error: unknown): void => {
      onError?.(error, { method: request.method ?? "", path });
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const [status, message] = statusOf(error);
      sendJson(response, status, { Message: message, Code: 0, Type: "error" });
      // Unread request bodies (a refused add) would otherwise keep the socket busy.
      if (!request.complete) request.resume();
    };
    // Kubo refuses cross-origin calls; browsers always send Origin on POST, CLI clients and kubo-rpc-client never do.
    if (request.headers.origin !== undefined) {
      response.writeHead(403, { "Content-Type": "text/plain" }).end("403 - Forbidden\n");
      request.resume();
      return;
    }
    const route = routes[path];
    if (route === undefined) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
      request.resume();
      return;
    }
    if (request.method !== "POST") {
      response.writeHead(405, { "Content-Type": "text/plain", Allow: "POST" }).end(`${request.method ?? ""} not allowed\n`);
      request.resume();
      return;
    }
    route(request, url.searchParams, response).catch(fail);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(parameters.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    // Idempotent, so shutdown paths (signal handler, test teardown) can all call it.
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}

function checkAddOptions(query: URLSearchParams): void {
  for (const [option, allowed] of Object.entries(REQUIRED_ADD_OPTIONS)) {
    const value = query.get(option);
    if (value === null && option === "cid-version") {
      throw new StoreRpcBadRequestError("this store only builds CIDv1 DAGs; pass cid-version=1 (Kubo's default is 0)");
    }
    if (value !== null && !allowed.includes(value)) {
      throw new StoreRpcBadRequestError(`${option}=${value} is not supported, only ${allowed.join(" or ")}`);
    }
  }
  for (const option of UNSUPPORTED_ADD_OPTIONS) {
    const value = query.get(option);
    if (value !== null && value !== "false") throw new StoreRpcBadRequestError(`${option} is not supported`);
  }
}

function cidArgument(query: URLSearchParams): string {
  const args = query.getAll("arg");
  if (args.length !== 1) throw new StoreRpcBadRequestError("argument \"ipfs-path\" is required, exactly once");
  const arg = args[0]!;
  const path = arg.startsWith("/ipfs/") ? arg.slice("/ipfs/".length) : arg;
  if (path.includes("/")) throw new StoreRpcBadRequestError("paths inside a DAG are not supported, pass a bare CID");
  parseCid(path);
  return path;
}

function integerOption(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new StoreRpcBadRequestError(`${name} must be a non-negative integer`);
  return parsed;
}

/** Go durations as kubo-rpc-client sends them ("1500ms", "30s", "1m"). */
function durationOption(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (match === null) throw new StoreRpcBadRequestError(`${name} must be a duration such as 1500ms or 30s`);
  const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * unitMs;
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) throw new StoreRpcBadRequestError(`request body over ${maxBytes} bytes`, 413);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    received += buffer.byteLength;
    if (received > maxBytes) throw new StoreRpcBadRequestError(`request body over ${maxBytes} bytes`, 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, received);
}

/** Kubo's error texts, so clients that parse them (kubo-rpc-client, scripts) behave as with a real node. */
function statusOf(error: unknown): [number, string] {
  if (error instanceof StoreRpcBadRequestError) return [error.status, error.shortMessage];
  if (error instanceof IpfsNotFoundError) return [500, `block was not found locally (offline): ipld: could not find ${error.cid}`];
  if (error instanceof IpfsFetchTimeoutError) return [500, "context deadline exceeded"];
  if (error instanceof BaseError && error.name === "IpfsInvalidCidError") return [400, `invalid path: ${error.shortMessage}`];
  if (error instanceof BaseError) return [500, error.shortMessage];
  return [500, "internal error"];
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(`${JSON.stringify(body)}\n`);
}
