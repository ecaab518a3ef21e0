// Plain-language explanations of the enum values a round shows (phase, failure reason, verification outcome), so
// the explorer page says what happened and who was responsible instead of printing an enum name.
import type { FailureReasonName, PhaseName, VerificationOutcomeName } from "../status/statusSnapshot";

const PHASES: Record<PhaseName, string> = {
  None: "Not opened.",
  Joining: "Registered clients join the round.",
  Grouping: "The holder and the groups are drawn from the hash of the block after Joining closed; then the holder posts its Paillier key.",
  Shuffle: "Group members pass their encrypted seeds along the chain; leaders post the group sums.",
  Submission: "Clients train on the global model and submit their (masked) updates.",
  Completion: "The holder decrypts the included groups' sum and submits its own masked update.",
  Aggregation: "The aggregator combines the updates and posts the aggregate and the new model.",
  Verification: "MASH: anyone may challenge one leaf of the aggregate until the window closes, then anyone settles. Shamir: the aggregator posts batch sums, included clients commit, anyone settles.",
  Finalized: "The round is over; its model is the task's current model.",
  Failed: "The round ended without a new model.",
};

const FAILURES: Record<FailureReasonName, string> = {
  None: "",
  NotEnoughClients: "Not enough clients joined (or, in MASH, no group posted its sum) before the deadline.",
  NoSubmissions: "No usable update was submitted before the deadline (in MASH: no group was complete).",
  AggregatorMissing: "The aggregator did not post the aggregate (or its batch sums) in time; its bond is slashed when it was locked.",
  HolderMissing: "The total-sum holder did not post its key or its masked update in time.",
  VerificationFailed: "The verification check failed: the aggregate does not match the clients' commitments, so the aggregator was slashed.",
  Cancelled: "The task owner cancelled the round.",
  CommitmentsMissing: "Some included clients did not commit in time, so the check could not run; nobody was slashed.",
  AggregateFraudProven: "A challenger proved on-chain that the published aggregate is not the sum of the included vectors; the aggregator was slashed.",
  ServersMissing: "Fewer Shamir servers than the threshold posted their share-sums in time.",
  TooFewIncluded: "Fewer updates than the task's minIncluded would have been summed, so nothing was unmasked or summed.",
  DrawExpired: "Nobody drew the groups within 256 blocks of the draw block, whose hash then expired; the draw is never re-rolled, so the round failed.",
  SeedExpired: "Nobody recorded the verification seed within 256 blocks of its block, whose hash then expired, so the round could not be verified; nobody was slashed.",
};

const OUTCOMES: Record<VerificationOutcomeName, string> = {
  None: "Not settled yet.",
  Passed: "No fraud was proven (MASH: the challenge window closed; Shamir: the aggregate matches the clients' commitments); rewards are claimable.",
  Failed: "The aggregate does not match the commitments; the aggregator's bond was slashed.",
  BatchSumsMissing: "The aggregator never posted its batch sums; its bond was slashed.",
  CommitmentsMissing: "Not every included client committed; clients that did are paid, nobody is slashed.",
  FraudProven: "A challenge proved the aggregate wrong: the aggregator's bond was slashed, half to the challenger, half to the included clients.",
  Released: "No verification ran (the round failed before its aggregate); the reserve went back to the pool.",
  SeedExpired: "A seed's block hash expired before anyone recorded it; nobody is paid or slashed, the reserve went back to the pool.",
};

export function explainPhase(phase: PhaseName): string {
  return PHASES[phase] ?? "";
}

export function explainFailure(reason: FailureReasonName): string {
  return FAILURES[reason] ?? `Failed (${reason}).`;
}

export function explainOutcome(outcome: VerificationOutcomeName): string {
  return OUTCOMES[outcome] ?? outcome;
}
