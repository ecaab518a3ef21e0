// The Verification stage's handlers of a secure-mode aggregator (MASH or Shamir): its aggregate posted, then
// (Shamir) T under the aggregate's block and the commitments counted, or (MASH) the challenge window, and the verifier's outcome, through its own reward claim when
// the round passed. Built per machine so stage errors name that machine's role. Pure: each handler checks the
// stage and returns the next state.
import { FailureReason, type VerificationOutcome } from "../enums";
import { assertStage } from "../stage";
import { verificationOutcomeFailure, type SettledOutcome } from "../verificationOutcomeFailure";
import { VERIFICATION_AGGREGATOR_HANDLER_STAGES, type VerificationAggregatorHandler, type VerificationAggregatorStageTable } from "./verificationAggregatorStageTable";

/** What the Verification stage reads and writes of an aggregator's round state. */
export interface VerificationAggregatorRound {
  roundId: string;
  stage: string;
  aggregateCid?: string;
  newModelCid?: string;
  /** Verification (VerificationStarted): the aggregate's block, whose hash gives σ, and how many must commit. */
  aggregateBlock?: number;
  includedCount?: number;
  /** T as posted (packed int64 hex), which settle must repeat. */
  batchSums?: string;
  committedCount?: number;
  /** MASH: the end of the challenge window (unix seconds). */
  challengeDeadline?: number;
  outcome?: VerificationOutcome;
  failureReason?: FailureReason;
}

export type VerificationAggregatorRoundClose = { finalized: true } | { finalized: false; reason: FailureReason };

export interface VerificationAggregatorHandlers<State extends VerificationAggregatorRound> {
  confirmAggregate(state: State, posted: { aggregateCid: string; modelCid: string }): State;
  startVerification(state: State, started: { aggregateBlock: number; includedCount: number }): State;
  /** MASH: the aggregate may be challenged until `deadline`; a keeper settles it after (nothing owed meanwhile). */
  openChallengeWindow(state: State, started: { aggregateBlock: number; includedCount: number; deadline: number }): State;
  confirmBatchSums(state: State, batchSums: string): State;
  recordCommitment(state: State, committedCount: number): State;
  /** Only a passed round owes the aggregator anything; any other outcome ends its round here. */
  settleVerification(state: State, outcome: SettledOutcome): State;
  confirmClaim(state: State): State;
  closeRound(state: State, outcome: VerificationAggregatorRoundClose): State;
}

export interface VerificationAggregatorHandlersParameters {
  /** The composing machine's role, named by its stage errors. */
  role: string;
  /** The composing machine's table, when it widens the shared one (MASH: its challenge window). */
  stages?: VerificationAggregatorStageTable;
}

export function verificationAggregatorHandlers<State extends VerificationAggregatorRound>(
  parameters: VerificationAggregatorHandlersParameters,
): VerificationAggregatorHandlers<State> {
  const { role } = parameters;
  const stages: VerificationAggregatorStageTable = parameters.stages ?? VERIFICATION_AGGREGATOR_HANDLER_STAGES;
  const check = (handler: VerificationAggregatorHandler, state: State): void => assertStage<string>(role, handler, state.stage, stages[handler]);
  return {
    confirmAggregate(state, posted) {
      check("confirmAggregate", state);
      return { ...state, stage: "posted", aggregateCid: posted.aggregateCid, newModelCid: posted.modelCid };
    },
    startVerification(state, started) {
      check("startVerification", state);
      return { ...state, ...started, stage: "batch-sums" };
    },
    openChallengeWindow(state, started) {
      check("openChallengeWindow", state);
      return { ...state, aggregateBlock: started.aggregateBlock, includedCount: started.includedCount, challengeDeadline: started.deadline, stage: "challenge" };
    },
    confirmBatchSums(state, batchSums) {
      check("confirmBatchSums", state);
      return { ...state, batchSums, committedCount: 0, stage: "commitments" };
    },
    recordCommitment(state, committedCount) {
      check("recordCommitment", state);
      return { ...state, committedCount };
    },
    settleVerification(state, outcome) {
      check("settleVerification", state);
      const failureReason = verificationOutcomeFailure(outcome);
      return failureReason === FailureReason.None ? { ...state, outcome, stage: "claiming" } : { ...state, outcome, failureReason, stage: "failed" };
    },
    confirmClaim(state) {
      check("confirmClaim", state);
      return { ...state, stage: "finalized" };
    },
    closeRound(state, outcome) {
      check("closeRound", state);
      return outcome.finalized ? { ...state, stage: "finalized" } : { ...state, stage: "failed", failureReason: outcome.reason };
    },
  };
}
