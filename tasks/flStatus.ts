// `npx hardhat fl:status`: collects the deployment's StatusSnapshot on the chosen network and prints it as text
// (or JSON), for the task owner and anyone following a round from a terminal.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { collectStatus } from "../workers/status/collectStatus";
import { renderStatusText } from "../workers/status/renderStatusText";
import type { StatusSnapshot } from "../workers/status/statusSnapshot";
import { resolveFedmashDeployment } from "./resolveFedmashDeployment";

export interface FlStatusArguments {
  round?: bigint;
  task?: bigint;
  deploymentId?: string;
  /** Overrides the deployment block from Ignition's journal. */
  fromBlock?: number;
  maxBlockRange?: number;
  json: boolean;
  events: boolean;
  /** Where the text goes; stdout by default. */
  write?: (text: string) => void;
}

export interface FlStatusReturnType {
  snapshot: StatusSnapshot;
  /** What was printed. */
  text: string;
}

export async function flStatus(args: FlStatusArguments, hre: HardhatRuntimeEnvironment): Promise<FlStatusReturnType> {
  const deployment = await resolveFedmashDeployment(hre, args.deploymentId);
  const snapshot = await collectStatus({
    provider: hre.ethers.provider,
    addresses: deployment.addresses,
    fromBlock: args.fromBlock ?? deployment.fromBlock,
    maxBlockRange: args.maxBlockRange,
    taskId: args.task,
    roundId: args.round,
  });
  const text = args.json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderStatusText(snapshot, { round: args.round, events: args.events });
  (args.write ?? ((chunk: string) => process.stdout.write(chunk)))(text);
  return { snapshot, text };
}
