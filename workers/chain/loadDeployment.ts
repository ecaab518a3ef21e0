// Finds the contract addresses that Hardhat Ignition wrote for a deployment, so workers need no address flags.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DeploymentNotFoundError } from "./errors";

export interface FedmashAddresses {
  registry: string;
  coordinator: string;
  /** Created by the coordinator's constructor; Ignition records it as a contractAt future. */
  verifier: string;
  /** FedmashShamir, also created by the coordinator's constructor and recorded the same way. */
  shamir: string;
}

export interface LoadDeploymentParameters {
  chainId: bigint;
  /** Ignition deployment id; defaults to Ignition's own default, `chain-<chainId>`. */
  deploymentId?: string;
  /** Folder that holds `ignition/deployments`; defaults to the current directory. */
  projectRoot?: string;
}

export const IGNITION_FUTURE_IDS = {
  registry: "FedmashModule#FedmashRegistry",
  coordinator: "FedmashModule#FedmashCoordinator",
  verifier: "FedmashModule#FedmashVerifier",
  shamir: "FedmashModule#FedmashShamir",
} as const;

export function deploymentDirectory(parameters: LoadDeploymentParameters): string {
  return join(parameters.projectRoot ?? process.cwd(), "ignition", "deployments", parameters.deploymentId ?? `chain-${parameters.chainId}`);
}

export function loadDeployment(parameters: LoadDeploymentParameters): FedmashAddresses {
  const directory = deploymentDirectory(parameters);
  const file = join(directory, "deployed_addresses.json");
  if (!existsSync(file)) {
    throw new DeploymentNotFoundError(file, "Deploy first: npx hardhat ignition deploy ignition/modules/Fedmash.ts --network localhost");
  }
  const addresses = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const registry = addresses[IGNITION_FUTURE_IDS.registry];
  const coordinator = addresses[IGNITION_FUTURE_IDS.coordinator];
  const verifier = addresses[IGNITION_FUTURE_IDS.verifier];
  const shamir = addresses[IGNITION_FUTURE_IDS.shamir];
  if (!registry || !coordinator || !verifier || !shamir) {
    const missing = Object.values(IGNITION_FUTURE_IDS).filter((id) => !addresses[id]);
    throw new DeploymentNotFoundError(file, `It lacks ${missing.join(", ")}.`);
  }
  return { registry, coordinator, verifier, shamir };
}
