// The Verification stage of a secure-mode client (MASH or Shamir), as a part of its machine's stage table: the
// stages it adds, its handlers, and which stages each handler accepts. Which stages count as "included" (a client
// whose update is in the aggregate) is the composing machine's business, so the table is built from them.
import type { StageTable } from "../stage";

/** T arrived (check and commitment owed), committed, reward owed; then the ends. */
export const VERIFICATION_CLIENT_STAGES = ["verifying", "committed", "claiming", "finalized", "failed"] as const;
export type VerificationClientStage = (typeof VERIFICATION_CLIENT_STAGES)[number];

export const VERIFICATION_CLIENT_HANDLERS = [
  "recordAggregate",
  "startVerification",
  "receiveBatchSums",
  "refuseAggregate",
  "confirmCommitment",
  "settleVerification",
  "confirmClaim",
  "closeRound",
] as const;
export type VerificationClientHandler = (typeof VERIFICATION_CLIENT_HANDLERS)[number];

export type VerificationClientStageTable<Stage extends string> = StageTable<VerificationClientHandler, Stage>;

export interface VerificationClientStageTableParameters<Stage extends string> {
  /** Every stage of the composing machine. */
  stages: readonly Stage[];
  /** The stages of a client whose update is in the aggregate, before T arrives. */
  included: readonly Stage[];
}

export type VerificationClientStageTableReturnType<Stage extends string> = VerificationClientStageTable<Stage | VerificationClientStage>;

export function verificationClientStageTable<Stage extends string>(
  parameters: VerificationClientStageTableParameters<Stage>,
): VerificationClientStageTableReturnType<Stage> {
  const { stages, included } = parameters;
  // A reward being claimed is not given up because the round closed (it closes in the same transaction).
  const active = stages.filter((stage) => stage !== "finalized" && stage !== "failed" && stage !== "claiming");
  return {
    recordAggregate: included,
    startVerification: included,
    receiveBatchSums: included,
    refuseAggregate: ["verifying"],
    confirmCommitment: ["verifying"],
    settleVerification: [...included, "verifying", "committed"],
    confirmClaim: ["claiming"],
    closeRound: active,
  };
}
