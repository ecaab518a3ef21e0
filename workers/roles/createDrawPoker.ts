// The keeper's part in a Mash round's draw: the round entered Grouping with its draw armed for block `drawBlock`, and
// the groups are drawn by the first `advance` mined after that block. Nothing else happens on-chain until then, so a
// keeper pokes `advance` (at most once per interval): a poke mined at or before `drawBlock` succeeds as a no-op (on an
// automining chain it mines that very block), the next one draws, and a poke after the hash expired re-arms the draw.
// Shared by every worker with keeper duty (the owner's round loop, the aggregator's keeper).
import { sendTransaction } from "../chain/sendTransaction";
import { isDrawDue } from "../protocol/keeper";
import type { Mode, Phase } from "../protocol/enums";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface DrawPokerParameters {
  runtime: WorkerRuntime;
  /** Fewest milliseconds between two pokes of one round; default 1000. */
  intervalMs?: number;
}

/** Returns the poke: call it on every keeper pass with the round's mode and phase; it returns whether it poked. */
export function createDrawPoker(parameters: DrawPokerParameters): (roundId: bigint, mode: Mode, phase: Phase) => Promise<boolean> {
  const { runtime } = parameters;
  const intervalMs = parameters.intervalMs ?? 1_000;
  const lastPoke = new Map<string, number>();
  const announced = new Set<string>();
  return async (roundId, mode, phase) => {
    // Cheap checks first: only a Mash round in Grouping costs a mashRound read.
    if (!isDrawDue({ mode, phase, groupCount: 0n })) return false;
    const key = roundId.toString();
    const now = Date.now();
    if (now - (lastPoke.get(key) ?? 0) < intervalMs) return false;
    const mash = await runtime.coordinator.mashRound(roundId);
    if (!isDrawDue({ mode, phase, groupCount: mash.groupCount })) return false;
    lastPoke.set(key, now);
    const drawBlock = mash.drawBlock.toString();
    if (!announced.has(`${key}:${drawBlock}`)) {
      announced.add(`${key}:${drawBlock}`);
      const block = await runtime.connection.provider.getBlockNumber();
      runtime.logger.info("waiting for the draw block: advancing until the groups are drawn", { round: key, drawBlock, block });
    }
    await sendTransaction(runtime.connection.signer, {
      action: `advance(round ${key}, draw after block ${drawBlock})`,
      send: () => runtime.coordinator.advance(roundId),
    });
    return true;
  };
}
