// Test helpers for the log parsers and the watcher: a log as eth_getLogs returns it, encoded with a contract's ABI,
// an event without its chain position, so that expected events can be written as plain objects, and the first
// batch a watcher hands over from a node that answers with fixed logs.
import type { Interface, JsonRpcProvider } from "ethers";
import { watchCoordinatorEvents, type RawLog, type WatchCoordinatorEventsParameters } from "../../../workers/chain/watchCoordinatorEvents";
import type { CoordinatorEvent } from "../../../workers/protocol/events";

export function encodeRawLog(
  address: string,
  contractInterface: Interface,
  name: string,
  values: readonly unknown[],
  blockNumber: number,
  index: number,
): RawLog {
  const encoded = contractInterface.encodeEventLog(name, values);
  return { address, topics: encoded.topics, data: encoded.data, blockNumber, index, transactionHash: `0x${String(blockNumber).padStart(64, "0")}` };
}

export function withoutPosition(event: CoordinatorEvent): Record<string, unknown> {
  const { blockNumber: _b, logIndex: _l, transactionHash: _t, ...rest } = event;
  return rest;
}

export interface FirstWatchedBatchReturnType {
  /** The filter of the first eth_getLogs. */
  filter: unknown;
  types: string[];
  toBlock: number;
}

/** Watches from block 10 on a node at block 45 whose eth_getLogs returns `logs`, and stops after the first batch. */
export async function firstWatchedBatch(
  parsers: Omit<WatchCoordinatorEventsParameters, "provider" | "fromBlock" | "onEvents" | "onError">,
  logs: readonly RawLog[],
): Promise<FirstWatchedBatchReturnType> {
  const filters: unknown[] = [];
  const provider = {
    getBlockNumber: async () => 45,
    getLogs: async (filter: unknown) => {
      filters.push(filter);
      return logs;
    },
  } as unknown as JsonRpcProvider;
  let unwatch: () => void = () => undefined;
  const batch = await new Promise<{ types: string[]; toBlock: number }>((done, fail) => {
    unwatch = watchCoordinatorEvents({
      provider,
      ...parsers,
      fromBlock: 10,
      onEvents: async (events, toBlock) => done({ types: events.map((e) => e.type), toBlock }),
      onError: fail,
      pollIntervalMs: 10,
    });
  });
  unwatch();
  return { filter: filters[0], ...batch };
}
