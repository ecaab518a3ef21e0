// Hardhat Ignition module for fedmash: the participant registry and the fraud-proof library, then the coordinator
// that reads the registry; the coordinator deploys its own verifier (linked to the library) and Shamir contract,
// which Ignition records by the addresses the coordinator reports.
// Tests deploy through this same module, so what is tested is what gets deployed.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const FedmashModule = buildModule("FedmashModule", (m) => {
  const registry = m.contract("FedmashRegistry");
  // The verifier calls the fraud-proof check as an external library, so that the coordinator's creation code (which
  // embeds the verifier's) stays inside EIP-3860's initcode limit.
  const aggregateFraudProof = m.library("AggregateFraudProof");
  const coordinator = m.contract("FedmashCoordinator", [registry], { libraries: { AggregateFraudProof: aggregateFraudProof } });
  const verifier = m.contractAt("FedmashVerifier", m.staticCall(coordinator, "verifier"));
  const shamir = m.contractAt("FedmashShamir", m.staticCall(coordinator, "shamir"));
  return { registry, coordinator, verifier, shamir };
});

export default FedmashModule;
