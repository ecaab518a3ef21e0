// The block an Ignition deployment started at, read from its journal, so the status log sweep skips the chain's
// history before fedmash existed (on a public testnet that is millions of blocks an RPC would refuse to scan).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deploymentDirectory, IGNITION_FUTURE_IDS, type LoadDeploymentParameters } from "../chain/loadDeployment";

interface JournalConfirm {
  type?: string;
  futureId?: string;
  receipt?: { blockNumber?: number };
}

/** The registry's deployment block (it is deployed first), else the coordinator's; undefined when unknown. */
export function findDeploymentBlock(parameters: LoadDeploymentParameters): number | undefined {
  const journal = join(deploymentDirectory(parameters), "journal.jsonl");
  if (!existsSync(journal)) return undefined;
  const wanted = new Set<string>([IGNITION_FUTURE_IDS.registry, IGNITION_FUTURE_IDS.coordinator]);
  let first: number | undefined;
  for (const line of readFileSync(journal, "utf8").split("\n")) {
    if (!line.includes("TRANSACTION_CONFIRM")) continue;
    let entry: JournalConfirm;
    try {
      entry = JSON.parse(line) as JournalConfirm;
    } catch {
      // A journal cut short by an interrupted deploy ends in a partial line; the lines before it still count.
      continue;
    }
    const block = entry.receipt?.blockNumber;
    if (entry.type !== "TRANSACTION_CONFIRM" || !entry.futureId || !wanted.has(entry.futureId) || typeof block !== "number") continue;
    first = first === undefined ? block : Math.min(first, block);
  }
  return first;
}
