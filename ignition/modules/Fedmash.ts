// Hardhat Ignition module for fedmash: the participant registry, then the coordinator that reads it; the
// coordinator deploys its own verifier and Shamir contract, which Ignition records by the addresses the
// coordinator reports.
// Tests deploy through this same module, so what is tested is what gets deployed.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const FedmashModule = buildModule("FedmashModule", (m) => {
  const registry = m.contract("FedmashRegistry");
  const coordinator = m.contract("FedmashCoordinator", [registry]);
  const verifier = m.contractAt("FedmashVerifier", m.staticCall(coordinator, "verifier"));
  const shamir = m.contractAt("FedmashShamir", m.staticCall(coordinator, "shamir"));
  return { registry, coordinator, verifier, shamir };
});

export default FedmashModule;
