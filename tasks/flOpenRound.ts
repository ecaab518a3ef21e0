// `npx hardhat fl:open-round --task N`: the task owner opens the task's next round, on the task's current model
// unless --model-cid says otherwise (Plain tasks only: a Mash or Shamir round refuses any other model,
// CoordinatorModelNotCurrent). Refusals come back as one sentence with the fix (explainOpenRoundRevert).
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ChainRevertError } from "../workers/chain/errors";
import { sendTransaction } from "../workers/chain/sendTransaction";
import { StatusNoContractError, StatusUnknownTaskError } from "../workers/status/errors";
import { formatUnixTime } from "../workers/status/formatTime";
import { FedmashCoordinator__factory } from "../typechain-types";
import { TaskNetworkNotConfiguredError } from "./errors";
import { explainOpenRoundRevert } from "./explainOpenRoundRevert";
import { resolveFedmashDeployment } from "./resolveFedmashDeployment";

export interface FlOpenRoundArguments {
  task: bigint;
  modelCid?: string;
  deploymentId?: string;
  write?: (text: string) => void;
}

export interface FlOpenRoundReturnType {
  taskId: bigint;
  roundId: bigint;
  /** Position of the round within its task, from 1. */
  index: bigint;
  modelCid: string;
  /** Unix seconds. */
  joinDeadline: bigint;
  owner: string;
  transactionHash: string;
}

export async function flOpenRound(args: FlOpenRoundArguments, hre: HardhatRuntimeEnvironment): Promise<FlOpenRoundReturnType> {
  const deployment = await resolveFedmashDeployment(hre, args.deploymentId);
  const [signer] = await hre.ethers.getSigners();
  if (!signer) {
    throw new TaskNetworkNotConfiguredError(`Network ${hre.network.name} has no account to sign with.`, {
      details: "Set PRIVATE_KEY to the task owner's key (see docs/DEPLOY.md).",
    });
  }
  const coordinator = FedmashCoordinator__factory.connect(deployment.addresses.coordinator, signer);
  if ((await hre.ethers.provider.getCode(deployment.addresses.coordinator)) === "0x") {
    throw new StatusNoContractError("FedmashCoordinator", deployment.addresses.coordinator, deployment.chainId);
  }
  const taskCount = await coordinator.taskCount();
  if (args.task < 1n || args.task > taskCount) throw new StatusUnknownTaskError(args.task, taskCount);
  const modelCid = args.modelCid ?? (await coordinator.task(args.task)).currentModelCid;

  let receipt;
  try {
    receipt = await sendTransaction(signer, { action: `openRound(task ${args.task})`, send: () => coordinator.openRound(args.task, modelCid) });
  } catch (error) {
    if (error instanceof ChainRevertError) throw explainOpenRoundRevert({ revert: error, taskId: args.task, network: hre.network.name });
    throw error;
  }
  const opened = receipt.logs
    .map((log) => (log.address.toLowerCase() === deployment.addresses.coordinator.toLowerCase() ? coordinator.interface.parseLog(log) : null))
    .find((parsed) => parsed?.name === "RoundOpened");
  if (!opened) throw new ChainRevertError(`openRound(task ${args.task})`, undefined, [], "the receipt has no RoundOpened event");
  const result: FlOpenRoundReturnType = {
    taskId: args.task,
    roundId: opened.args.roundId as bigint,
    index: opened.args.index as bigint,
    modelCid,
    joinDeadline: opened.args.joinDeadline as bigint,
    owner: signer.address,
    transactionHash: receipt.hash,
  };
  (args.write ?? ((chunk: string) => process.stdout.write(chunk)))(
    `round ${result.roundId} (#${result.index} of task ${result.taskId}) opened on model ${modelCid}; joining until ${formatUnixTime(Number(result.joinDeadline))} (tx ${result.transactionHash})\n`,
  );
  return result;
}
