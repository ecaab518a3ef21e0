// Where the fedmash contracts of the task's network are: the chain id from the network itself, the addresses from
// the Ignition deployment folder of that chain (or the given deployment id), and the block the deployment started
// at, so a status sweep does not scan the chain's history before it.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { loadDeployment, type FedmashAddresses } from "../workers/chain/loadDeployment";
import { DeploymentNotFoundError } from "../workers/chain/errors";
import { findDeploymentBlock } from "../workers/status/findDeploymentBlock";
import { TaskNetworkNotConfiguredError, TaskNetworkUnreachableError } from "./errors";

export interface ResolveFedmashDeploymentReturnType {
  chainId: bigint;
  deploymentId: string;
  addresses: FedmashAddresses;
  /** The deployment's first block from Ignition's journal, 0 when the journal does not say. */
  fromBlock: number;
}

/** The environment variable each env-configured network of hardhat.config.ts reads its RPC URL from. */
const RPC_URL_VARIABLES: Record<string, string> = { sepolia: "SEPOLIA_RPC_URL", localhost: "RPC_URL" };

export async function resolveFedmashDeployment(hre: HardhatRuntimeEnvironment, deploymentId?: string): Promise<ResolveFedmashDeploymentReturnType> {
  const network = hre.network.name;
  const url = "url" in hre.network.config ? hre.network.config.url : undefined;
  if (url === "") {
    const variable = RPC_URL_VARIABLES[network] ?? "the network's url";
    throw new TaskNetworkNotConfiguredError(`Network ${network} has no RPC URL.`, { details: `Set ${variable} (see docs/DEPLOY.md).` });
  }
  let chainId: bigint;
  try {
    chainId = BigInt((await hre.network.provider.request({ method: "eth_chainId" })) as string);
  } catch (error) {
    throw new TaskNetworkUnreachableError(`No JSON-RPC node answers for network ${network}${url ? ` at ${url}` : ""}.`, {
      details: network === "localhost" ? "Start one with `npx hardhat node`, or set RPC_URL." : "Check the network's RPC URL and your connection.",
      cause: error,
    });
  }
  const id = deploymentId ?? `chain-${chainId}`;
  const projectRoot = hre.config.paths.root;
  let addresses: FedmashAddresses;
  try {
    addresses = loadDeployment({ chainId, deploymentId: id, projectRoot });
  } catch (error) {
    if (!(error instanceof DeploymentNotFoundError)) throw error;
    const fix =
      network === "hardhat"
        ? "The in-process hardhat network starts empty on every command: run `npx hardhat node`, deploy with --network localhost, and use --network localhost."
        : `Deploy first: npx hardhat ignition deploy ignition/modules/Fedmash.ts --network ${network}${deploymentId ? ` --deployment-id ${deploymentId}` : ""}, or pass the --deployment-id you deployed with.`;
    // A folder whose addresses lack a contract keeps that fact; a missing folder gets this network's command.
    const lacks = error.details?.startsWith("It lacks") ? `${error.details} ` : "";
    throw new DeploymentNotFoundError(error.where, `${lacks}${fix}`);
  }
  return { chainId, deploymentId: id, addresses, fromBlock: findDeploymentBlock({ chainId, deploymentId: id, projectRoot }) ?? 0 };
}
