// Registry logs for the status views (who registered in which role, who left). The worker log parsers skip the
// registry because no worker reacts to it; the status page lists participants from exactly these two events.
import type { Interface } from "ethers";
import type { RawLog } from "../chain/watchCoordinatorEvents";
import type { Role } from "../protocol/enums";
import type { RegistryEvent } from "./statusInputs";

export function parseRegistryLog(registryInterface: Interface, log: RawLog): RegistryEvent | undefined {
  const parsed = registryInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return undefined;
  const base = { blockNumber: log.blockNumber, logIndex: log.index, transactionHash: log.transactionHash, account: String(parsed.args.account) };
  switch (parsed.name) {
    case "ParticipantRegistered":
      return { ...base, type: "ParticipantRegistered", role: Number(parsed.args.role) as Role };
    case "ParticipantDeactivated":
      return { ...base, type: "ParticipantDeactivated" };
    default:
      return undefined;
  }
}
