// Hardhat Ignition module for fedmash: the participant registry, then the coordinator that reads it.
// Tests deploy through this same module, so what is tested is what gets deployed.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const FedmashModule = buildModule("FedmashModule", (m) => {
  const registry = m.contract("FedmashRegistry");
  const coordinator = m.contract("FedmashCoordinator", [registry]);
  return { registry, coordinator };
});

export default FedmashModule;
