// Named failures of the round explorer server: options that cannot work, and a port it cannot listen on.
import { BaseError } from "../errors";

export class ExplorerOptionsError extends BaseError {
  override name = "ExplorerOptionsError" as const;
}

export class ExplorerListenError extends BaseError {
  override name = "ExplorerListenError" as const;
  constructor(
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    const code = (cause as { code?: string } | undefined)?.code;
    super(`The explorer cannot listen on ${host}:${port}${code ? ` (${code})` : ""}.`, {
      details: code === "EADDRINUSE" ? "Another program uses that port: pass another --port, or 0 for any free one." : "Check --host and --port.",
      cause,
    });
  }
}
