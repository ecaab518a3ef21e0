// What a refused openRound means to the person who ran `fl:open-round`, and what to do about it: the custom error
// the coordinator (or its verifier, which reserves the rewards) reverted with, turned into one sentence and a fix.
import { formatEther } from "ethers";
import type { ChainRevertError } from "../workers/chain/errors";
import { OpenRoundRefusedError } from "./errors";

export interface ExplainOpenRoundRevertParameters {
  revert: ChainRevertError;
  taskId: bigint;
  /** Hardhat network name, for the commands in the fix. */
  network: string;
}

export function explainOpenRoundRevert({ revert, taskId, network }: ExplainOpenRoundRevertParameters): OpenRoundRefusedError {
  const args = revert.errorArgs;
  const arg = (index: number): string => String(args[index]);
  const wei = (index: number): string => formatEther(BigInt(arg(index)));
  const refused = (message: string, fix: string): OpenRoundRefusedError => new OpenRoundRefusedError(message, { details: fix, cause: revert });
  switch (revert.errorName) {
    case "CoordinatorNotTaskOwner":
      return refused(
        `Only the owner of task ${arg(0)} may open its rounds; ${arg(1)} is not.`,
        `Run it as the owner: the task signs with the first account of --network ${network} (PRIVATE_KEY for sepolia), which must be the account that created the task.`,
      );
    case "CoordinatorRoundInProgress":
      return refused(
        `Round ${arg(1)} of task ${arg(0)} has not ended yet.`,
        `Wait until it is Finalized or Failed (npx hardhat fl:status --round ${arg(1)} --network ${network}); past a deadline anyone may advance(${arg(1)}), and the owner may cancelRound(${arg(1)}) before aggregation.`,
      );
    case "CoordinatorNotAggregator":
      return refused(
        `The aggregator of task ${taskId} (${arg(0)}) is no longer an active aggregator, so a round could only fail.`,
        "Create a new task with an active aggregator.",
      );
    case "VerifierInsufficientPool":
      return refused(
        `Task ${arg(0)}'s reward pool holds ${wei(2)} ETH but a round reserves ${wei(1)} ETH (maxClients × clientReward + aggregatorReward).`,
        `Fund it with FedmashVerifier.fundTask(${arg(0)}) (value ≥ the difference), or lower the rewards with setTerms.`,
      );
    case "CoordinatorModelNotCurrent":
      return refused(
        `A round of task ${arg(0)} (Mash or Shamir) starts only from the task's current, verified model ${arg(2)}, not ${arg(1)}.`,
        "Leave out --model-cid: the task takes the initial model or the new model of its last round whose verification passed, never another one.",
      );
    case "CoordinatorEmptyCid":
      return refused("The model CID is empty.", "Pass --model-cid <cid>, or leave it out to reuse the task's current model.");
    case "CoordinatorUnknownTask":
      return refused(`Task ${arg(0)} does not exist.`, `Check --task; npx hardhat fl:status --network ${network} lists the tasks.`);
    default:
      return refused(revert.shortMessage, "The contract refused for a reason this task does not know; see docs/CONTRACTS.md for the error.");
  }
}
