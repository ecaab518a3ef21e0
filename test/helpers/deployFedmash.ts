// Deploys the registry, the coordinator, its verifier and its Shamir contract through the real Ignition module, so that every contract
// test runs against what gets deployed, and hands them back as TypeChain handles.
import { ethers, ignition } from "hardhat";
import FedmashModule from "../../ignition/modules/Fedmash";
import type { FedmashCoordinator, FedmashRegistry, FedmashShamir, FedmashVerifier } from "../../typechain-types";

export interface DeployFedmashReturnType {
  registry: FedmashRegistry;
  coordinator: FedmashCoordinator;
  verifier: FedmashVerifier;
  shamir: FedmashShamir;
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
  const shamir = (await ethers.getContractAt(
    "FedmashShamir",
    await deployment.shamir.getAddress(),
  )) as unknown as FedmashShamir;
  return { registry, coordinator, verifier, shamir };
}
