// FedmashVerifier's enums for the contract tests: the same mirrors the workers use (workers/protocol/enums.ts),
// under the Solidity names, so a reordering in Solidity has one TypeScript place to follow.
import { FailureReason } from "../../workers/protocol/enums";

export { VerificationOutcome as Outcome, VerificationStage as Stage } from "../../workers/protocol/enums";

/** The FailureReason values IFedmashCoordinator gained with the verifier, after `Cancelled` (6). */
export const VerifierFailureReason = {
  CommitmentsMissing: FailureReason.CommitmentsMissing,
  AggregateDisputed: FailureReason.AggregateDisputed,
} as const;
