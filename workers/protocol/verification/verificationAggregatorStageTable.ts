// The Verification stage of a secure-mode aggregator (MASH or Shamir), as a part of its machine's stage table: from
// the aggregate being made ("aggregating", the composing machine's last own stage) through T and the commitments
// (Shamir) or the challenge window (MASH) and the settlement to its reward. A round may close without verification until VerificationStarted, including
// while the machine still collects ("collecting", its first stage).
import type { StageTable } from "../stage";

/** Aggregate posted, T owed, commitments awaited, reward owed; then the ends (MASH adds "challenge", its own table). */
export const VERIFICATION_AGGREGATOR_STAGES = ["posted", "batch-sums", "commitments", "claiming", "finalized", "failed"] as const;
export type VerificationAggregatorStage = (typeof VERIFICATION_AGGREGATOR_STAGES)[number];

/** The composing machine's own stages that the Verification stage's table names. */
export type AggregatorPreparationStage = "collecting" | "aggregating";

export const VERIFICATION_AGGREGATOR_HANDLER_STAGES = {
  confirmAggregate: ["aggregating"],
  startVerification: ["posted"],
  // MASH only (its machine's table allows it from "posted"): Shamir rounds never open a challenge window.
  openChallengeWindow: [],
  confirmBatchSums: ["batch-sums"],
  recordCommitment: ["commitments"],
  settleVerification: ["posted", "batch-sums", "commitments"],
  confirmClaim: ["claiming"],
  closeRound: ["collecting", "aggregating", "posted"],
} as const satisfies StageTable<string, AggregatorPreparationStage | VerificationAggregatorStage>;
export type VerificationAggregatorHandler = keyof typeof VERIFICATION_AGGREGATOR_HANDLER_STAGES;
/** A composing machine's version of the table (MASH widens it to its challenge window). */
export type VerificationAggregatorStageTable = Readonly<Record<VerificationAggregatorHandler, readonly string[]>>;
