// Follows the events of the coordinator, its verifier and its Shamir contract by polling eth_getLogs (one call for
// all addresses) from a stored block cursor, so a restarted worker replays exactly what it has not yet handled. Each log is parsed
// with the interface of the contract that emitted it; handlers run in chain order (block, then log index), one
// batch at a time; the cursor only moves after a batch was handled.
import type { Interface, JsonRpcProvider, Log, Result } from "ethers";
import type { CoordinatorEvent } from "../protocol/events";
import type { FailureReason, Mode, Phase, VerificationOutcome } from "../protocol/enums";
import { sleep } from "../retry";

/** The fields of an eth_getLogs entry the parsers read. */
export type RawLog = Pick<Log, "address" | "topics" | "data" | "blockNumber" | "index" | "transactionHash">;

type EventBase = { blockNumber: number; logIndex: number; transactionHash: string };

export interface WatchCoordinatorEventsParameters {
  provider: JsonRpcProvider;
  coordinatorAddress: string;
  coordinatorInterface: Interface;
  /** The coordinator's FedmashVerifier; its events join the same stream when given. */
  verifierAddress?: string;
  verifierInterface?: Interface;
  /** The coordinator's FedmashShamir; its events join the same stream when given. */
  shamirAddress?: string;
  shamirInterface?: Interface;
  /** First block to read (the stored cursor + 1). */
  fromBlock: number;
  /** Handles one batch in order; `toBlock` is the new cursor once it resolves. */
  onEvents: (events: CoordinatorEvent[], toBlock: number) => Promise<void>;
  onError: (error: unknown) => void;
  pollIntervalMs?: number;
  maxBlockRange?: number;
}

/** One contract's log decoded with its interface, with the chain position every event carries; undefined when the
 * interface does not know the log. */
function decodeLog(contractInterface: Interface, log: RawLog): { name: string; args: Result; base: EventBase } | undefined {
  const parsed = contractInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return undefined;
  return { name: parsed.name, args: parsed.args, base: { blockNumber: log.blockNumber, logIndex: log.index, transactionHash: log.transactionHash } };
}

export function parseCoordinatorLog(coordinatorInterface: Interface, log: RawLog): CoordinatorEvent | undefined {
  const decoded = decodeLog(coordinatorInterface, log);
  if (!decoded) return undefined;
  const { base, args: a } = decoded;
  switch (decoded.name) {
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
    case "GroupsDrawArmed":
      return { ...base, type: "GroupsDrawArmed", roundId: a.roundId, drawBlock: a.drawBlock };
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

export function parseVerifierLog(verifierInterface: Interface, log: RawLog): CoordinatorEvent | undefined {
  const decoded = decodeLog(verifierInterface, log);
  if (!decoded) return undefined;
  const { base, args: a } = decoded;
  switch (decoded.name) {
    case "RewardsReserved":
      return { ...base, type: "RewardsReserved", taskId: a.taskId, roundId: a.roundId, amount: a.amount };
    case "VerificationStarted":
      return { ...base, type: "VerificationStarted", taskId: a.taskId, roundId: a.roundId, aggregateBlock: a.aggregateBlock, includedCount: a.includedCount, deadline: a.deadline };
    case "BatchSumsPosted":
      return { ...base, type: "BatchSumsPosted", roundId: a.roundId, sampleSeed: a.sampleSeed, partitions: a.partitions, batches: a.batches, batchSums: a.batchSums, deadline: a.deadline };
    case "CommitmentPosted":
      return { ...base, type: "CommitmentPosted", roundId: a.roundId, client: a.client, x: a.x, y: a.y, committedCount: a.committedCount };
    case "ChallengeWindowOpened":
      return { ...base, type: "ChallengeWindowOpened", roundId: a.roundId, aggregateHash: a.aggregateHash, deadline: a.deadline };
    case "ChallengeRejected":
      return { ...base, type: "ChallengeRejected", roundId: a.roundId, challenger: a.challenger, leafIndex: a.leafIndex, bond: a.bond };
    case "AggregateFraudProven":
      return {
        ...base,
        type: "AggregateFraudProven",
        taskId: a.taskId,
        roundId: a.roundId,
        challenger: a.challenger,
        coordinate: a.coordinate,
        slashed: a.slashed,
        challengerReward: a.challengerReward,
        clientShare: a.clientShare,
      };
    case "VerificationSettled":
      return {
        ...base,
        type: "VerificationSettled",
        taskId: a.taskId,
        roundId: a.roundId,
        outcome: Number(a.outcome) as VerificationOutcome,
        committedCount: a.committedCount,
        includedCount: a.includedCount,
        paid: a.paid,
        slashed: a.slashed,
        released: a.released,
      };
    case "AggregatorSlashed":
      return { ...base, type: "AggregatorSlashed", taskId: a.taskId, roundId: a.roundId, aggregator: a.aggregator, amount: a.amount };
    case "RewardClaimed":
      return { ...base, type: "RewardClaimed", roundId: a.roundId, account: a.account, amount: a.amount };
    case "DisputeOpened":
      return { ...base, type: "DisputeOpened", roundId: a.roundId, challenger: a.challenger, root: a.root, deadline: a.deadline };
    case "DisputeNodesRevealed":
      return { ...base, type: "DisputeNodesRevealed", roundId: a.roundId, challenger: a.challenger, depth: a.depth, position: a.position, nodes: [...a.nodes], deadline: a.deadline };
    case "DisputeNodePicked":
      return { ...base, type: "DisputeNodePicked", roundId: a.roundId, challenger: a.challenger, depth: a.depth, position: a.position, node: a.node, deadline: a.deadline };
    case "DisputeLeafRevealed":
      return { ...base, type: "DisputeLeafRevealed", roundId: a.roundId, challenger: a.challenger, leafIndex: a.leafIndex, values: a.getValue("values") as string, deadline: a.deadline };
    case "DisputeClosed":
      return { ...base, type: "DisputeClosed", roundId: a.roundId, challenger: a.challenger, end: Number(a.end), bond: a.bond };
    default:
      // The pool and bond bookkeeping (TaskFunded, TermsSet, BondDeposited, …) drives no worker.
      return undefined;
  }
}

export function parseShamirLog(shamirInterface: Interface, log: RawLog): CoordinatorEvent | undefined {
  const decoded = decodeLog(shamirInterface, log);
  if (!decoded) return undefined;
  const { base, args: a } = decoded;
  switch (decoded.name) {
    case "ServersConfigured":
      return { ...base, type: "ServersConfigured", taskId: a.taskId, servers: [...a.servers], threshold: a.threshold };
    case "ShareSumPosted":
      return { ...base, type: "ShareSumPosted", roundId: a.roundId, server: a.server, serverIndex: a.serverIndex, cid: a.cid, contentHash: a.contentHash, count: a.count };
    case "ShareDisputeOpened":
      return { ...base, type: "ShareDisputeOpened", roundId: a.roundId, opener: a.opener, leafIndex: a.leafIndex, pending: a.pending, deadline: a.deadline };
    case "ShareDisputeAnswered":
      return { ...base, type: "ShareDisputeAnswered", roundId: a.roundId, server: a.server, consistent: a.consistent };
    case "ServerSlashed":
      return { ...base, type: "ServerSlashed", roundId: a.roundId, server: a.server, reason: Number(a.reason), amount: a.amount, toOpener: a.toOpener };
    case "ShareDisputeClosed":
      return { ...base, type: "ShareDisputeClosed", roundId: a.roundId, leafIndex: a.leafIndex, slashed: a.slashed, clientFault: a.clientFault };
    case "ClientFaultProven":
      return { ...base, type: "ClientFaultProven", roundId: a.roundId, client: a.client, prover: a.prover, leafIndex: a.leafIndex, stake: a.stake, toProver: a.toProver, toServers: a.toServers };
    default:
      // Bonds, credits, answer batches and period extensions drive no worker's state.
      return undefined;
  }
}

export interface FedmashLogParsers {
  coordinatorAddress: string;
  coordinatorInterface: Interface;
  verifierAddress?: string;
  verifierInterface?: Interface;
  shamirAddress?: string;
  shamirInterface?: Interface;
}

/**
 * Parses logs of the three contracts, each with its own interface (chosen by the emitting address, never by trying
 * them in turn), drops logs of other contracts and events no worker uses, and returns them in chain order.
 */
export function parseFedmashLogs(parsers: FedmashLogParsers, logs: readonly RawLog[]): CoordinatorEvent[] {
  const coordinator = parsers.coordinatorAddress.toLowerCase();
  const verifier = parsers.verifierAddress?.toLowerCase();
  const shamir = parsers.shamirAddress?.toLowerCase();
  return logs
    .map((log) => {
      const emitter = log.address.toLowerCase();
      if (emitter === coordinator) return parseCoordinatorLog(parsers.coordinatorInterface, log);
      if (emitter === verifier && parsers.verifierInterface) return parseVerifierLog(parsers.verifierInterface, log);
      if (emitter === shamir && parsers.shamirInterface) return parseShamirLog(parsers.shamirInterface, log);
      return undefined;
    })
    .filter((event): event is CoordinatorEvent => event !== undefined)
    .sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex);
}

/** The widest block range one eth_getLogs asks for: nodes refuse or time out on wider ones. */
export const MAX_LOG_BLOCK_RANGE = 2_000;

/** Starts following; returns `unwatch`, which stops after the batch in flight. */
export function watchCoordinatorEvents(parameters: WatchCoordinatorEventsParameters): () => void {
  const controller = new AbortController();
  const interval = parameters.pollIntervalMs ?? 250;
  const range = parameters.maxBlockRange ?? MAX_LOG_BLOCK_RANGE;
  let next = parameters.fromBlock;
  const addresses = [parameters.coordinatorAddress, parameters.verifierAddress, parameters.shamirAddress].filter(
    (address): address is string => address !== undefined,
  );

  const loop = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      try {
        const latest = await parameters.provider.getBlockNumber();
        if (latest >= next) {
          const toBlock = Math.min(latest, next + range - 1);
          const logs = await parameters.provider.getLogs({ address: addresses, fromBlock: next, toBlock });
          const events = parseFedmashLogs(parameters, logs);
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
