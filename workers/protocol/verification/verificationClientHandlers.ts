// The Verification stage's handlers of a secure-mode client (MASH or Shamir): record the published aggregate and
// T, a refusal of an aggregate that does not match T, or the own commitment, then end the round on the verifier's outcome, through the reward claim
// when the outcome pays a committed client. Built per machine so stage errors name that machine's role and its
// stage table. Pure: each handler checks the stage and returns the next state.
import { FailureReason, VerificationOutcome } from "../enums";
import { assertStage } from "../stage";
import { outcomePaysCommittedClients, verificationOutcomeFailure, type SettledOutcome } from "../verificationOutcomeFailure";
import type { VerificationClientHandler, VerificationClientStageTable } from "./verificationClientStageTable";

/** What the Verification stage reads and writes of a client's round state. */
export interface VerificationClientRound {
  roundId: string;
  stage: string;
  /** The published aggregate (AggregatePosted), once the round has one. */
  aggregateCid?: string;
  aggregateHash?: string;
  newModelCid?: string;
  /** Verification (VerificationStarted): the block whose hash gives σ. */
  aggregateBlock?: number;
  /** Verification: T (packed int64 hex), σ as the contract fixed it, and T's block, whose hash gives σ_w. */
  batchSums?: string;
  sampleSeed?: string;
  batchSumsBlock?: number;
  /** Shamir: the published aggregate does not match T, so this client refused to commit (the round ends CommitmentsMissing). */
  aggregateRefused?: boolean;
  outcome?: VerificationOutcome;
  failureReason?: FailureReason;
}

export type VerificationClientRoundClose = { finalized: true; modelCid: string } | { finalized: false; reason: FailureReason };

export interface VerificationClientHandlers<State extends VerificationClientRound> {
  recordAggregate(state: State, posted: { aggregateCid: string; aggregateHash: string; modelCid: string }): State;
  startVerification(state: State, aggregateBlock: number): State;
  /** T is on-chain: this included client now owes the aggregate check and, when it matches, its commitment. */
  receiveBatchSums(state: State, posted: { batchSums: string; sampleSeed: string; batchSumsBlock: number }): State;
  /** The aggregate does not match T: no commitment is owed (nor sent). */
  refuseAggregate(state: State): State;
  confirmCommitment(state: State): State;
  /** The verifier settled: a committed client owed a reward claims it; otherwise the round ends here. */
  settleVerification(state: State, outcome: SettledOutcome): State;
  confirmClaim(state: State): State;
  closeRound(state: State, outcome: VerificationClientRoundClose): State;
}

export interface VerificationClientHandlersParameters<State extends VerificationClientRound> {
  /** The composing machine's role, named by its stage errors. */
  role: string;
  /** The composing machine's stage table (its Verification part from verificationClientStageTable). */
  stages: VerificationClientStageTable<State["stage"]>;
}

export function verificationClientHandlers<State extends VerificationClientRound>(
  parameters: VerificationClientHandlersParameters<State>,
): VerificationClientHandlers<State> {
  const { role, stages } = parameters;
  const check = (handler: VerificationClientHandler, state: State): void => assertStage(role, handler, state.stage, stages[handler]);
  return {
    recordAggregate(state, posted) {
      check("recordAggregate", state);
      return { ...state, aggregateCid: posted.aggregateCid, aggregateHash: posted.aggregateHash, newModelCid: posted.modelCid };
    },
    startVerification(state, aggregateBlock) {
      check("startVerification", state);
      return { ...state, aggregateBlock };
    },
    receiveBatchSums(state, posted) {
      check("receiveBatchSums", state);
      return { ...state, ...posted, stage: "verifying" };
    },
    refuseAggregate(state) {
      check("refuseAggregate", state);
      return { ...state, aggregateRefused: true };
    },
    confirmCommitment(state) {
      check("confirmCommitment", state);
      return { ...state, stage: "committed" };
    },
    settleVerification(state, outcome) {
      check("settleVerification", state);
      const failureReason = verificationOutcomeFailure(outcome);
      const settled = { ...state, outcome, ...(failureReason === FailureReason.None ? {} : { failureReason }) };
      if (state.stage === "committed" && outcomePaysCommittedClients(outcome)) return { ...settled, stage: "claiming" };
      return { ...settled, stage: failureReason === FailureReason.None ? "finalized" : "failed" };
    },
    confirmClaim(state) {
      check("confirmClaim", state);
      return { ...state, stage: state.outcome === VerificationOutcome.Passed ? "finalized" : "failed" };
    },
    closeRound(state, outcome) {
      check("closeRound", state);
      return outcome.finalized
        ? { ...state, stage: "finalized", newModelCid: outcome.modelCid }
        : { ...state, stage: "failed", failureReason: outcome.reason };
    },
  };
}
