// The Shamir-mode client as an explicit state machine, one serializable state per round. Joining and Submission
// are as in plain mode, except that what it submits is a manifest of n encrypted Shamir shares, one per server;
// the submitted set is frozen when Aggregation starts, so a client still training then is out of the round.
// Once included it has the same Verification duties as a MASH client: check the published aggregate against T
// (dispute on a difference), commit to the batch sums of its own quantized update, and claim when the outcome
// pays. Pure: handlers return the next state and `shamirClientPendingAction` names the side effect a stage still
// owes, so a restarted worker redoes it.
import { FailureReason, Phase, VerificationOutcome } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { isSettledOutcome, outcomePaysCommittedClients, verificationOutcomeFailure, type SettledOutcome } from "../verificationOutcomeFailure";

export const SHAMIR_CLIENT_STAGES = [
  "awaiting-join",
  "joined",
  "training",
  "submitted",
  // once included: T arrived (check and commitment owed), committed, reward owed
  "verifying",
  "committed",
  "claiming",
  // ends
  "refused",
  "left-out",
  "excluded",
  "finalized",
  "failed",
] as const;
export type ShamirClientStage = (typeof SHAMIR_CLIENT_STAGES)[number];

export interface ShamirClientRoundState {
  roundId: string;
  taskId: string;
  index: number;
  modelCid: string;
  stage: ShamirClientStage;
  /** The manifest CID this client submitted. */
  updateCid?: string;
  aggregateCid?: string;
  aggregateHash?: string;
  newModelCid?: string;
  /** Verification (VerificationStarted): the block whose hash gives σ. */
  aggregateBlock?: number;
  /** Verification: T (packed int64 hex), σ as the contract fixed it, and T's block, whose hash gives σ_w. */
  batchSums?: string;
  sampleSeed?: string;
  batchSumsBlock?: number;
  disputed?: boolean;
  outcome?: VerificationOutcome;
  /** Why this client refused the round's input model (ModelRefusedError's reason); it did not join. */
  refusal?: string;
  failureReason?: FailureReason;
}

export type ShamirClientAction =
  | { type: "join"; roundId: bigint }
  | { type: "train-and-submit"; roundId: bigint; modelCid: string }
  | { type: "verify-and-commit"; roundId: bigint; batchSums: string; sampleSeed: string; batchSumsBlock: number; aggregateBlock?: number }
  | { type: "claim"; roundId: bigint };

// A reward being claimed is not given up because the round closed (it closes in the same transaction).
const ACTIVE: readonly ShamirClientStage[] = SHAMIR_CLIENT_STAGES.filter((stage) => stage !== "finalized" && stage !== "failed" && stage !== "claiming");

export const SHAMIR_CLIENT_HANDLER_STAGES = {
  confirmJoin: ["awaiting-join"],
  missJoin: ["awaiting-join"],
  refuseModel: ["awaiting-join"],
  openSubmission: ["joined"],
  confirmSubmission: ["training"],
  closeSubmission: ["training"],
  recordAggregate: ["submitted"],
  startVerification: ["submitted"],
  receiveBatchSums: ["submitted"],
  recordDispute: ["verifying"],
  confirmCommitment: ["verifying"],
  settleVerification: ["submitted", "verifying", "committed"],
  confirmClaim: ["claiming"],
  closeRound: ACTIVE,
} as const satisfies StageTable<string, ShamirClientStage>;
export type ShamirClientHandler = keyof typeof SHAMIR_CLIENT_HANDLER_STAGES;

const ROLE = "ShamirClient";
const check = (handler: ShamirClientHandler, state: ShamirClientRoundState): void =>
  assertStage(ROLE, handler, state.stage, SHAMIR_CLIENT_HANDLER_STAGES[handler]);

export function startShamirClientRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }): ShamirClientRoundState {
  return { roundId: event.roundId.toString(), taskId: event.taskId.toString(), index: Number(event.index), modelCid: event.modelCid, stage: "awaiting-join" };
}

export const shamirClientHandlers = {
  confirmJoin(state: ShamirClientRoundState): ShamirClientRoundState {
    check("confirmJoin", state);
    return { ...state, stage: "joined" };
  },
  /** Joining closed (round full or deadline) without this client. */
  missJoin(state: ShamirClientRoundState): ShamirClientRoundState {
    check("missJoin", state);
    return { ...state, stage: "left-out" };
  },
  /** The round's input model failed checkInputModel: the client does not join and does not train. */
  refuseModel(state: ShamirClientRoundState, reason: string): ShamirClientRoundState {
    check("refuseModel", state);
    return { ...state, stage: "refused", refusal: reason };
  },
  openSubmission(state: ShamirClientRoundState): ShamirClientRoundState {
    check("openSubmission", state);
    return { ...state, stage: "training" };
  },
  confirmSubmission(state: ShamirClientRoundState, updateCid: string): ShamirClientRoundState {
    check("confirmSubmission", state);
    return { ...state, stage: "submitted", updateCid };
  },
  /** Aggregation started before this client submitted: the frozen set does not contain it. */
  closeSubmission(state: ShamirClientRoundState): ShamirClientRoundState {
    check("closeSubmission", state);
    return { ...state, stage: "excluded" };
  },
  recordAggregate(state: ShamirClientRoundState, posted: { aggregateCid: string; aggregateHash: string; modelCid: string }): ShamirClientRoundState {
    check("recordAggregate", state);
    return { ...state, aggregateCid: posted.aggregateCid, aggregateHash: posted.aggregateHash, newModelCid: posted.modelCid };
  },
  startVerification(state: ShamirClientRoundState, aggregateBlock: number): ShamirClientRoundState {
    check("startVerification", state);
    return { ...state, aggregateBlock };
  },
  /** T is on-chain: this included client now owes the aggregate check (and a dispute on a difference) and its commitment. */
  receiveBatchSums(state: ShamirClientRoundState, posted: { batchSums: string; sampleSeed: string; batchSumsBlock: number }): ShamirClientRoundState {
    check("receiveBatchSums", state);
    return { ...state, ...posted, stage: "verifying" };
  },
  recordDispute(state: ShamirClientRoundState): ShamirClientRoundState {
    check("recordDispute", state);
    return { ...state, disputed: true };
  },
  confirmCommitment(state: ShamirClientRoundState): ShamirClientRoundState {
    check("confirmCommitment", state);
    return { ...state, stage: "committed" };
  },
  /** The verifier settled: a committed client owed a reward claims it; otherwise the round ends here. */
  settleVerification(state: ShamirClientRoundState, outcome: SettledOutcome): ShamirClientRoundState {
    check("settleVerification", state);
    const failureReason = verificationOutcomeFailure(outcome);
    const settled = { ...state, outcome, ...(failureReason === FailureReason.None ? {} : { failureReason }) };
    if (state.stage === "committed" && outcomePaysCommittedClients(outcome)) return { ...settled, stage: "claiming" };
    return { ...settled, stage: failureReason === FailureReason.None ? "finalized" : "failed" };
  },
  confirmClaim(state: ShamirClientRoundState): ShamirClientRoundState {
    check("confirmClaim", state);
    return { ...state, stage: state.outcome === VerificationOutcome.Passed ? "finalized" : "failed" };
  },
  closeRound(
    state: ShamirClientRoundState,
    outcome: { finalized: true; modelCid: string } | { finalized: false; reason: FailureReason },
  ): ShamirClientRoundState {
    check("closeRound", state);
    return outcome.finalized
      ? { ...state, stage: "finalized", newModelCid: outcome.modelCid }
      : { ...state, stage: "failed", failureReason: outcome.reason };
  },
} satisfies Record<ShamirClientHandler, (state: ShamirClientRoundState, ...rest: never[]) => ShamirClientRoundState>;

export function shamirClientPendingAction(state: ShamirClientRoundState): ShamirClientAction | undefined {
  const roundId = BigInt(state.roundId);
  switch (state.stage) {
    case "awaiting-join":
      return { type: "join", roundId };
    case "training":
      return { type: "train-and-submit", roundId, modelCid: state.modelCid };
    case "verifying":
      if (state.batchSums === undefined || state.sampleSeed === undefined || state.batchSumsBlock === undefined) return undefined;
      return {
        type: "verify-and-commit",
        roundId,
        batchSums: state.batchSums,
        sampleSeed: state.sampleSeed,
        batchSumsBlock: state.batchSumsBlock,
        ...(state.aggregateBlock === undefined ? {} : { aggregateBlock: state.aggregateBlock }),
      };
    case "claiming":
      return { type: "claim", roundId };
    default:
      return undefined;
  }
}

export interface ShamirClientContext {
  address: string;
  taskId: bigint;
}

const same = (a: string, b: string | undefined): boolean => b !== undefined && a.toLowerCase() === b.toLowerCase();

/** Maps a chain event to the handler it triggers for this client, or undefined when it does not concern it. */
export function routeShamirClientEvent(
  rounds: Readonly<Record<string, ShamirClientRoundState>>,
  event: CoordinatorEvent,
  context: ShamirClientContext,
): ShamirClientRoundState | undefined {
  const self = context.address;
  if (event.type === "RoundOpened") {
    if (event.taskId !== context.taskId || rounds[event.roundId.toString()]) return undefined;
    return startShamirClientRound(event);
  }
  if (!("roundId" in event)) return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const can = (handler: ShamirClientHandler): boolean => stageAllows(SHAMIR_CLIENT_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "ClientJoined":
      return same(self, event.client) && can("confirmJoin") ? shamirClientHandlers.confirmJoin(state) : undefined;
    case "PhaseChanged":
      if (event.previous === Phase.Joining && event.current !== Phase.Failed && can("missJoin")) return shamirClientHandlers.missJoin(state);
      if (event.previous === Phase.Joining && event.current === Phase.Submission && can("openSubmission")) return shamirClientHandlers.openSubmission(state);
      if (event.previous === Phase.Submission && event.current === Phase.Aggregation && can("closeSubmission")) return shamirClientHandlers.closeSubmission(state);
      return undefined;
    case "UpdateSubmitted":
      return same(self, event.client) && can("confirmSubmission") ? shamirClientHandlers.confirmSubmission(state, event.cid) : undefined;
    case "AggregatePosted":
      return can("recordAggregate")
        ? shamirClientHandlers.recordAggregate(state, { aggregateCid: event.aggregateCid, aggregateHash: event.aggregateHash, modelCid: event.modelCid })
        : undefined;
    case "VerificationStarted":
      return can("startVerification") ? shamirClientHandlers.startVerification(state, Number(event.aggregateBlock)) : undefined;
    case "BatchSumsPosted":
      return can("receiveBatchSums")
        ? shamirClientHandlers.receiveBatchSums(state, { batchSums: event.batchSums, sampleSeed: event.sampleSeed, batchSumsBlock: event.blockNumber })
        : undefined;
    case "AggregateDisputed":
      return same(self, event.client) && can("recordDispute") ? shamirClientHandlers.recordDispute(state) : undefined;
    case "CommitmentPosted":
      return same(self, event.client) && can("confirmCommitment") ? shamirClientHandlers.confirmCommitment(state) : undefined;
    case "VerificationSettled":
      return isSettledOutcome(event.outcome) && can("settleVerification") ? shamirClientHandlers.settleVerification(state, event.outcome) : undefined;
    case "RewardClaimed":
      return same(self, event.account) && can("confirmClaim") ? shamirClientHandlers.confirmClaim(state) : undefined;
    case "RoundFinalized":
      return can("closeRound") ? shamirClientHandlers.closeRound(state, { finalized: true, modelCid: event.modelCid }) : undefined;
    case "RoundFailed":
      return can("closeRound") ? shamirClientHandlers.closeRound(state, { finalized: false, reason: event.reason }) : undefined;
    default:
      return undefined;
  }
}
