// The aggregate dispute game's event searches, by cursor: each round's events are read once, from the block after
// the last one already searched, in bounded chunks (a node refuses or times out on a wide eth_getLogs), instead of
// from the aggregate's block to the latest one at every poll. Used by the challenger (its round's reveals), the
// aggregator's answerer and the keepers (the round's DisputeOpened).
import { hexlify } from "ethers";
import type { DisputeReveal } from "../protocol/watch/disputeGame";
import { MAX_LOG_BLOCK_RANGE } from "../chain/watchCoordinatorEvents";
import { retry } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";


/** The inclusive block ranges [from, to] that cover `from` … `to`, each at most `chunk` blocks. */
export function blockRanges(from: number, to: number, chunk: number = MAX_LOG_BLOCK_RANGE): [number, number][] {
  if (!Number.isSafeInteger(chunk) || chunk < 1) throw new RangeError(`chunk ${chunk} is not a positive integer`);
  const ranges: [number, number][] = [];
  for (let start = Math.max(0, from); start <= to; start += chunk) ranges.push([start, Math.min(to, start + chunk - 1)]);
  return ranges;
}

/** Where a search stands: `next` is the first block not searched yet. */
export interface EventCursor {
  next: number;
}

/**
 * Searches `next` … `latest` chunk by chunk, moving the cursor past each chunk once `search` handled it, so that a
 * failure keeps what was read and the next call resumes at the failed chunk.
 */
export async function advanceCursor(cursor: EventCursor, latest: number, search: (from: number, to: number) => Promise<void>, chunk?: number): Promise<void> {
  for (const [from, to] of blockRanges(cursor.next, latest, chunk)) {
    await search(from, to);
    cursor.next = to + 1;
  }
}

/** The latest block's number and timestamp (the chain's clock). */
export async function latestBlock(runtime: WorkerRuntime): Promise<{ number: number; timestamp: number }> {
  const block = await retry(() => runtime.connection.provider.getBlock("latest"));
  if (!block) throw new Error("the node returned no latest block");
  return { number: block.number, timestamp: block.timestamp };
}

/** The challengers of each round (DisputeOpened), searched by cursor. */
export interface DisputeOpenedIndex {
  /** Every challenger of the round so far, in the order their disputes opened (checksummed). */
  challengers(roundId: bigint, fromBlock: number, latest: number): Promise<string[]>;
  forget(roundId: bigint | string): void;
}

export function createDisputeOpenedIndex(runtime: WorkerRuntime): DisputeOpenedIndex {
  const rounds = new Map<string, { cursor: EventCursor; challengers: Map<string, string> }>();
  return {
    async challengers(roundId, fromBlock, latest) {
      const key = roundId.toString();
      let round = rounds.get(key);
      if (!round) {
        round = { cursor: { next: fromBlock }, challengers: new Map() };
        rounds.set(key, round);
      }
      const { verifier } = runtime;
      const known = round.challengers;
      await advanceCursor(round.cursor, latest, async (from, to) => {
        const events = await retry(() => verifier.queryFilter(verifier.filters.DisputeOpened(roundId), from, to));
        for (const event of events) known.set(event.args.challenger.toLowerCase(), event.args.challenger);
      });
      return [...known.values()];
    },
    forget(roundId) {
      rounds.delete(roundId.toString());
    },
  };
}

/** A round's reveals, every challenger's (they are shared between its disputes), searched by cursor. */
export interface RoundReveals {
  reveals: DisputeReveal[];
  leaves: { leafIndex: number; values: string }[];
  /** Reads the events of the blocks not searched yet, up to `latest`. */
  update(latest: number): Promise<void>;
}

export function createRoundReveals(runtime: WorkerRuntime, roundId: bigint, fromBlock: number): RoundReveals {
  const { verifier } = runtime;
  const cursor: EventCursor = { next: fromBlock };
  const state: RoundReveals = {
    reveals: [],
    leaves: [],
    async update(latest) {
      await advanceCursor(cursor, latest, async (from, to) => {
        const [revealed, leaves] = await Promise.all([
          retry(() => verifier.queryFilter(verifier.filters.DisputeNodesRevealed(roundId), from, to)),
          retry(() => verifier.queryFilter(verifier.filters.DisputeLeafRevealed(roundId), from, to)),
        ]);
        for (const event of revealed) state.reveals.push({ depth: Number(event.args.depth), position: Number(event.args.position), nodes: [...event.args.nodes] });
        for (const event of leaves) state.leaves.push({ leafIndex: Number(event.args.leafIndex), values: hexlify(event.args[3]) });
      });
    },
  };
  return state;
}
