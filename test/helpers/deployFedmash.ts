// Deploys the registry, the coordinator and its verifier through the real Ignition module, so that every contract
// test runs against what gets deployed, and hands them back as TypeChain handles.
import { ethers, ignition } from "hardhat";
import FedmashModule from "../../ignition/modules/Fedmash";
import type { FedmashCoordinator, FedmashRegistry, FedmashVerifier } from "../../typechain-types";

export interface DeployFedmashReturnType {
  registry: FedmashRegistry;
  coordinator: FedmashCoordinator;
  verifier: FedmashVerifier;
}

export async function deployFedmash(): Promise<DeployFedmashReturnType> {
  const deployment = await ignition.deploy(FedmashModule);
  const registry = (await ethers.getContractAt(
    "FedmashRegistry",
    await deployment.registry.getAddress(),
  )) as unknown as FedmashRegistry;
  const coordinator = (await ethers.getContractAt(
    "FedmashCoordinator",
    await deployment.coordinator.getAddress(),
  )) as unknown as FedmashCoordinator;
  const verifier = (await ethers.getContractAt(
    "FedmashVerifier",
    await deployment.verifier.getAddress(),
  )) as unknown as FedmashVerifier;
  return { registry, coordinator, verifier };
}
