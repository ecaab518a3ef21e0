// A literal chain history for the status shaping and rendering tests, no chain needed: a Mash task whose round 1
// finalized (two groups, one excluded, verification passed, one claim made) and whose round 2 failed with
// HolderMissing; a Shamir task whose round 3 waits in Aggregation with one share-sum of two; the registry's
// participants, one of them gone. Addresses are given lower-case, as a careless RPC might return them.
import type { CoordinatorEvent } from "../../../workers/protocol/events";
import { FailureReason, Mode, Phase, Role, VerificationOutcome, VerificationStage } from "../../../workers/protocol/enums";
import type { ShapeStatusSnapshotParameters } from "../../../workers/status/shapeStatusSnapshot";
import type { RoundViewData, TaskViewData } from "../../../workers/status/statusInputs";
import type { TaskConfigSummary } from "../../../workers/status/statusSnapshot";

export const account = (n: number): string => `0x${n.toString(16).padStart(2, "0").repeat(20)}`;
export const OWNER = account(0x10);
export const AGGREGATOR = account(0x11);
/** Clients 0x21…0x27; in round 1 the holder is 0x21, group 0 is [0x22, 0x23], group 1 is [0x24, 0x25]. */
export const CLIENT = (i: number): string => account(0x20 + i);
export const SERVER = (i: number): string => account(0x30 + i);
export const tx = (n: number): string => `0x${n.toString(16).padStart(64, "0")}`;

/** Chain time of the snapshot. */
export const NOW = 1_800_000_000;

let logIndex = 0;
/** An event without its position, distributed over the union so each literal is checked against its own type. */
type BareEvent = CoordinatorEvent extends infer E ? (E extends CoordinatorEvent ? Omit<E, "blockNumber" | "logIndex" | "transactionHash"> : never) : never;

function at(block: number, txNumber: number, event: BareEvent): CoordinatorEvent {
  return { ...event, blockNumber: block, logIndex: logIndex++, transactionHash: tx(txNumber) } as CoordinatorEvent;
}

const mashConfig: TaskConfigSummary = {
  modelKind: "mlp",
  modelSize: 101_770,
  minClients: 3,
  maxClients: 5,
  joinDuration: 60,
  submitDuration: 120,
  aggregateDuration: 180,
  groupSize: 3,
  quantizationScale: 10_000,
  clipMillionths: 1_000_000,
  keyDuration: 30,
  shuffleDuration: 40,
  completionDuration: 50,
  maskGroup: { id: "rlwr-2048", secure: true, securityBits: 128 },
  minIncluded: 3,
};

export function statusFixture(): ShapeStatusSnapshotParameters {
  logIndex = 0;
  const events: CoordinatorEvent[] = [
    at(10, 100, { type: "TaskCreated", taskId: 1n, owner: OWNER, mode: Mode.Mash, aggregator: AGGREGATOR, initialModelCid: "bafkreiinitialmodelcidoftaskone" }),
    at(11, 101, { type: "RoundOpened", taskId: 1n, roundId: 1n, index: 1n, modelCid: "bafkreiinitialmodelcidoftaskone", joinDeadline: BigInt(NOW - 1000) }),
    at(11, 101, { type: "PhaseChanged", roundId: 1n, previous: Phase.None, current: Phase.Joining, deadline: BigInt(NOW - 1000) }),
    at(11, 101, { type: "RewardsReserved", taskId: 1n, roundId: 1n, amount: 3_000n }),
    at(12, 102, { type: "ClientJoined", roundId: 1n, client: CLIENT(1), joinedCount: 1n }),
    at(13, 103, { type: "GroupsFormed", roundId: 1n, holder: CLIENT(1), groupCount: 2n, seed: tx(7) }),
    at(13, 103, { type: "GroupFormed", roundId: 1n, groupIndex: 0n, members: [CLIENT(2), CLIENT(3)] }),
    at(13, 103, { type: "GroupFormed", roundId: 1n, groupIndex: 1n, members: [CLIENT(4), CLIENT(5)] }),
    at(14, 104, { type: "HolderKeyPosted", roundId: 1n, holder: CLIENT(1), paillierPublicKey: `0x${"ab".repeat(256)}` }),
    at(15, 105, { type: "GroupSumPosted", roundId: 1n, groupIndex: 0n, leader: CLIENT(3), encryptedSum: "0x01" }),
    at(16, 106, { type: "UpdateSubmitted", roundId: 1n, client: CLIENT(2), cid: "bafkreiupdateofclienttwo0000000000", contentHash: tx(2), numSamples: 600n, loss: 253_700_000_000_000_000n }),
    at(16, 107, { type: "UpdateSubmitted", roundId: 1n, client: CLIENT(3), cid: "bafkreiupdateofclientthree00000000", contentHash: tx(3), numSamples: 601n, loss: 300_000_000_000_000_000n }),
    at(17, 108, { type: "UpdateSubmitted", roundId: 1n, client: CLIENT(1), cid: "bafkreiupdateoftheholder0000000000", contentHash: tx(1), numSamples: 602n, loss: 100_000_000_000_000_000n }),
    at(18, 109, { type: "AggregatePosted", roundId: 1n, aggregator: AGGREGATOR, aggregateCid: "bafkreiaggregateofroundone0000000", modelCid: "bafkreinextmodelofroundone0000000", aggregateHash: tx(9) }),
    at(18, 109, { type: "VerificationStarted", taskId: 1n, roundId: 1n, aggregateBlock: 18n, includedCount: 3n, deadline: BigInt(NOW - 500) }),
    at(19, 110, { type: "BatchSumsPosted", roundId: 1n, sampleSeed: tx(11), partitions: 64n, batches: 2n, batchSums: "0x00", deadline: BigInt(NOW - 400) }),
    at(20, 111, { type: "CommitmentPosted", roundId: 1n, client: CLIENT(2), x: 1n, y: 2n, committedCount: 1n }),
    at(20, 112, { type: "CommitmentPosted", roundId: 1n, client: CLIENT(3), x: 1n, y: 2n, committedCount: 2n }),
    at(20, 113, { type: "CommitmentPosted", roundId: 1n, client: CLIENT(1), x: 1n, y: 2n, committedCount: 3n }),
    at(21, 114, { type: "VerificationSettled", taskId: 1n, roundId: 1n, outcome: VerificationOutcome.Passed, committedCount: 3n, includedCount: 3n, paid: 2_500n, slashed: 0n, released: 500n }),
    at(21, 114, { type: "RoundFinalized", taskId: 1n, roundId: 1n, modelCid: "bafkreinextmodelofroundone0000000" }),
    at(22, 115, { type: "RewardClaimed", roundId: 1n, account: CLIENT(2), amount: 500n }),
    at(30, 120, { type: "RoundOpened", taskId: 1n, roundId: 2n, index: 2n, modelCid: "bafkreinextmodelofroundone0000000", joinDeadline: BigInt(NOW - 300) }),
    at(31, 121, { type: "RoundFailed", taskId: 1n, roundId: 2n, reason: FailureReason.HolderMissing }),
    at(40, 130, { type: "TaskCreated", taskId: 2n, owner: OWNER, mode: Mode.Shamir, aggregator: AGGREGATOR, initialModelCid: "bafkreishamirinitial" }),
    at(40, 130, { type: "ServersConfigured", taskId: 2n, servers: [SERVER(1), SERVER(2)], threshold: 2n }),
    at(41, 131, { type: "RoundOpened", taskId: 2n, roundId: 3n, index: 1n, modelCid: "bafkreishamirinitial", joinDeadline: BigInt(NOW - 200) }),
    at(45, 135, { type: "ShareSumPosted", roundId: 3n, server: SERVER(2), serverIndex: 1n, cid: "bafkreisharesumofservertwo", contentHash: tx(5), count: 1n }),
  ];
  const mashTask: TaskViewData = {
    taskId: 1n,
    owner: OWNER,
    mode: Mode.Mash,
    aggregator: AGGREGATOR,
    config: mashConfig,
    currentModelCid: "bafkreinextmodelofroundone0000000",
    roundCount: 2n,
    lastRoundId: 2n,
    funds: { aggregatorBond: 10_000n, clientReward: 500n, aggregatorReward: 1_000n, pool: 97_000n, bond: 10_000n, activeRoundId: 0n },
  };
  const shamirTask: TaskViewData = {
    ...mashTask,
    taskId: 2n,
    mode: Mode.Shamir,
    config: { ...mashConfig, groupSize: 0, maskGroup: undefined },
    currentModelCid: "bafkreishamirinitial",
    roundCount: 1n,
    lastRoundId: 3n,
    funds: { aggregatorBond: 0n, clientReward: 0n, aggregatorReward: 0n, pool: 0n, bond: 0n, activeRoundId: 3n },
    servers: [SERVER(1), SERVER(2)],
    threshold: 2,
  };
  const verificationIdle = { stage: VerificationStage.None, outcome: VerificationOutcome.None, deadline: 0, includedCount: 0, committedCount: 0, challengeCount: 0, sampleSeed: tx(0), reserved: 0n, unclaimed: 0n, slashed: 0n };
  const rounds: RoundViewData[] = [
    {
      roundId: 1n,
      taskId: 1n,
      index: 1,
      mode: Mode.Mash,
      phase: Phase.Finalized,
      deadline: 0,
      openedAt: NOW - 1060,
      modelCid: "bafkreiinitialmodelcidoftaskone",
      submittedCount: 3,
      failureReason: FailureReason.None,
      participants: [CLIENT(1), CLIENT(2), CLIENT(3), CLIENT(4), CLIENT(5)],
      mash: {
        holder: CLIENT(1),
        groupingSeed: tx(7),
        groupSumCount: 1,
        includedGroupCount: 1,
        includedClientCount: 2,
        holderSubmitted: true,
        groups: [
          { members: [CLIENT(2), CLIENT(3)], shuffleStep: 1, sumPosted: true, included: true, submittedCount: 2 },
          { members: [CLIENT(4), CLIENT(5)], shuffleStep: 0, sumPosted: false, included: false, submittedCount: 0 },
        ],
      },
      verification: { ...verificationIdle, stage: VerificationStage.Settled, outcome: VerificationOutcome.Passed, includedCount: 3, committedCount: 3, sampleSeed: tx(11), unclaimed: 2_000n },
    },
    {
      roundId: 2n,
      taskId: 1n,
      index: 2,
      mode: Mode.Mash,
      phase: Phase.Failed,
      deadline: 0,
      openedAt: NOW - 360,
      modelCid: "bafkreinextmodelofroundone0000000",
      submittedCount: 0,
      failureReason: FailureReason.HolderMissing,
      participants: [CLIENT(1), CLIENT(2), CLIENT(3)],
      mash: { holder: CLIENT(3), groupingSeed: tx(8), groupSumCount: 0, includedGroupCount: 0, includedClientCount: 0, holderSubmitted: false, groups: [{ members: [CLIENT(1), CLIENT(2)], shuffleStep: 0, sumPosted: false, included: false, submittedCount: 0 }] },
      verification: { ...verificationIdle, stage: VerificationStage.Settled, outcome: VerificationOutcome.Released },
    },
    {
      roundId: 3n,
      taskId: 2n,
      index: 1,
      mode: Mode.Shamir,
      phase: Phase.Aggregation,
      deadline: NOW - 15,
      openedAt: NOW - 260,
      modelCid: "bafkreishamirinitial",
      submittedCount: 0,
      failureReason: FailureReason.None,
      participants: [CLIENT(6), CLIENT(7)],
      verification: { ...verificationIdle, stage: VerificationStage.Reserved },
    },
  ];
  // Shuffled on purpose: the shaper owes chain order, not the caller.
  const shuffled = [...events].reverse();
  return {
    chainId: 11155111n,
    blockNumber: 50,
    blockTimestamp: NOW,
    generatedAt: new Date(NOW * 1000 + 1234),
    fromBlock: 9,
    contracts: { registry: account(0xa1), coordinator: account(0xa2), verifier: account(0xa3), shamir: account(0xa4) },
    events: shuffled,
    registryEvents: [
      { type: "ParticipantRegistered", role: Role.Aggregator, account: AGGREGATOR, blockNumber: 2, logIndex: 0, transactionHash: tx(50) },
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => ({ type: "ParticipantRegistered" as const, role: Role.Client, account: CLIENT(i), blockNumber: 2 + i, logIndex: 0, transactionHash: tx(50 + i) })),
      { type: "ParticipantRegistered", role: Role.Server, account: SERVER(1), blockNumber: 9, logIndex: 1, transactionHash: tx(61) },
      { type: "ParticipantRegistered", role: Role.Server, account: SERVER(2), blockNumber: 9, logIndex: 2, transactionHash: tx(62) },
      { type: "ParticipantDeactivated", account: CLIENT(5), blockNumber: 35, logIndex: 0, transactionHash: tx(70) },
    ],
    views: { tasks: [shamirTask, mashTask], rounds: [rounds[2], rounds[0], rounds[1]] },
    gasUsed: new Map([
      [tx(109), 290_054n],
      [tx(110).toUpperCase().replace("0X", "0x"), 108_240n],
      [tx(111), 140_909n],
      [tx(112), 83_314n],
      [tx(113), 84_149n],
      [tx(114), 180_446n],
    ]),
  };
}
