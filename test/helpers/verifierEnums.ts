// TypeScript mirrors of FedmashVerifier's enums (contracts/interfaces/IFedmashVerifier.sol) and of the coordinator
// failure reasons the verifier hands back, for the contract tests. The values are the ABI encoding.

export const Stage = { None: 0, Reserved: 1, BatchSums: 2, Commitments: 3, Settled: 4 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export const Outcome = {
  None: 0,
  Passed: 1,
  Failed: 2,
  BatchSumsMissing: 3,
  CommitmentsMissing: 4,
  Disputed: 5,
  Released: 6,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * The FailureReason values IFedmashCoordinator gained with the verifier, after `Cancelled` (6); the older ones are
 * in workers/protocol/enums.ts.
 */
export const VerifierFailureReason = { CommitmentsMissing: 7, AggregateDisputed: 8 } as const;
