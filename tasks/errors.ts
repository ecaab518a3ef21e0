// Named failures of the fedmash Hardhat tasks, each carrying the fix in its details, and the conversion of any
// fedmash error into the one-line HardhatPluginError Hardhat prints without a stack trace.
import { HardhatPluginError } from "hardhat/plugins";
import { BaseError } from "../workers/errors";

export const FEDMASH_PLUGIN_NAME = "fedmash";

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
 * Hardhat prints a HardhatPluginError as its message alone (no stack unless --show-stack-traces or on CI), so
 * fedmash errors leave the task in that form; anything else is unexpected and keeps its stack.
 */
export function toTaskError(error: unknown): unknown {
  if (error instanceof HardhatPluginError) return error;
  if (error instanceof BaseError) return new HardhatPluginError(FEDMASH_PLUGIN_NAME, oneLineMessage(error), error);
  return error;
}
