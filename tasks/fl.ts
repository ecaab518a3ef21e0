// The fedmash Hardhat tasks, registered by hardhat.config.ts: `fl:status` prints where the deployment's tasks and
// rounds stand, `fl:open-round` opens a task's next round as its owner. Both find the contracts through the
// Ignition deployment of the --network's chain; a refusal prints one line naming the fix. The actions load their
// modules on first use, because Hardhat reads this file before `compile` has generated the TypeChain bindings.
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { reportTaskError } from "./errors";

/** The action's result, or undefined after a fedmash error was printed as one line (exit code 1). */
async function reported<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (reportTaskError(error)) return undefined;
    throw error;
  }
}

task("fl:status", "Prints the fedmash deployment's tasks and rounds: phases, deadlines, groups, submissions, verification, payouts")
  .addOptionalParam("round", "Only this round, in detail", undefined, types.bigint)
  .addOptionalParam("task", "Only this task and its rounds", undefined, types.bigint)
  .addOptionalParam("deploymentId", "Ignition deployment id (default chain-<chainId>)", undefined, types.string)
  .addOptionalParam("fromBlock", "First block of the log sweep (default: the deployment's block from Ignition's journal)", undefined, types.int)
  .addOptionalParam("maxBlockRange", "Split the log sweep into ranges this long, for RPCs that cap eth_getLogs", undefined, types.int)
  .addFlag("json", "Print the StatusSnapshot as JSON instead of text")
  .addFlag("events", "Also list each detailed round's events with their transaction hashes")
  .setAction(async (args: { round?: bigint; task?: bigint; deploymentId?: string; fromBlock?: number; maxBlockRange?: number; json: boolean; events: boolean }, hre: HardhatRuntimeEnvironment) =>
    reported(async () => {
      const { flStatus } = await import("./flStatus");
      return flStatus(args, hre);
    }),
  );

task("fl:open-round", "Opens the next round of a fedmash task, as its owner (the network's first account)")
  .addParam("task", "The task id", undefined, types.bigint)
  .addOptionalParam("modelCid", "Input model CID, Plain tasks only (default and, for Mash and Shamir, the only one accepted: the task's current model)", undefined, types.string)
  .addOptionalParam("deploymentId", "Ignition deployment id (default chain-<chainId>)", undefined, types.string)
  .setAction(async (args: { task: bigint; modelCid?: string; deploymentId?: string }, hre: HardhatRuntimeEnvironment) =>
    reported(async () => {
      const { flOpenRound } = await import("./flOpenRound");
      return flOpenRound(args, hre);
    }),
  );
