// Pure shaping of a StatusSnapshot from what the chain said: the contracts' views give the current state (phase,
// deadline, groups, verification stage), the parsed events give the history and the transaction of every step.
// No I/O here, so the whole mapping is tested with literal events and views.
import { DISPUTE_END_NAMES, DisputeEnd } from "../protocol/watch/disputeGame";
import { getAddress } from "ethers";
import type { FedmashAddresses } from "../chain/loadDeployment";
import type { CoordinatorEvent, CoordinatorEventOf, CoordinatorEventType } from "../protocol/events";
import { enumName, FailureReason, isTerminalPhase, Mode, Phase, Role, VerificationOutcome, VerificationStage } from "../protocol/enums";
import { lossFromFixed } from "../protocol/events";
import type { RegistryEvent, RoundViewData, StatusViews, TaskViewData } from "./statusInputs";
import {
  STATUS_SNAPSHOT_VERSION,
  type ChallengeStatus,
  type ClaimStatus,
  type FailureReasonName,
  type GroupStatus,
  type ModeName,
  type ParticipantsStatus,
  type ParticipantStatus,
  type PayoutsStatus,
  type PhaseName,
  type RoundStatus,
  type StatusEvent,
  type StatusSnapshot,
  type TaskStatus,
  type TxRef,
  type VerificationGasStatus,
  type VerificationOutcomeName,
  type VerificationStageName,
  type VerificationStatus,
} from "./statusSnapshot";
import { summarizeEvent } from "./summarizeEvent";

export interface ShapeStatusSnapshotParameters {
  chainId: bigint;
  blockNumber: number;
  blockTimestamp: number;
  generatedAt: Date;
  fromBlock: number;
  contracts: FedmashAddresses;
  /** Parsed coordinator, verifier and Shamir events of the sweep, any order. */
  events: readonly CoordinatorEvent[];
  registryEvents: readonly RegistryEvent[];
  views: StatusViews;
  /** Gas used per transaction hash (any case); verification gas is left out for hashes it lacks. */
  gasUsed?: ReadonlyMap<string, bigint>;
}

export type ShapeStatusSnapshotReturnType = StatusSnapshot;

const ZERO = "0x0000000000000000000000000000000000000000";

function checksum(address: string): string {
  return getAddress(address);
}

function ref(event: { transactionHash: string; blockNumber: number }): TxRef {
  return { tx: event.transactionHash, block: event.blockNumber };
}

function toStatusEvent(event: CoordinatorEvent): StatusEvent {
  return { name: event.type, block: event.blockNumber, tx: event.transactionHash, logIndex: event.logIndex, summary: summarizeEvent(event) };
}

function byChainOrder<T extends { blockNumber: number; logIndex: number }>(x: T, y: T): number {
  return x.blockNumber - y.blockNumber || x.logIndex - y.logIndex;
}

/** Round-level events carry a round id; the rest with a task id (creation, servers) belong to the task. */
function roundIdOf(event: CoordinatorEvent): bigint | undefined {
  return "roundId" in event ? event.roundId : undefined;
}

function ofType<T extends CoordinatorEventType>(events: readonly CoordinatorEvent[], type: T): CoordinatorEventOf<T>[] {
  return events.filter((event): event is CoordinatorEventOf<T> => event.type === type);
}

function shapeParticipants(registryEvents: readonly RegistryEvent[]): ParticipantsStatus {
  const byAccount = new Map<string, { role: Role; status: ParticipantStatus }>();
  for (const event of [...registryEvents].sort(byChainOrder)) {
    const account = checksum(event.account);
    if (event.type === "ParticipantRegistered") {
      byAccount.set(account, { role: event.role, status: { address: account, active: true, registered: ref(event) } });
    } else {
      const known = byAccount.get(account);
      if (known) known.status.active = false;
    }
  }
  const withRole = (role: Role): ParticipantStatus[] =>
    [...byAccount.values()].filter((entry) => entry.role === role).map((entry) => entry.status);
  return { clients: withRole(Role.Client), aggregators: withRole(Role.Aggregator), servers: withRole(Role.Server) };
}

/** Σ gas of the transactions, undefined if there are none or a receipt is missing (a partial sum would mislead). */
function sumGas(hashes: readonly string[], gasUsed: ReadonlyMap<string, bigint> | undefined): bigint | undefined {
  if (!gasUsed || hashes.length === 0) return undefined;
  let total = 0n;
  for (const hash of hashes) {
    const gas = gasUsed.get(hash.toLowerCase());
    if (gas === undefined) return undefined;
    total += gas;
  }
  return total;
}

function shapeVerification(view: RoundViewData, events: readonly CoordinatorEvent[], gasUsed: ReadonlyMap<string, bigint> | undefined): VerificationStatus | undefined {
  const verification = view.verification;
  if (!verification) return undefined;
  const batchSums = ofType(events, "BatchSumsPosted").at(-1);
  const settled = ofType(events, "VerificationSettled").at(-1);
  const aggregate = ofType(events, "AggregatePosted").at(-1);
  const commitments = ofType(events, "CommitmentPosted").map((event) => ({ client: checksum(event.client), ...ref(event) }));
  const challenges: ChallengeStatus[] = [
    ...ofType(events, "ChallengeRejected").map((event) => ({ challenger: checksum(event.challenger), upheld: false, leafIndex: Number(event.leafIndex), ...ref(event) })),
    // A dispute's own proof (closeDispute, a non-zero padding leaf) is listed once, as its DisputeClosed.
    ...ofType(events, "AggregateFraudProven")
      .filter((event) => !ofType(events, "DisputeClosed").some((closed) => closed.transactionHash === event.transactionHash))
      .map((event) => ({ challenger: checksum(event.challenger), upheld: true, coordinate: Number(event.coordinate), ...ref(event) })),
    ...ofType(events, "DisputeClosed")
      .filter((event) => event.end !== DisputeEnd.ChallengeRejected)
      .map((event) => ({
        challenger: checksum(event.challenger),
        upheld: event.end === DisputeEnd.AggregatorTimedOut || event.end === DisputeEnd.PaddingNotZero,
        dispute: DISPUTE_END_NAMES[event.end as DisputeEnd] ?? String(event.end),
        ...ref(event),
      })),
  ];
  const gas: VerificationGasStatus = {};
  const parts: [keyof VerificationGasStatus, string[]][] = [
    ["postAggregate", aggregate ? [aggregate.transactionHash] : []],
    ["postBatchSums", batchSums ? [batchSums.transactionHash] : []],
    ["commits", commitments.map((c) => c.tx)],
    ["settle", settled ? [settled.transactionHash] : []],
  ];
  let total = 0n;
  let any = false;
  for (const [key, hashes] of parts) {
    const used = sumGas(hashes, gasUsed);
    if (used === undefined) continue;
    gas[key] = used.toString();
    total += used;
    any = true;
  }
  if (any) gas.total = total.toString();
  return {
    stage: enumName(VerificationStage, verification.stage) as VerificationStageName,
    outcome: enumName(VerificationOutcome, verification.outcome) as VerificationOutcomeName,
    deadline: verification.deadline,
    includedCount: verification.includedCount,
    committedCount: verification.committedCount,
    challengeCount: verification.challengeCount,
    sampleSeed: verification.sampleSeed,
    batchSums: batchSums ? ref(batchSums) : undefined,
    commitments,
    challenges,
    settled: settled ? ref(settled) : undefined,
    gasUsed: gas,
    reserved: verification.reserved.toString(),
  };
}

function shapePayouts(view: RoundViewData, events: readonly CoordinatorEvent[]): PayoutsStatus {
  const settled = ofType(events, "VerificationSettled").at(-1);
  const claims: ClaimStatus[] = ofType(events, "RewardClaimed").map((event) => ({
    account: checksum(event.account),
    amount: event.amount.toString(),
    ...ref(event),
  }));
  const paidTotal = claims.reduce((sum, claim) => sum + BigInt(claim.amount), 0n);
  const owed = settled?.paid ?? 0n;
  const slashed = view.verification?.slashed ?? settled?.slashed ?? 0n;
  const unclaimed = view.verification?.unclaimed ?? (owed > paidTotal ? owed - paidTotal : 0n);
  return {
    owed: owed.toString(),
    claims,
    paidTotal: paidTotal.toString(),
    unclaimed: unclaimed.toString(),
    slashed: slashed.toString(),
    released: (settled?.released ?? 0n).toString(),
  };
}

function shapeGroups(view: RoundViewData, events: readonly CoordinatorEvent[]): GroupStatus[] {
  const sums = ofType(events, "GroupSumPosted");
  return (view.mash?.groups ?? []).map((group, index) => {
    const members = group.members.map(checksum);
    const sum = sums.find((event) => Number(event.groupIndex) === index);
    return {
      index,
      members,
      leader: members.at(-1) ?? ZERO,
      shuffleStep: group.shuffleStep,
      sumPosted: group.sumPosted,
      sumTx: sum ? ref(sum) : undefined,
      submittedCount: group.submittedCount,
      complete: members.length > 0 && group.submittedCount === members.length,
      included: group.included,
    };
  });
}

function shapeRound(view: RoundViewData, task: TaskViewData | undefined, events: readonly CoordinatorEvent[], blockTimestamp: number, gasUsed: ReadonlyMap<string, bigint> | undefined): RoundStatus {
  const opened = ofType(events, "RoundOpened")[0];
  const aggregate = ofType(events, "AggregatePosted").at(-1);
  const holderKey = ofType(events, "HolderKeyPosted").at(-1);
  const phase = view.phase;
  const round: RoundStatus = {
    roundId: view.roundId.toString(),
    taskId: view.taskId.toString(),
    index: view.index,
    mode: enumName(Mode, view.mode) as ModeName,
    phase: enumName(Phase, phase) as PhaseName,
    deadline: view.deadline,
    deadlinePassed: !isTerminalPhase(phase) && view.deadline > 0 && blockTimestamp > view.deadline,
    failureReason: enumName(FailureReason, view.failureReason) as FailureReasonName,
    openedAt: view.openedAt,
    opened: opened ? ref(opened) : undefined,
    modelCid: view.modelCid,
    phases: ofType(events, "PhaseChanged").map((event) => ({
      phase: enumName(Phase, event.current) as PhaseName,
      deadline: Number(event.deadline),
      ...ref(event),
    })),
    participants: view.participants.map(checksum),
    submittedCount: view.submittedCount,
    submissions: ofType(events, "UpdateSubmitted").map((event) => ({
      client: checksum(event.client),
      cid: event.cid,
      contentHash: event.contentHash,
      numSamples: Number(event.numSamples),
      loss: event.loss.toString(),
      lossValue: lossFromFixed(event.loss),
      ...ref(event),
    })),
    aggregate: aggregate
      ? {
          aggregator: checksum(aggregate.aggregator),
          cid: aggregate.aggregateCid,
          modelCid: aggregate.modelCid,
          hash: aggregate.aggregateHash,
          ...ref(aggregate),
        }
      : undefined,
    verification: shapeVerification(view, events, gasUsed),
    payouts: shapePayouts(view, events),
    events: events.map(toStatusEvent),
  };
  if (view.mash) {
    round.mash = {
      holder: checksum(view.mash.holder),
      groupingSeed: view.mash.groupingSeed,
      holderKey: holderKey ? ref(holderKey) : undefined,
      holderSubmitted: view.mash.holderSubmitted,
      groupSumCount: view.mash.groupSumCount,
      includedGroupCount: view.mash.includedGroupCount,
      includedClientCount: view.mash.includedClientCount,
      groups: shapeGroups(view, events),
    };
  }
  if (view.mode === Mode.Shamir) {
    const servers = (task?.servers ?? []).map(checksum);
    round.shamir = {
      servers,
      threshold: task?.threshold ?? 0,
      shareSums: ofType(events, "ShareSumPosted").map((event) => ({
        server: checksum(event.server),
        index: Number(event.serverIndex),
        cid: event.cid,
        contentHash: event.contentHash,
        ...ref(event),
      })),
    };
  }
  return round;
}

function shapeTask(view: TaskViewData, rounds: RoundStatus[], events: readonly CoordinatorEvent[]): TaskStatus {
  const created = ofType(events, "TaskCreated")[0];
  return {
    taskId: view.taskId.toString(),
    owner: checksum(view.owner),
    mode: enumName(Mode, view.mode) as ModeName,
    aggregator: checksum(view.aggregator),
    config: { ...view.config },
    initialModelCid: created?.initialModelCid,
    created: created ? ref(created) : undefined,
    currentModelCid: view.currentModelCid,
    roundCount: Number(view.roundCount),
    lastRoundId: view.lastRoundId.toString(),
    servers: view.servers?.map(checksum),
    threshold: view.threshold,
    admission: view.admission ? { allowlistOnly: view.admission.allowlistOnly, allowed: view.admission.allowed, clientStake: view.admission.clientStake.toString() } : undefined,
    funds: view.funds
      ? {
          terms: {
            aggregatorBond: view.funds.aggregatorBond.toString(),
            clientReward: view.funds.clientReward.toString(),
            aggregatorReward: view.funds.aggregatorReward.toString(),
          },
          pool: view.funds.pool.toString(),
          bond: view.funds.bond.toString(),
          activeRoundId: view.funds.activeRoundId.toString(),
        }
      : undefined,
    rounds,
    events: events.map(toStatusEvent),
  };
}

export function shapeStatusSnapshot(parameters: ShapeStatusSnapshotParameters): ShapeStatusSnapshotReturnType {
  const ordered = [...parameters.events].sort(byChainOrder);
  const roundEvents = new Map<string, CoordinatorEvent[]>();
  const taskEvents = new Map<string, CoordinatorEvent[]>();
  for (const event of ordered) {
    const roundId = roundIdOf(event);
    if (roundId !== undefined) {
      const key = roundId.toString();
      roundEvents.set(key, [...(roundEvents.get(key) ?? []), event]);
    } else if ("taskId" in event) {
      const key = event.taskId.toString();
      taskEvents.set(key, [...(taskEvents.get(key) ?? []), event]);
    }
  }
  const taskViews = new Map(parameters.views.tasks.map((task) => [task.taskId.toString(), task]));
  const gasUsed = parameters.gasUsed && new Map([...parameters.gasUsed].map(([hash, gas]) => [hash.toLowerCase(), gas]));
  const roundsByTask = new Map<string, RoundStatus[]>();
  for (const view of [...parameters.views.rounds].sort((x, y) => (x.roundId < y.roundId ? -1 : x.roundId > y.roundId ? 1 : 0))) {
    const taskId = view.taskId.toString();
    const round = shapeRound(view, taskViews.get(taskId), roundEvents.get(view.roundId.toString()) ?? [], parameters.blockTimestamp, gasUsed);
    roundsByTask.set(taskId, [...(roundsByTask.get(taskId) ?? []), round]);
  }
  const tasks = [...parameters.views.tasks]
    .sort((x, y) => (x.taskId < y.taskId ? -1 : x.taskId > y.taskId ? 1 : 0))
    .map((view) => shapeTask(view, roundsByTask.get(view.taskId.toString()) ?? [], taskEvents.get(view.taskId.toString()) ?? []));
  return {
    version: STATUS_SNAPSHOT_VERSION,
    chainId: parameters.chainId.toString(),
    blockNumber: parameters.blockNumber,
    blockTimestamp: parameters.blockTimestamp,
    generatedAt: parameters.generatedAt.toISOString(),
    fromBlock: parameters.fromBlock,
    contracts: {
      registry: checksum(parameters.contracts.registry),
      coordinator: checksum(parameters.contracts.coordinator),
      verifier: checksum(parameters.contracts.verifier),
      shamir: checksum(parameters.contracts.shamir),
    },
    participants: shapeParticipants(parameters.registryEvents),
    tasks,
  };
}
