// The keeper's part in a Mash round's draw: the round entered Grouping with its draw armed for block `drawBlock`, and
// the groups are drawn by the first `advance` mined after that block. Nothing else happens on-chain until then, so a
// keeper pokes `advance` (at most once per interval): a poke mined at or before `drawBlock` succeeds as a no-op (on an
// automining chain it mines that very block), the next one draws, and a poke more than 256 blocks after `drawBlock`
// fails the round (DrawExpired: the draw is never re-armed). Shared by every worker with keeper duty (the owner's
// round loop, the aggregator's keeper) and, with a grace, by the MASH client, which pokes only when they have not.
import { sendTransaction } from "../chain/sendTransaction";
import { isDrawDue, isGracedDrawPokeDue, type DrawGrace } from "../protocol/keeper";
import type { Mode, Phase } from "../protocol/enums";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface DrawPokerParameters {
  runtime: WorkerRuntime;
  /** Fewest milliseconds between two pokes of one round; default 1000. */
  intervalMs?: number;
  /**
   * Back the keepers up only: poke a round's draw once nobody drew it within this grace (isGracedDrawPokeDue).
   * Without it the poker is a keeper's and pokes as soon as the draw is due.
   */
  grace?: DrawGrace;
}

/** Returns the poke: call it on every keeper pass with the round's mode and phase; it returns whether it poked. */
export function createDrawPoker(parameters: DrawPokerParameters): (roundId: bigint, mode: Mode, phase: Phase) => Promise<boolean> {
  const { runtime, grace } = parameters;
  const intervalMs = parameters.intervalMs ?? 1_000;
  const lastPoke = new Map<string, number>();
  const announced = new Set<string>();
  /** When this worker first saw each round:drawBlock waiting for its draw (the grace counts from there). */
  const waitingSince = new Map<string, number>();
  return async (roundId, mode, phase) => {
    // Cheap checks first: only a Mash round in Grouping costs a mashRound read.
    if (!isDrawDue({ mode, phase, groupCount: 0n })) return false;
    const key = roundId.toString();
    const now = Date.now();
    if (now - (lastPoke.get(key) ?? 0) < intervalMs) return false;
    const mash = await runtime.coordinator.mashRound(roundId);
    if (!isDrawDue({ mode, phase, groupCount: mash.groupCount })) return false;
    const drawBlock = mash.drawBlock.toString();
    const draw = `${key}:${drawBlock}`;
    if (grace) {
      const block = BigInt(await runtime.connection.provider.getBlockNumber());
      const since = waitingSince.get(draw) ?? now;
      waitingSince.set(draw, since);
      if (!isGracedDrawPokeDue({ drawBlock: mash.drawBlock, block, waitingSinceMs: since, nowMs: now, grace })) {
        if (!announced.has(draw)) {
          announced.add(draw);
          runtime.logger.info("waiting for the owner or the aggregator to draw the groups; poking the draw myself if nobody has by then", {
            round: key,
            drawBlock,
            block,
            pokeFromBlock: (mash.drawBlock + grace.blocks).toString(),
            pokeAfterMs: grace.ms,
          });
        }
        return false;
      }
    }
    lastPoke.set(key, now);
    if (grace) {
      // Every pass from here pokes; say once that the keepers let the grace pass.
      if (!announced.has(`${draw}:poking`)) {
        announced.add(`${draw}:poking`);
        runtime.logger.warn("nobody drew the groups within the grace: poking the draw myself", { round: key, drawBlock, graceBlocks: grace.blocks.toString(), graceMs: grace.ms });
      }
    } else if (!announced.has(draw)) {
      announced.add(draw);
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
