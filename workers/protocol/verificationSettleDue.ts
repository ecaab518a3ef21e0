// When does a keeper call FedmashVerifier.settle, and with what: once the current stage's deadline passed. In a
// MASH round's `Challenge` stage (the fraud-proof window) and in `BatchSums`, where T is missing, so the batch sums argument is ignored and may be empty; in `Commitments` the posted
// T must be given (the contract checks its hash). Settling before the deadline, once every included client
// committed, is the aggregator's own step, not a keeper's. Pure, like isAdvanceDue, so every worker with keeper
// duty settles the same rounds at the same time.
import { VerificationStage } from "./enums";

export interface VerificationSettleDueParameters {
  stage: VerificationStage;
  /** The stage's deadline (unix seconds). */
  deadline: bigint;
  /** Latest time, seconds. */
  now: bigint;
}

/** "without-batch-sums": settle with empty bytes; "with-batch-sums": settle with the posted T; undefined: not due. */
export type VerificationSettleDueReturnType = "without-batch-sums" | "with-batch-sums" | undefined;

export function verificationSettleDue(parameters: VerificationSettleDueParameters): VerificationSettleDueReturnType {
  const { stage, deadline, now } = parameters;
  // The contract accepts actions up to and including the deadline, so settling is due strictly after it.
  if (deadline <= 0n || now <= deadline) return undefined;
  // A MASH challenge window that closed without a proven fraud: settle passes the round.
  if (stage === VerificationStage.BatchSums || stage === VerificationStage.Challenge) return "without-batch-sums";
  if (stage === VerificationStage.Commitments) return "with-batch-sums";
  return undefined;
}
