// The one content store every worker talks to. Two backends implement it with identical CIDs for identical
// bytes: an embedded UnixFS blockstore on disk (createEmbeddedStore) and a Kubo node over its RPC API
// (createKuboStore). createStore picks one.

export interface IpfsPutOptions {
  signal?: AbortSignal;
}

export interface IpfsGetOptions {
  signal?: AbortSignal;
  /** Whole-fetch deadline; exceeding it rejects with IpfsFetchTimeoutError. */
  timeoutMs?: number;
  /** Largest file accepted; bigger ones reject with IpfsPayloadTooLargeError before or while reading. */
  maxBytes?: number;
}

export interface IpfsHasOptions {
  signal?: AbortSignal;
}

export interface IpfsStore {
  readonly kind: "embedded" | "kubo";
  /** Adds bytes as a UnixFS file (CIDv1, raw leaves, sha2-256, 256 KiB chunks) and returns the CID string. */
  put(bytes: Uint8Array, options?: IpfsPutOptions): Promise<string>;
  /** Fetches a whole file; rejects with named errors (invalid CID, not found, timeout, over maxBytes). */
  get(cid: string, options?: IpfsGetOptions): Promise<Uint8Array>;
  /**
   * Whether the file's root block is held locally, without fetching from the network. Puts write the root
   * block last, so a present root means the whole file was stored.
   */
  has(cid: string, options?: IpfsHasOptions): Promise<boolean>;
  close(): Promise<void>;
}

/** Workers fetch payloads posted by others; without a cap, one hostile CID could exhaust memory. */
export const DEFAULT_MAX_GET_BYTES = 512 * 1024 * 1024;
