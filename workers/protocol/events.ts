// The events of the coordinator, its verifier and its Shamir contract as plain, serializable objects. Protocol state machines consume
// these and never see ethers types, so they stay pure and testable; workers/chain turns logs into them.
import type { FailureReason, Mode, Phase, VerificationOutcome } from "./enums";

interface EventBase {
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

export type CoordinatorEvent = EventBase &
  (
    | { type: "TaskCreated"; taskId: bigint; owner: string; mode: Mode; aggregator: string; initialModelCid: string }
    | { type: "RoundOpened"; taskId: bigint; roundId: bigint; index: bigint; modelCid: string; joinDeadline: bigint }
    | { type: "ClientJoined"; roundId: bigint; client: string; joinedCount: bigint }
    | { type: "PhaseChanged"; roundId: bigint; previous: Phase; current: Phase; deadline: bigint }
    | {
        type: "UpdateSubmitted";
        roundId: bigint;
        client: string;
        cid: string;
        contentHash: string;
        numSamples: bigint;
        loss: bigint;
      }
    | { type: "AggregatePosted"; roundId: bigint; aggregator: string; aggregateCid: string; modelCid: string; aggregateHash: string }
    /** A Mash round entered Grouping: the groups come from blockhash(drawBlock), drawn within 256 blocks of it or never. */
    | { type: "GroupsDrawArmed"; roundId: bigint; drawBlock: bigint }
    | { type: "GroupsFormed"; roundId: bigint; holder: string; groupCount: bigint; seed: string }
    | { type: "GroupFormed"; roundId: bigint; groupIndex: bigint; members: string[] }
    | { type: "HolderKeyPosted"; roundId: bigint; holder: string; paillierPublicKey: string }
    | { type: "ShuffleMessagePosted"; roundId: bigint; groupIndex: bigint; position: bigint; sender: string; message: string }
    | { type: "GroupSumPosted"; roundId: bigint; groupIndex: bigint; leader: string; encryptedSum: string }
    | { type: "GroupsIncluded"; roundId: bigint; groupIndices: bigint[]; includedClients: bigint }
    | { type: "RoundFinalized"; taskId: bigint; roundId: bigint; modelCid: string }
    | { type: "RoundFailed"; taskId: bigint; roundId: bigint; reason: FailureReason }
    // FedmashVerifier: the Verification phase of Mash rounds and its money.
    | { type: "RewardsReserved"; taskId: bigint; roundId: bigint; amount: bigint }
    | { type: "VerificationStarted"; taskId: bigint; roundId: bigint; aggregateBlock: bigint; includedCount: bigint; deadline: bigint }
    | {
        type: "BatchSumsPosted";
        roundId: bigint;
        sampleSeed: string;
        partitions: bigint;
        batches: bigint;
        /** T: m·k packed big-endian int64, as hex. */
        batchSums: string;
        deadline: bigint;
      }
    | { type: "CommitmentPosted"; roundId: bigint; client: string; x: bigint; y: bigint; committedCount: bigint }
    /** Mash: the aggregate may be challenged until `deadline` (FedmashVerifier.challenge). */
    | { type: "ChallengeWindowOpened"; roundId: bigint; aggregateHash: string; deadline: bigint }
    /** Mash: a challenge of leaf `leafIndex` found the posted sum right; the challenger's `bond` was burned. */
    | { type: "ChallengeRejected"; roundId: bigint; challenger: string; leafIndex: bigint; bond: bigint }
    /** Mash: a challenge proved the posted sum wrong at `coordinate`; the aggregator lost `slashed`. */
    | {
        type: "AggregateFraudProven";
        taskId: bigint;
        roundId: bigint;
        challenger: string;
        coordinate: bigint;
        slashed: bigint;
        challengerReward: bigint;
        clientShare: bigint;
      }
    | {
        type: "VerificationSettled";
        taskId: bigint;
        roundId: bigint;
        outcome: VerificationOutcome;
        committedCount: bigint;
        includedCount: bigint;
        paid: bigint;
        slashed: bigint;
        released: bigint;
      }
    | { type: "AggregatorSlashed"; taskId: bigint; roundId: bigint; aggregator: string; amount: bigint }
    /** Mash: `challenger` disputes the aggregate committed by `root`: the aggregator must reveal by `deadline`. */
    | { type: "DisputeOpened"; roundId: bigint; challenger: string; root: string; deadline: bigint }
    /** The aggregator revealed the descendants of the dispute's node (`depth`, `position`); the challenger picks one. */
    | { type: "DisputeNodesRevealed"; roundId: bigint; challenger: string; depth: bigint; position: bigint; nodes: string[]; deadline: bigint }
    /** The challenger picked `node`, now at (`depth`, `position`); the aggregator must open it. */
    | { type: "DisputeNodePicked"; roundId: bigint; challenger: string; depth: bigint; position: bigint; node: string; deadline: bigint }
    /** The aggregator revealed leaf `leafIndex` (16 int64, hex); the challenger may challenge it. */
    | { type: "DisputeLeafRevealed"; roundId: bigint; challenger: string; leafIndex: bigint; values: string; deadline: bigint }
    /** The dispute ended as `end` (DisputeEnd); `bond` went to the aggregator's task bond (0 when it proved the fraud). */
    | { type: "DisputeClosed"; roundId: bigint; challenger: string; end: number; bond: bigint }
    | { type: "RewardClaimed"; roundId: bigint; account: string; amount: bigint }
    // FedmashShamir: the servers of Shamir tasks and their share-sums.
    | { type: "ServersConfigured"; taskId: bigint; servers: string[]; threshold: bigint }
    | {
        type: "ShareSumPosted";
        roundId: bigint;
        server: string;
        /** The server's position in its task's list, from 0; its evaluation point is serverIndex + 1. */
        serverIndex: bigint;
        cid: string;
        contentHash: string;
        /** Share-sums of the round posted so far, this one included. */
        count: bigint;
      }
    /** The share-sums of leaf `leafIndex` are off one polynomial; the servers in `pending` (bit j) must answer. */
    | { type: "ShareDisputeOpened"; roundId: bigint; opener: string; leafIndex: bigint; pending: bigint; deadline: bigint }
    /** A server's answer is complete; `consistent` is false when it proved its own share-sum wrong. */
    | { type: "ShareDisputeAnswered"; roundId: bigint; server: string; consistent: boolean }
    /** `reason`: 0 its answer proved its share-sum wrong, 1 it did not answer. */
    | { type: "ServerSlashed"; roundId: bigint; server: string; reason: number; amount: bigint; toOpener: bigint }
    /** `slashed` (bit j: server j) is 0 and `clientFault` true when every server was consistent: a client's shares were not. */
    | { type: "ShareDisputeClosed"; roundId: bigint; leafIndex: bigint; slashed: bigint; clientFault: boolean }
    /** A client's shares of the disputed leaf were proven off one polynomial: its whole `stake` for the task is forfeited. */
    | { type: "ClientFaultProven"; roundId: bigint; client: string; prover: string; leafIndex: bigint; stake: bigint; toProver: bigint; toServers: bigint }
  );

export type CoordinatorEventType = CoordinatorEvent["type"];
export type CoordinatorEventOf<T extends CoordinatorEventType> = Extract<CoordinatorEvent, { type: T }>;
export const COORDINATOR_EVENT_TYPES: readonly CoordinatorEventType[] = [
  "TaskCreated",
  "RoundOpened",
  "ClientJoined",
  "PhaseChanged",
  "UpdateSubmitted",
  "AggregatePosted",
  "GroupsDrawArmed",
  "GroupsFormed",
  "GroupFormed",
  "HolderKeyPosted",
  "ShuffleMessagePosted",
  "GroupSumPosted",
  "GroupsIncluded",
  "RoundFinalized",
  "RoundFailed",
  "RewardsReserved",
  "VerificationStarted",
  "BatchSumsPosted",
  "CommitmentPosted",
  "ChallengeWindowOpened",
  "ChallengeRejected",
  "AggregateFraudProven",
  "VerificationSettled",
  "AggregatorSlashed",
  "DisputeOpened",
  "DisputeNodesRevealed",
  "DisputeNodePicked",
  "DisputeLeafRevealed",
  "DisputeClosed",
  "RewardClaimed",
  "ServersConfigured",
  "ShareSumPosted",
  "ShareDisputeOpened",
  "ShareDisputeAnswered",
  "ServerSlashed",
  "ShareDisputeClosed",
  "ClientFaultProven",
];

/** Fixed-point scale of the `loss` field on-chain (1e18), shared by the client that posts and the report that reads. */
export const LOSS_SCALE = 10n ** 18n;

export function lossToFixed(loss: number): bigint {
  if (!Number.isFinite(loss) || loss < 0) return 0n;
  return BigInt(Math.round(loss * 1e9)) * 10n ** 9n;
}

export function lossFromFixed(value: bigint): number {
  return Number(value / 10n ** 9n) / 1e9;
}
