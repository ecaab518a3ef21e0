// FedmashVerifier's enums for the contract tests, under the Solidity names (contracts/interfaces/IFedmashVerifier.sol,
// IFedmashCoordinator.sol). They are spelled out here rather than re-exported from workers/protocol/enums.ts so that
// the contract tests follow the contracts' own numbering: `Challenge` (5) was appended after `Settled`, and outcome 5
// is `FraudProven` where it was `Disputed`.
import { FailureReason } from "../../workers/protocol/enums";

/** IFedmashVerifier.Stage. */
export const Stage = { None: 0, Reserved: 1, BatchSums: 2, Commitments: 3, Settled: 4, Challenge: 5 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** IFedmashVerifier.Outcome. */
export const Outcome = {
  None: 0,
  Passed: 1,
  Failed: 2,
  BatchSumsMissing: 3,
  CommitmentsMissing: 4,
  FraudProven: 5,
  Released: 6,
  SeedExpired: 7,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The FailureReason values IFedmashCoordinator gained with the verifier, after `Cancelled` (6). */
export const VerifierFailureReason = {
  CommitmentsMissing: FailureReason.CommitmentsMissing,
  /** Index 8, formerly `AggregateDisputed`: a challenge proved the Mash aggregate wrong. */
  AggregateFraudProven: 8,
} as const;
