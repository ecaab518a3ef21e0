// Errors of the MASH kernel layer: choosing a kernel and running it on worker threads.
import { BaseError } from "../../errors";

export class KernelUnavailableError extends BaseError {
  override name = "KernelUnavailableError" as const;
  constructor(kind: string, reason: string) {
    super(`The ${kind} MASH kernel is not available.`, { details: reason });
  }
}

/** The kernel threw (out of memory, bad arguments) or its worker thread died. */
export class KernelWorkerError extends BaseError {
  override name = "KernelWorkerError" as const;
  constructor(operation: string, cause: unknown) {
    super(`The MASH kernel failed during ${operation}.`, { cause });
  }
}
