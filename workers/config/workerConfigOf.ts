// A worker command's chain, account, store and state settings as the WorkerConfig openWorkerRuntime takes, plus
// the checks that span several of them (both contract addresses or neither, some account).
import { join, resolve } from "node:path";
import type { z } from "zod";
import type { WorkerConfig } from "../roles/openWorkerRuntime";
import type { OptionValues } from "./optionsSchema";
import { refineContractAddresses } from "./refineContractAddresses";
import type { WORKER_OPTIONS } from "./sharedOptions";

export type WorkerValues = OptionValues<typeof WORKER_OPTIONS> & { quiet: boolean };

export interface WorkerSettings extends WorkerConfig {
  startBlock: number;
}

export function refineWorker(values: WorkerValues, ctx: z.RefinementCtx): void {
  refineContractAddresses(values, ctx);
  if (values.account === undefined && values["private-key"] === undefined) {
    ctx.addIssue({
      code: "custom",
      path: [],
      message: "No account to send transactions from.",
      params: { fix: "pass --account I (a Hardhat test account, local chain 31337 only) or --private-key HEX (or set PRIVATE_KEY)." },
    });
  }
}

/** `name` is the log name ("client-3"); the state folder defaults to .fedmash/workers/<name> under `cwd`. */
export function workerConfigOf(values: WorkerValues, name: string, cwd: string): WorkerSettings {
  const stateDir = resolve(cwd, values["state-dir"] ?? join(".fedmash", "workers", name));
  return {
    name,
    rpcUrl: values.rpc ?? "",
    privateKey: values["private-key"],
    accountIndex: values["private-key"] === undefined ? values.account : undefined,
    addresses: values.registry !== undefined && values.coordinator !== undefined ? { registry: values.registry, coordinator: values.coordinator } : undefined,
    deploymentId: values["deployment-id"],
    projectRoot: cwd,
    storeDir: resolve(cwd, values["store-dir"] ?? ""),
    // Resolved here with its environment variable, so "" tells createStore not to look at IPFS_API_URL again.
    ipfsApiUrl: values["ipfs-api"] ?? "",
    stateDir,
    logFile: values["log-file"] === undefined ? undefined : resolve(cwd, values["log-file"]),
    logToConsole: !values.quiet,
    startBlock: values["start-block"],
  };
}
