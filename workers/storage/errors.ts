// Named failures of the storage layer: IPFS access (both backends) and the FMSH payload format.
// Callers branch on `error.name` or `instanceof`; each error carries the facts needed to act on it.
import { BaseError } from "../errors";

export class IpfsInvalidCidError extends BaseError {
  override name = "IpfsInvalidCidError" as const;
  readonly cid: string;
  constructor(cid: unknown, cause?: unknown) {
    const shown = typeof cid === "string" ? cid : String(cid);
    super(`"${shown.slice(0, 120)}" is not a valid CID.`, {
      details: "Expected a CID string such as bafkrei... or bafybei... (CIDv1) or Qm... (CIDv0), without an /ipfs/ prefix.",
      cause,
    });
    this.cid = shown;
  }
}

export class IpfsNotFoundError extends BaseError {
  override name = "IpfsNotFoundError" as const;
  readonly cid: string;
  constructor(cid: string, cause?: unknown) {
    super(`Content ${cid} is not in the store.`, {
      details: "Some or all of its blocks are missing. Was it put into the same store directory or node?",
      cause,
    });
    this.cid = cid;
  }
}

export class IpfsBlockNotFoundError extends BaseError {
  override name = "IpfsBlockNotFoundError" as const;
  readonly blockCid: string;
  readonly path: string;
  constructor(blockCid: string, path: string) {
    super(`Block ${blockCid} is not in the store.`, { details: `No file ${path}.` });
    this.blockCid = blockCid;
    this.path = path;
  }
}

export class IpfsNotAFileError extends BaseError {
  override name = "IpfsNotAFileError" as const;
  readonly cid: string;
  readonly entryType: string;
  constructor(cid: string, entryType: string) {
    super(`Content ${cid} is a ${entryType}, not a file.`);
    this.cid = cid;
    this.entryType = entryType;
  }
}

export class IpfsFetchTimeoutError extends BaseError {
  override name = "IpfsFetchTimeoutError" as const;
  readonly cid: string;
  readonly timeoutMs: number;
  constructor(cid: string, timeoutMs: number, cause?: unknown) {
    super(`Fetching ${cid} did not finish within ${timeoutMs} ms.`, { cause });
    this.cid = cid;
    this.timeoutMs = timeoutMs;
  }
}

export class IpfsAbortedError extends BaseError {
  override name = "IpfsAbortedError" as const;
  readonly operation: string;
  constructor(operation: string, cause?: unknown) {
    super(`The IPFS ${operation} was aborted by the caller.`, { cause });
    this.operation = operation;
  }
}

export class IpfsPayloadTooLargeError extends BaseError {
  override name = "IpfsPayloadTooLargeError" as const;
  readonly cid: string;
  readonly maxBytes: number;
  /** The size that crossed the limit: the declared file size, or the bytes read so far. */
  readonly actualBytes: number;
  constructor(cid: string, maxBytes: number, actualBytes: number) {
    super(`Content ${cid} is larger than the allowed ${maxBytes} bytes.`, {
      details: `At least ${actualBytes} bytes; pass a larger maxBytes if this size is expected.`,
    });
    this.cid = cid;
    this.maxBytes = maxBytes;
    this.actualBytes = actualBytes;
  }
}

export class IpfsBlockCorruptError extends BaseError {
  override name = "IpfsBlockCorruptError" as const;
  readonly blockCid: string;
  readonly path: string;
  constructor(blockCid: string, path: string) {
    super(`Block ${blockCid} on disk does not hash to its CID.`, {
      details: `File ${path} was altered or damaged; delete it and put the content again.`,
    });
    this.blockCid = blockCid;
    this.path = path;
  }
}

export class IpfsInvalidOptionError extends BaseError {
  override name = "IpfsInvalidOptionError" as const;
  readonly option: string;
  constructor(option: string, reason: string) {
    super(`Invalid storage option ${option}: ${reason}.`);
    this.option = option;
  }
}

export class IpfsInvalidDagError extends BaseError {
  override name = "IpfsInvalidDagError" as const;
  readonly cid: string;
  constructor(cid: string, cause: unknown) {
    super(`Content ${cid} is not a well-formed UnixFS file.`, {
      details: "Its blocks are present but disagree with each other (sizes, links or encoding).",
      cause,
    });
    this.cid = cid;
  }
}

export class IpfsContentMismatchError extends BaseError {
  override name = "IpfsContentMismatchError" as const;
  readonly cid: string;
  readonly actualCid: string;
  constructor(cid: string, actualCid: string) {
    super(`The node returned content for ${cid} that hashes to ${actualCid}.`, {
      details:
        "Either the node is faulty or hostile, or the content was added with other settings than fedmash's " +
        "(CIDv1, raw leaves, 262144-byte chunks, balanced layout); pass verifyContent: false only in that case.",
    });
    this.cid = cid;
    this.actualCid = actualCid;
  }
}

export class IpfsPutFailedError extends BaseError {
  override name = "IpfsPutFailedError" as const;
  readonly store: string;
  constructor(store: string, cause: unknown) {
    super(`Adding content to ${store} failed.`, { cause });
    this.store = store;
  }
}

export class IpfsReadFailedError extends BaseError {
  override name = "IpfsReadFailedError" as const;
  readonly cid: string;
  constructor(cid: string, cause: unknown) {
    super(`Reading ${cid} from the store failed.`, { cause });
    this.cid = cid;
  }
}

export class IpfsRequestFailedError extends BaseError {
  override name = "IpfsRequestFailedError" as const;
  readonly url: string;
  readonly operation: string;
  constructor(url: string, operation: string, cause: unknown) {
    super(`The IPFS RPC ${operation} request to ${url} failed.`, { cause });
    this.url = url;
    this.operation = operation;
  }
}

export class IpfsUnreachableError extends BaseError {
  override name = "IpfsUnreachableError" as const;
  readonly url: string;
  constructor(url: string, cause?: unknown) {
    super(`No IPFS RPC API answers at ${url}.`, {
      details:
        "Start a Kubo daemon (`ipfs daemon`, API on port 5001), or serve a shared embedded store with " +
        "`npx ts-node workers/storage/serveStoreRpcMain.ts --dir .fedmash/ipfs --port 5001`, " +
        "or unset IPFS_API_URL to use the embedded on-disk store.",
      cause,
    });
    this.url = url;
  }
}

export class StoreRpcBadRequestError extends BaseError {
  override name = "StoreRpcBadRequestError" as const;
  /** HTTP status the store server answers with: 400 by default, 413 for oversized bodies. */
  readonly status: number;
  constructor(reason: string, status = 400) {
    super(`Bad store RPC request: ${reason}.`);
    this.status = status;
  }
}

export class PayloadTruncatedError extends BaseError {
  override name = "PayloadTruncatedError" as const;
  readonly offset: number;
  readonly needed: number;
  readonly available: number;
  constructor(what: string, offset: number, needed: number, available: number) {
    super(`Payload ends before its ${what}.`, {
      details: `${needed} bytes needed at offset ${offset}, ${available} available.`,
    });
    this.offset = offset;
    this.needed = needed;
    this.available = available;
  }
}

export class PayloadCorruptError extends BaseError {
  override name = "PayloadCorruptError" as const;
  readonly offset: number;
  constructor(reason: string, offset: number, cause?: unknown) {
    super(`Payload is corrupt: ${reason}.`, { details: `At byte offset ${offset}.`, cause });
    this.offset = offset;
  }
}

export class PayloadUnsupportedVersionError extends BaseError {
  override name = "PayloadUnsupportedVersionError" as const;
  readonly version: number;
  readonly supported: readonly number[];
  constructor(version: number, supported: readonly number[]) {
    super(`Payload format version ${version} is not supported.`, {
      details: `This build reads version(s) ${supported.join(", ")}; update fedmash to read newer payloads.`,
    });
    this.version = version;
    this.supported = supported;
  }
}

export class PayloadShapeMismatchError extends BaseError {
  override name = "PayloadShapeMismatchError" as const;
  /** Which part of the payload differs, e.g. `kind`, `tensors[2].shape`, `totalElements`. */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
  constructor(field: string, expected: string, actual: string) {
    super(`Payload ${field} is not what the caller expected.`, { details: `expected ${expected}, got ${actual}.` });
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}

export class PayloadHashMismatchError extends BaseError {
  override name = "PayloadHashMismatchError" as const;
  readonly cid: string;
  readonly expected: string;
  readonly actual: string;
  constructor(cid: string, expected: string, actual: string) {
    super(`Content ${cid} does not match the hash posted for it.`, {
      details: `expected keccak256 ${expected}, got ${actual}.`,
    });
    this.cid = cid;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A MASH payload whose bytes and vector do not open the commitment posted for it: keccak256(keccak256(bytes) ‖
 * Merkle root of its vector) is not the on-chain contentHash (or aggregateHash). The sender's fault: a payload that
 * does not match its commitment could not be used in, or checked by, a fraud proof.
 */
export class PayloadCommitmentMismatchError extends BaseError {
  override name = "PayloadCommitmentMismatchError" as const;
  readonly cid: string;
  readonly expected: string;
  readonly actual: string;
  constructor(cid: string, expected: string, actual: string) {
    super(`Content ${cid} does not open the commitment posted for it (payload hash and vector root).`, {
      details: `expected commitment ${expected}, got ${actual}.`,
    });
    this.cid = cid;
    this.expected = expected;
    this.actual = actual;
  }
}

export class PayloadEncodeError extends BaseError {
  override name = "PayloadEncodeError" as const;
  /** Which input is wrong, e.g. `metadata.loss`, `tensors[0].data`. */
  readonly field: string;
  constructor(field: string, reason: string) {
    super(`Cannot encode payload: ${field} ${reason}.`);
    this.field = field;
  }
}
