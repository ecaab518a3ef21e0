// The Shamir-mode aggregator as an explicit state machine, one serializable state per round. It records the
// submissions (the set the contract freezes when Aggregation opens) and the servers' share-sums as they are
// posted; in Aggregation it owes one action: wait for the share-sums (all n, or at least t after a grace period),
// reconstruct Σq and post the aggregate. Verification then runs exactly as in MASH rounds: T under the aggregate's
// block, the settlement once every included client committed, its reward if the round passed. Pure.
import { FailureReason, Phase, VerificationOutcome } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { isSettledOutcome, verificationOutcomeFailure, type SettledOutcome } from "../verificationOutcomeFailure";
import type { SubmissionRecord } from "../plain/aggregatorMachine";

export const SHAMIR_AGGREGATOR_STAGES = ["collecting", "aggregating", "posted", "batch-sums", "commitments", "claiming", "finalized", "failed"] as const;
export type ShamirAggregatorStage = (typeof SHAMIR_AGGREGATOR_STAGES)[number];

export interface ShareSumRecord {
  server: string;
  /** 0-based position in the task's server list; the share's x is serverIndex + 1. */
  serverIndex: number;
  cid: string;
  contentHash: string;
}

export interface ShamirAggregatorRoundState {
  mode: "shamir";
  roundId: string;
  taskId: string;
  index: number;
  modelCid: string;
  stage: ShamirAggregatorStage;
  /** Submitted manifests by lower-case client address. */
  submissions: Record<string, SubmissionRecord>;
  /** Posted share-sums by lower-case server address. */
  shareSums: Record<string, ShareSumRecord>;
  /** When Aggregation closes (unix seconds), from the PhaseChanged that opened it. */
  aggregationDeadline?: number;
  aggregateCid?: string;
  newModelCid?: string;
  /** Verification (VerificationStarted): the aggregate's block, whose hash gives σ, and how many must commit. */
  aggregateBlock?: number;
  includedCount?: number;
  /** T as posted (packed int64 hex), which settle must repeat. */
  batchSums?: string;
  committedCount?: number;
  outcome?: VerificationOutcome;
  failureReason?: FailureReason;
}

export type ShamirAggregatorAction =
  | {
      type: "reconstruct";
      roundId: bigint;
      taskId: bigint;
      modelCid: string;
      /** The frozen set, in the order the contract announced it. */
      submissions: SubmissionRecord[];
      /** Share-sums seen so far, by server index (the performer re-reads the chain while it waits). */
      shareSums: ShareSumRecord[];
      aggregationDeadline?: number;
    }
  | { type: "post-batch-sums"; roundId: bigint; aggregateBlock: number }
  | { type: "settle"; roundId: bigint; batchSums: string }
  | { type: "claim"; roundId: bigint };

export const SHAMIR_AGGREGATOR_HANDLER_STAGES = {
  recordSubmission: ["collecting"],
  openAggregation: ["collecting"],
  recordShareSum: ["collecting", "aggregating"],
  confirmAggregate: ["aggregating"],
  startVerification: ["posted"],
  confirmBatchSums: ["batch-sums"],
  recordCommitment: ["commitments"],
  settleVerification: ["posted", "batch-sums", "commitments"],
  confirmClaim: ["claiming"],
  closeRound: ["collecting", "aggregating", "posted"],
} as const satisfies StageTable<string, ShamirAggregatorStage>;
export type ShamirAggregatorHandler = keyof typeof SHAMIR_AGGREGATOR_HANDLER_STAGES;

const ROLE = "ShamirAggregator";
const check = (handler: ShamirAggregatorHandler, state: ShamirAggregatorRoundState): void =>
  assertStage(ROLE, handler, state.stage, SHAMIR_AGGREGATOR_HANDLER_STAGES[handler]);

export function startShamirAggregatorRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }): ShamirAggregatorRoundState {
  return {
    mode: "shamir",
    roundId: event.roundId.toString(),
    taskId: event.taskId.toString(),
    index: Number(event.index),
    modelCid: event.modelCid,
    stage: "collecting",
    submissions: {},
    shareSums: {},
  };
}

export const shamirAggregatorHandlers = {
  recordSubmission(state: ShamirAggregatorRoundState, submission: SubmissionRecord): ShamirAggregatorRoundState {
    check("recordSubmission", state);
    return { ...state, submissions: { ...state.submissions, [submission.client.toLowerCase()]: submission } };
  },
  openAggregation(state: ShamirAggregatorRoundState, deadline: number): ShamirAggregatorRoundState {
    check("openAggregation", state);
    return { ...state, stage: "aggregating", aggregationDeadline: deadline };
  },
  recordShareSum(state: ShamirAggregatorRoundState, shareSum: ShareSumRecord): ShamirAggregatorRoundState {
    check("recordShareSum", state);
    return { ...state, shareSums: { ...state.shareSums, [shareSum.server.toLowerCase()]: shareSum } };
  },
  confirmAggregate(state: ShamirAggregatorRoundState, posted: { aggregateCid: string; modelCid: string }): ShamirAggregatorRoundState {
    check("confirmAggregate", state);
    return { ...state, stage: "posted", aggregateCid: posted.aggregateCid, newModelCid: posted.modelCid };
  },
  startVerification(state: ShamirAggregatorRoundState, started: { aggregateBlock: number; includedCount: number }): ShamirAggregatorRoundState {
    check("startVerification", state);
    return { ...state, ...started, stage: "batch-sums" };
  },
  confirmBatchSums(state: ShamirAggregatorRoundState, batchSums: string): ShamirAggregatorRoundState {
    check("confirmBatchSums", state);
    return { ...state, batchSums, committedCount: 0, stage: "commitments" };
  },
  recordCommitment(state: ShamirAggregatorRoundState, committedCount: number): ShamirAggregatorRoundState {
    check("recordCommitment", state);
    return { ...state, committedCount };
  },
  /** Only a passed round owes the aggregator anything; any other outcome ends its round here. */
  settleVerification(state: ShamirAggregatorRoundState, outcome: SettledOutcome): ShamirAggregatorRoundState {
    check("settleVerification", state);
    const failureReason = verificationOutcomeFailure(outcome);
    return failureReason === FailureReason.None ? { ...state, outcome, stage: "claiming" } : { ...state, outcome, failureReason, stage: "failed" };
  },
  confirmClaim(state: ShamirAggregatorRoundState): ShamirAggregatorRoundState {
    check("confirmClaim", state);
    return { ...state, stage: "finalized" };
  },
  closeRound(state: ShamirAggregatorRoundState, outcome: { finalized: true } | { finalized: false; reason: FailureReason }): ShamirAggregatorRoundState {
    check("closeRound", state);
    return outcome.finalized ? { ...state, stage: "finalized" } : { ...state, stage: "failed", failureReason: outcome.reason };
  },
} satisfies Record<ShamirAggregatorHandler, (state: ShamirAggregatorRoundState, ...rest: never[]) => ShamirAggregatorRoundState>;

export function shamirAggregatorPendingAction(state: ShamirAggregatorRoundState): ShamirAggregatorAction | undefined {
  const roundId = BigInt(state.roundId);
  switch (state.stage) {
    case "aggregating":
      return {
        type: "reconstruct",
        roundId,
        taskId: BigInt(state.taskId),
        modelCid: state.modelCid,
        submissions: Object.values(state.submissions),
        shareSums: Object.values(state.shareSums).sort((a, b) => a.serverIndex - b.serverIndex),
        ...(state.aggregationDeadline === undefined ? {} : { aggregationDeadline: state.aggregationDeadline }),
      };
    case "batch-sums":
      return state.aggregateBlock === undefined ? undefined : { type: "post-batch-sums", roundId, aggregateBlock: state.aggregateBlock };
    case "commitments":
      // Before the deadline the contract settles only once everyone committed; after it, any keeper settles.
      return state.batchSums !== undefined && state.includedCount !== undefined && (state.committedCount ?? 0) >= state.includedCount
        ? { type: "settle", roundId, batchSums: state.batchSums }
        : undefined;
    case "claiming":
      return { type: "claim", roundId };
    default:
      return undefined;
  }
}

export function routeShamirAggregatorEvent(
  rounds: Readonly<Record<string, ShamirAggregatorRoundState>>,
  event: CoordinatorEvent,
  isServedShamirTask: (taskId: string) => boolean,
  /** This aggregator's account, to recognise its own RewardClaimed. */
  aggregatorAddress?: string,
): ShamirAggregatorRoundState | undefined {
  if (event.type === "RoundOpened") {
    if (!isServedShamirTask(event.taskId.toString()) || rounds[event.roundId.toString()]) return undefined;
    return startShamirAggregatorRound(event);
  }
  if (!("roundId" in event)) return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const can = (handler: ShamirAggregatorHandler): boolean => stageAllows(SHAMIR_AGGREGATOR_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "UpdateSubmitted":
      return can("recordSubmission")
        ? shamirAggregatorHandlers.recordSubmission(state, {
            client: event.client,
            cid: event.cid,
            contentHash: event.contentHash,
            numSamples: event.numSamples.toString(),
            loss: event.loss.toString(),
          })
        : undefined;
    case "PhaseChanged":
      return event.current === Phase.Aggregation && can("openAggregation") ? shamirAggregatorHandlers.openAggregation(state, Number(event.deadline)) : undefined;
    case "ShareSumPosted":
      return can("recordShareSum")
        ? shamirAggregatorHandlers.recordShareSum(state, { server: event.server, serverIndex: Number(event.serverIndex), cid: event.cid, contentHash: event.contentHash })
        : undefined;
    case "AggregatePosted":
      return can("confirmAggregate") ? shamirAggregatorHandlers.confirmAggregate(state, { aggregateCid: event.aggregateCid, modelCid: event.modelCid }) : undefined;
    case "VerificationStarted":
      return can("startVerification")
        ? shamirAggregatorHandlers.startVerification(state, { aggregateBlock: Number(event.aggregateBlock), includedCount: Number(event.includedCount) })
        : undefined;
    case "BatchSumsPosted":
      return can("confirmBatchSums") ? shamirAggregatorHandlers.confirmBatchSums(state, event.batchSums) : undefined;
    case "CommitmentPosted":
      return can("recordCommitment") ? shamirAggregatorHandlers.recordCommitment(state, Number(event.committedCount)) : undefined;
    case "VerificationSettled":
      return isSettledOutcome(event.outcome) && can("settleVerification") ? shamirAggregatorHandlers.settleVerification(state, event.outcome) : undefined;
    case "RewardClaimed":
      return can("confirmClaim") && event.account.toLowerCase() === aggregatorAddress?.toLowerCase() ? shamirAggregatorHandlers.confirmClaim(state) : undefined;
    case "RoundFinalized":
      return can("closeRound") ? shamirAggregatorHandlers.closeRound(state, { finalized: true }) : undefined;
    case "RoundFailed":
      return can("closeRound") ? shamirAggregatorHandlers.closeRound(state, { finalized: false, reason: event.reason }) : undefined;
    default:
      return undefined;
  }
}
