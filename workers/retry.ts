// One retry helper for every RPC and IPFS call: exponential backoff with jitter, abortable.
import { BaseError } from "./errors";

export interface RetryParameters {
  /** How many attempts in all, the first included. */
  attempts?: number;
  /** Delay before the second attempt; doubles each time up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Return false for failures that retrying cannot fix (bad input, reverts). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  onRetry?: (error: unknown, attempt: number) => void;
}

export class RetryAbortedError extends BaseError {
  override name = "RetryAbortedError" as const;
  constructor(cause: unknown) {
    super("The operation was aborted before it could complete.", { cause });
  }
}

export class RetryExhaustedError extends BaseError {
  override name = "RetryExhaustedError" as const;
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`The operation failed after ${attempts} attempts.`, { cause });
    this.attempts = attempts;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RetryAbortedError(signal.reason));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RetryAbortedError(signal?.reason));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export async function retry<T>(operation: (attempt: number) => Promise<T>, parameters: RetryParameters = {}): Promise<T> {
  const attempts = parameters.attempts ?? 5;
  let delay = parameters.initialDelayMs ?? 100;
  const maxDelay = parameters.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    if (parameters.signal?.aborted) throw new RetryAbortedError(parameters.signal.reason);
    try {
      return await operation(attempt);
    } catch (error) {
      const retriable = parameters.shouldRetry?.(error, attempt) ?? true;
      if (!retriable) throw error;
      if (attempt >= attempts) throw new RetryExhaustedError(attempt, error);
      parameters.onRetry?.(error, attempt);
      await sleep(delay * (0.75 + Math.random() * 0.5), parameters.signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
