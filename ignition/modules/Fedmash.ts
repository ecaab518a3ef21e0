// Hardhat Ignition module for fedmash: the participant registry, the fraud-proof library and the verifier factory
// (linked to it), then the coordinator that reads the registry; the coordinator has the factory deploy its verifier
// and deploys its own Shamir contract, which Ignition records by the addresses the coordinator reports.
// Tests deploy through this same module, so what is tested is what gets deployed.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const FedmashModule = buildModule("FedmashModule", (m) => {
  const registry = m.contract("FedmashRegistry");
  // The coordinator's and the verifier's creation code together exceed EIP-3860's initcode limit, so a factory holds
  // the verifier's; the verifier calls the fraud-proof check as an external library, to keep its own code small.
  const aggregateFraudProof = m.library("AggregateFraudProof");
  const verifierFactory = m.contract("FedmashVerifierFactory", [], { libraries: { AggregateFraudProof: aggregateFraudProof } });
  const coordinator = m.contract("FedmashCoordinator", [registry, verifierFactory]);
  const verifier = m.contractAt("FedmashVerifier", m.staticCall(coordinator, "verifier"));
  const shamir = m.contractAt("FedmashShamir", m.staticCall(coordinator, "shamir"));
  return { registry, coordinator, verifier, shamir };
});

export default FedmashModule;
