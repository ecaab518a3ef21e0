// Hardhat Ignition module for fedmash: the participant registry, the verifier's four external libraries (the fraud
// proof, the dispute game, the sampled check, the client-stake rules) and the verifier factory linked to them, then the coordinator that reads the registry; the coordinator has the factory deploy its verifier
// and deploys its own Shamir contract, which Ignition records by the addresses the coordinator reports.
// Tests deploy through this same module, so what is tested is what gets deployed.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const FedmashModule = buildModule("FedmashModule", (m) => {
  const registry = m.contract("FedmashRegistry");
  // The coordinator's and the verifier's creation code together exceed EIP-3860's initcode limit, so a factory holds
  // the verifier's; the verifier calls its heaviest checks as external libraries, so that it (and so the factory) stays
  // within EIP-170's code size limit.
  const libraries = {
    AggregateFraudProof: m.library("AggregateFraudProof"),
    AggregateDispute: m.library("AggregateDispute"),
    SampledVerificationCheck: m.library("SampledVerificationCheck"),
    ClientStakes: m.library("ClientStakes"),
  };
  const verifierFactory = m.contract("FedmashVerifierFactory", [], { libraries });
  const coordinator = m.contract("FedmashCoordinator", [registry, verifierFactory]);
  const verifier = m.contractAt("FedmashVerifier", m.staticCall(coordinator, "verifier"));
  const shamir = m.contractAt("FedmashShamir", m.staticCall(coordinator, "shamir"));
  return { registry, coordinator, verifier, shamir };
});

export default FedmashModule;
