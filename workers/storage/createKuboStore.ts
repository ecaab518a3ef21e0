// IpfsStore backed by a Kubo node (or serveStoreRpc) over the Kubo RPC API, through kubo-rpc-client. Adds use
// the options that make Kubo build the same DAG as the embedded store, so both give one CID for one content.
// Bytes returned by `cat` are re-hashed into a CID and compared with the requested one: the node may be on
// another machine, and a worker must not train on or aggregate content that is not what the chain points to.
import { create, type KuboRPCClient } from "kubo-rpc-client";
import { BaseError } from "../errors";
import { retry, RetryAbortedError, RetryExhaustedError } from "../retry";
import { computeUnixfsCid } from "./computeUnixfsCid";
import { createFetchScope, type FetchScope } from "./createFetchScope";
import {
  IpfsContentMismatchError,
  IpfsFetchTimeoutError,
  IpfsInvalidOptionError,
  IpfsNotAFileError,
  IpfsNotFoundError,
  IpfsPayloadTooLargeError,
  IpfsPutFailedError,
  IpfsRequestFailedError,
  IpfsUnreachableError,
} from "./errors";
import { DEFAULT_MAX_GET_BYTES, type IpfsStore } from "./IpfsStore";
import { parseCid } from "./parseCid";
import { KUBO_ADD_OPTIONS } from "./unixfsImporterOptions";
import { validateMaxBytes } from "./validateMaxBytes";

export interface CreateKuboStoreParameters {
  /** RPC API base, e.g. http://127.0.0.1:5001 (the /api/v0 path is added by the client). */
  url: string;
  /** Deadline for a get that sets no timeoutMs: a CID nobody provides makes Kubo search forever. */
  defaultGetTimeoutMs?: number;
  /** Deadline for the reachability check made before the store is returned. */
  connectTimeoutMs?: number;
  /** Attempts per request when the API cannot be reached (connection refused, reset, DNS). */
  attempts?: number;
  /** Recompute the CID of fetched bytes and reject a mismatch (default true). */
  verifyContent?: boolean;
}

export type CreateKuboStoreReturnType = IpfsStore & { readonly kind: "kubo"; readonly url: string };

const DEFAULT_GET_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_ATTEMPTS = 3;

export async function createKuboStore(parameters: CreateKuboStoreParameters): Promise<CreateKuboStoreReturnType> {
  const url = normalizeUrl(parameters.url);
  const defaultGetTimeoutMs = parameters.defaultGetTimeoutMs ?? DEFAULT_GET_TIMEOUT_MS;
  const attempts = parameters.attempts ?? DEFAULT_ATTEMPTS;
  const verifyContent = parameters.verifyContent ?? true;
  const client = create({ url });

  // Every request goes through here: connection failures are retried, then reported as IpfsUnreachableError;
  // a deadline or caller abort becomes the scope's named error; anything else is left to the caller to name.
  const request = async <T>(scope: FetchScope, cid: string, operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await retry(run, {
        attempts,
        initialDelayMs: 200,
        signal: scope.signal,
        shouldRetry: (error) => isConnectionFailure(error) && !scope.signal.aborted,
      });
    } catch (error) {
      const cause = error instanceof RetryExhaustedError || error instanceof RetryAbortedError ? error.cause : error;
      const ended = scope.abortError(cid, operation, cause);
      if (ended) throw ended;
      if (isConnectionFailure(cause)) throw new IpfsUnreachableError(url, cause);
      throw cause;
    }
  };

  const connectScope = createFetchScope({ timeoutMs: parameters.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
  try {
    await request(connectScope, "(version)", "version", () => client.version({ signal: connectScope.signal }));
  } catch (error) {
    throw error instanceof IpfsUnreachableError ? error : new IpfsUnreachableError(url, error);
  } finally {
    connectScope.dispose();
  }

  return {
    kind: "kubo",
    url,

    async put(bytes, options = {}) {
      if (!(bytes instanceof Uint8Array)) throw new IpfsPutFailedError(`Kubo at ${url}`, new TypeError("put expects a Uint8Array"));
      const scope = createFetchScope({ signal: options.signal });
      try {
        const added = await request(scope, "(new content)", "put", () =>
          client.add(bytes, { ...KUBO_ADD_OPTIONS, pin: true, signal: scope.signal }),
        );
        return added.cid.toV1().toString();
      } catch (error) {
        if (error instanceof BaseError) throw error;
        throw new IpfsPutFailedError(`Kubo at ${url}`, error);
      } finally {
        scope.dispose();
      }
    },

    async get(cid, options = {}) {
      const parsed = parseCid(cid);
      const maxBytes = validateMaxBytes(options.maxBytes ?? DEFAULT_MAX_GET_BYTES);
      const timeoutMs = options.timeoutMs ?? defaultGetTimeoutMs;
      const scope = createFetchScope({ signal: options.signal, timeoutMs });
      try {
        const bytes = await request(scope, cid, "get", () =>
          // Asking for one byte past the limit lets the node stop early yet still proves the file is too big.
          readAll(client.cat(parsed, { signal: scope.signal, timeout: timeoutMs, length: maxBytes + 1 }), cid, maxBytes),
        );
        // CIDv0 content was built with other settings (no raw leaves), so it cannot be recomputed here.
        if (verifyContent && parsed.version === 1) {
          const actual = await computeUnixfsCid(bytes);
          if (!actual.equals(parsed)) throw new IpfsContentMismatchError(cid, actual.toString());
        }
        return bytes;
      } catch (error) {
        throw nameRpcError({ error, cid, url, operation: "cat", timeoutMs });
      } finally {
        scope.dispose();
      }
    },

    async has(cid, options = {}) {
      const parsed = parseCid(cid);
      const scope = createFetchScope({ signal: options.signal, timeoutMs: defaultGetTimeoutMs });
      // `offline` keeps Kubo from searching the network: has() asks what the node holds now.
      const statOptions = { signal: scope.signal, offline: true };
      try {
        await request(scope, cid, "has", () => client.block.stat(parsed, statOptions));
        return true;
      } catch (error) {
        const named = nameRpcError({ error, cid, url, operation: "block/stat", timeoutMs: defaultGetTimeoutMs });
        if (named instanceof IpfsNotFoundError) return false;
        throw named;
      } finally {
        scope.dispose();
      }
    },

    async close() {
      // kubo-rpc-client keeps no state beyond keep-alive sockets, which close when idle.
    },
  };
}

async function readAll(source: AsyncIterable<Uint8Array>, cid: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of source) {
    received += chunk.byteLength;
    if (received > maxBytes) throw new IpfsPayloadTooLargeError(cid, maxBytes, received);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, received);
}

function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new IpfsInvalidOptionError("url", `"${url}" is not a URL (expected e.g. http://127.0.0.1:5001): ${String(error)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new IpfsInvalidOptionError("url", `expected an http(s) URL, got ${parsed.protocol}`);
  }
  return parsed.toString().replace(/\/$/, "");
}

/** Undici reports every network-level failure as TypeError("fetch failed") with the system error as cause. */
function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof BaseError) return false;
    if (current.name === "TypeError" && current.message === "fetch failed") return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) return true;
  }
  return false;
}

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

interface NameRpcErrorParameters {
  error: unknown;
  cid: string;
  url: string;
  operation: string;
  timeoutMs: number;
}

/** Kubo answers command failures with HTTP 500 and a Go error text; these are the texts we act on. */
function nameRpcError(parameters: NameRpcErrorParameters): BaseError {
  const { error, cid, url, operation, timeoutMs } = parameters;
  if (error instanceof BaseError) return error;
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "TimeoutError" || /context deadline exceeded|request timed out/i.test(message)) {
    return new IpfsFetchTimeoutError(cid, timeoutMs, error);
  }
  if (/not found|could not find|no link named/i.test(message)) return new IpfsNotFoundError(cid, error);
  if (/is a directory|not a file|unsupported (unixfs )?type/i.test(message)) return new IpfsNotAFileError(cid, message);
  return new IpfsRequestFailedError(url, operation, error);
}
