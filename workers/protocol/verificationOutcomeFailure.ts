// How a verification outcome ends the round on the coordinator's side (FedmashVerifier._failureReason), and which
// outcomes pay the committed clients, so the workers' machines close their rounds without waiting for, or
// re-deriving, the coordinator's event.
import { FailureReason, VerificationOutcome } from "./enums";

/** An outcome `settle` reaches; `None` (unsettled) and `Released` (no verification ran) are not among them. */
export type SettledOutcome = Exclude<VerificationOutcome, typeof VerificationOutcome.None | typeof VerificationOutcome.Released>;

export function isSettledOutcome(outcome: VerificationOutcome): outcome is SettledOutcome {
  return outcome !== VerificationOutcome.None && outcome !== VerificationOutcome.Released;
}

/** The coordinator's FailureReason for a settled outcome; None means the round finalized. */
export function verificationOutcomeFailure(outcome: SettledOutcome): FailureReason {
  switch (outcome) {
    case VerificationOutcome.Passed:
      return FailureReason.None;
    case VerificationOutcome.Failed:
      return FailureReason.VerificationFailed;
    case VerificationOutcome.BatchSumsMissing:
      return FailureReason.AggregatorMissing;
    case VerificationOutcome.CommitmentsMissing:
      return FailureReason.CommitmentsMissing;
    case VerificationOutcome.FraudProven:
      return FailureReason.AggregateFraudProven;
    case VerificationOutcome.SeedExpired:
      return FailureReason.SeedExpired;
  }
}

/** Whether a client that committed is owed its reward: the round passed, or failed only for others' missing commitments. */
export function outcomePaysCommittedClients(outcome: VerificationOutcome): boolean {
  return outcome === VerificationOutcome.Passed || outcome === VerificationOutcome.CommitmentsMissing;
}
