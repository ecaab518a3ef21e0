// Where a command's contracts are: the explicit --registry/--coordinator, or the Ignition deployment of the chain
// (or --deployment-id). A missing deployment folder says how to deploy and which deployments do exist.
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { DeploymentNotFoundError } from "../chain/errors";
import { deploymentDirectory, loadDeployment, type FedmashAddresses } from "../chain/loadDeployment";
import { LOCAL_CHAIN_ID } from "../chain/connectChain";

export interface FindDeploymentAddressesParameters {
  chainId: bigint;
  projectRoot: string;
  deploymentId?: string;
  addresses?: { registry: string; coordinator: string };
}

export interface FindDeploymentAddressesReturnType {
  addresses: Partial<FedmashAddresses> & { registry: string; coordinator: string };
  /** "flag --coordinator" or "ignition/deployments/chain-31337", for messages. */
  origin: string;
}

export function deployCommand(chainId: bigint, deploymentId: string | undefined): string {
  const network = chainId === LOCAL_CHAIN_ID ? "localhost" : "<network>";
  return `npx hardhat ignition deploy ignition/modules/Fedmash.ts --network ${network}${deploymentId ? ` --deployment-id ${deploymentId}` : ""}`;
}

export function findDeploymentAddresses(parameters: FindDeploymentAddressesParameters): FindDeploymentAddressesReturnType {
  if (parameters.addresses) return { addresses: parameters.addresses, origin: "the --registry/--coordinator settings" };
  const directory = deploymentDirectory(parameters);
  const shown = relative(parameters.projectRoot, directory) || directory;
  if (!existsSync(join(directory, "deployed_addresses.json"))) {
    const root = join(parameters.projectRoot, "ignition", "deployments");
    const others = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, "deployed_addresses.json"))) : [];
    throw new DeploymentNotFoundError(
      `${shown} for chain ${parameters.chainId}`,
      `run \`${deployCommand(parameters.chainId, parameters.deploymentId)}\`${others.length ? `, or pick an existing one with --deployment-id (${others.join(", ")})` : ""}, or pass --registry and --coordinator.`,
    );
  }
  return { addresses: loadDeployment(parameters), origin: shown };
}
