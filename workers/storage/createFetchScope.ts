// One abort signal for a store operation that merges the caller's signal with an optional deadline, and
// remembers which of the two fired so a failure can be reported as a timeout or as a caller abort.
import { setMaxListeners } from "node:events";
import { IpfsAbortedError, IpfsFetchTimeoutError, IpfsInvalidOptionError } from "./errors";

export interface CreateFetchScopeParameters {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface FetchScope {
  readonly signal: AbortSignal;
  /** A named error if the deadline or the caller ended the operation, else undefined. */
  abortError(cid: string, operation: string, cause: unknown): IpfsFetchTimeoutError | IpfsAbortedError | undefined;
  /** Throws that named error right away when the operation is already over (before any I/O). */
  throwIfEnded(cid: string, operation: string): void;
  dispose(): void;
}

export type CreateFetchScopeReturnType = FetchScope;

export function createFetchScope(parameters: CreateFetchScopeParameters): CreateFetchScopeReturnType {
  const { timeoutMs } = parameters;
  const controller = new AbortController();
  // The exporter and blockstore-fs add one listener per block in flight; dozens are normal, not a leak.
  setMaxListeners(0, controller.signal);
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== undefined) {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new IpfsInvalidOptionError("timeoutMs", `expected a finite number >= 0, got ${timeoutMs}`);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`deadline of ${timeoutMs} ms passed`));
    }, timeoutMs);
  }
  const callerSignal = parameters.signal;
  const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });

  const abortError: FetchScope["abortError"] = (cid, operation, cause) => {
    if (timedOut) return new IpfsFetchTimeoutError(cid, timeoutMs ?? 0, cause);
    if (callerSignal?.aborted) return new IpfsAbortedError(operation, callerSignal.reason ?? cause);
    return undefined;
  };
  return {
    signal: controller.signal,
    abortError,
    throwIfEnded(cid, operation) {
      const error = abortError(cid, operation, undefined);
      if (error) throw error;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}
