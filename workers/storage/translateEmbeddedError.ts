// Maps whatever the exporter, blockstore-fs or the file system threw during an embedded-store read to the
// storage layer's named errors, giving a timeout or caller abort precedence over its side effects.
import { BaseError } from "../errors";
import type { FetchScope } from "./createFetchScope";
import { IpfsAbortedError, IpfsBlockNotFoundError, IpfsInvalidDagError, IpfsNotAFileError, IpfsNotFoundError, IpfsReadFailedError } from "./errors";

export interface TranslateEmbeddedErrorParameters {
  error: unknown;
  cid: string;
  operation: string;
  scope: FetchScope;
}

export type TranslateEmbeddedErrorReturnType = BaseError;

/** Errors of ipfs-unixfs-exporter that mean the blocks exist but do not form a valid file. */
const MALFORMED_DAG_ERRORS = new Set(["OverReadError", "UnderReadError", "InvalidParametersError", "BadPathError"]);

export function translateEmbeddedError(parameters: TranslateEmbeddedErrorParameters): TranslateEmbeddedErrorReturnType {
  const { error, cid, operation, scope } = parameters;
  const ended = scope.abortError(cid, operation, error);
  if (ended) return ended;
  // A missing block anywhere in the DAG means the requested content is not (fully) here.
  if (error instanceof IpfsBlockNotFoundError) return new IpfsNotFoundError(cid, error);
  if (error instanceof BaseError) return error;
  const name = error instanceof Error ? error.name : "";
  // The exporter reports a missing path inside a DAG as NotFoundError.
  if (name === "NotFoundError") return new IpfsNotFoundError(cid, error);
  if (name === "NoResolverError" || name === "NotUnixFSError") return new IpfsNotAFileError(cid, `non-UnixFS node (${name})`);
  if (name === "AbortError") return new IpfsAbortedError(operation, error);
  if (MALFORMED_DAG_ERRORS.has(name)) return new IpfsInvalidDagError(cid, error);
  return new IpfsReadFailedError(cid, error);
}
