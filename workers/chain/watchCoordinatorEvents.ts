// Follows the coordinator's events by polling eth_getLogs from a stored block cursor, so a restarted worker
// replays exactly what it has not yet handled. Handlers run in chain order, one batch at a time; the cursor
// only moves after a batch was handled.
import type { Interface, JsonRpcProvider, Log } from "ethers";
import type { CoordinatorEvent } from "../protocol/events";
import type { FailureReason, Mode, Phase } from "../protocol/enums";
import { sleep } from "../retry";

export interface WatchCoordinatorEventsParameters {
  provider: JsonRpcProvider;
  coordinatorAddress: string;
  coordinatorInterface: Interface;
  /** First block to read (the stored cursor + 1). */
  fromBlock: number;
  /** Handles one batch in order; `toBlock` is the new cursor once it resolves. */
  onEvents: (events: CoordinatorEvent[], toBlock: number) => Promise<void>;
  onError: (error: unknown) => void;
  pollIntervalMs?: number;
  maxBlockRange?: number;
}

export function parseCoordinatorLog(coordinatorInterface: Interface, log: Log): CoordinatorEvent | undefined {
  const parsed = coordinatorInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return undefined;
  const base = { blockNumber: log.blockNumber, logIndex: log.index, transactionHash: log.transactionHash };
  const a = parsed.args;
  switch (parsed.name) {
    case "TaskCreated":
      return { ...base, type: "TaskCreated", taskId: a.taskId, owner: a.owner, mode: Number(a.mode) as Mode, aggregator: a.aggregator, initialModelCid: a.initialModelCid };
    case "RoundOpened":
      return { ...base, type: "RoundOpened", taskId: a.taskId, roundId: a.roundId, index: a.index, modelCid: a.modelCid, joinDeadline: a.joinDeadline };
    case "ClientJoined":
      return { ...base, type: "ClientJoined", roundId: a.roundId, client: a.client, joinedCount: a.joinedCount };
    case "PhaseChanged":
      return { ...base, type: "PhaseChanged", roundId: a.roundId, previous: Number(a.previous) as Phase, current: Number(a.current) as Phase, deadline: a.deadline };
    case "UpdateSubmitted":
      return { ...base, type: "UpdateSubmitted", roundId: a.roundId, client: a.client, cid: a.cid, contentHash: a.contentHash, numSamples: a.numSamples, loss: a.loss };
    case "AggregatePosted":
      return { ...base, type: "AggregatePosted", roundId: a.roundId, aggregator: a.aggregator, aggregateCid: a.aggregateCid, modelCid: a.modelCid, aggregateHash: a.aggregateHash };
    case "GroupsFormed":
      return { ...base, type: "GroupsFormed", roundId: a.roundId, holder: a.holder, groupCount: a.groupCount, seed: a.seed };
    case "GroupFormed":
      return { ...base, type: "GroupFormed", roundId: a.roundId, groupIndex: a.groupIndex, members: [...a.members] };
    case "HolderKeyPosted":
      return { ...base, type: "HolderKeyPosted", roundId: a.roundId, holder: a.holder, paillierPublicKey: a.paillierPublicKey };
    case "ShuffleMessagePosted":
      return { ...base, type: "ShuffleMessagePosted", roundId: a.roundId, groupIndex: a.groupIndex, position: a.position, sender: a.sender, message: a.message };
    case "GroupSumPosted":
      return { ...base, type: "GroupSumPosted", roundId: a.roundId, groupIndex: a.groupIndex, leader: a.leader, encryptedSum: a.encryptedSum };
    case "GroupsIncluded":
      return { ...base, type: "GroupsIncluded", roundId: a.roundId, groupIndices: [...a.groupIndices], includedClients: a.includedClients };
    case "RoundFinalized":
      return { ...base, type: "RoundFinalized", taskId: a.taskId, roundId: a.roundId, modelCid: a.modelCid };
    case "RoundFailed":
      return { ...base, type: "RoundFailed", taskId: a.taskId, roundId: a.roundId, reason: Number(a.reason) as FailureReason };
    default:
      return undefined;
  }
}

/** Starts following; returns `unwatch`, which stops after the batch in flight. */
export function watchCoordinatorEvents(parameters: WatchCoordinatorEventsParameters): () => void {
  const controller = new AbortController();
  const interval = parameters.pollIntervalMs ?? 250;
  const range = parameters.maxBlockRange ?? 2_000;
  let next = parameters.fromBlock;

  const loop = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      try {
        const latest = await parameters.provider.getBlockNumber();
        if (latest >= next) {
          const toBlock = Math.min(latest, next + range - 1);
          const logs = await parameters.provider.getLogs({ address: parameters.coordinatorAddress, fromBlock: next, toBlock });
          const events = logs
            .map((log) => parseCoordinatorLog(parameters.coordinatorInterface, log))
            .filter((event): event is CoordinatorEvent => event !== undefined)
            .sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex);
          if (controller.signal.aborted) return;
          await parameters.onEvents(events, toBlock);
          next = toBlock + 1;
          if (toBlock < latest) continue;
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        parameters.onError(error);
      }
      try {
        await sleep(interval, controller.signal);
      } catch {
        return;
      }
    }
  };
  void loop();
  return () => controller.abort();
}
