// Named failures of the CLI's configuration: a flag, environment variable or config-file key with a value that
// cannot work, and a config file that cannot be read. Each carries the one-line fix the CLI prints after it.
import { BaseError } from "../errors";

/** A setting the CLI refuses before anything starts; `details` is the fix. The CLI exits with code 2. */
export class CliUsageError extends BaseError {
  override name = "CliUsageError" as const;
}

/** The config file named by --config (or ./fedmash.json) is missing, not JSON, or not an object of settings. */
export class ConfigFileError extends BaseError {
  override name = "ConfigFileError" as const;
  constructor(
    readonly file: string,
    shortMessage: string,
    fix: string,
    cause?: unknown,
  ) {
    super(shortMessage, { details: fix, cause });
  }
}
