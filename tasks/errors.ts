// Named failures of the fedmash Hardhat tasks, each carrying the fix in its details, and how any fedmash error
// leaves a task: one line on stderr and exit code 1.
import { BaseError } from "../workers/errors";

/** The network has no RPC URL configured (its environment variable is unset). */
export class TaskNetworkNotConfiguredError extends BaseError {
  override name = "TaskNetworkNotConfiguredError" as const;
}

/** The network's JSON-RPC endpoint does not answer. */
export class TaskNetworkUnreachableError extends BaseError {
  override name = "TaskNetworkUnreachableError" as const;
}

/** The coordinator refused to open the round; the details say what to do. */
export class OpenRoundRefusedError extends BaseError {
  override name = "OpenRoundRefusedError" as const;
}

/** "Name: short message. Details" on one line, the form every task error is printed in. */
export function oneLineMessage(error: BaseError): string {
  return [`${error.name}: ${error.shortMessage}`, error.details].filter((part) => part !== undefined && part !== "").join(" ");
}

/**
 * Prints a fedmash error as one line ("fedmash: Name: message fix") and sets exit code 1; returns false for any
 * other error, which is unexpected and should keep its stack. Thrown errors are no option here: Hardhat prints
 * their stack trace whenever it believes it runs on CI, and a Linux machine without $DISPLAY counts as CI.
 */
export function reportTaskError(error: unknown, write: (text: string) => void = (text) => process.stderr.write(text)): boolean {
  if (!(error instanceof BaseError)) return false;
  write(`fedmash: ${oneLineMessage(error)}\n`);
  process.exitCode = 1;
  return true;
}
