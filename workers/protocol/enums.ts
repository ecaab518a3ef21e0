// TypeScript mirrors of the contracts' Solidity enums. The numeric values are the ABI encoding, so the order here
// must match contracts/interfaces/IFedmashCoordinator.sol, IFedmashRegistry.sol and IFedmashVerifier.sol exactly
// (FailureReason is append-only: ServersMissing came with Shamir mode, TooFewIncluded with the included-set floor,
// DrawExpired with the draw that is never re-armed, SeedExpired with recordSeed; VerificationOutcome likewise;
// AggregateFraudProven and FraudProven took the numbers of the removed AggregateDisputed and Disputed).

export const Role = { None: 0, Client: 1, Aggregator: 2, Server: 3 } as const;
export type Role = (typeof Role)[keyof typeof Role];

export const Mode = { Plain: 0, Mash: 1, Shamir: 2 } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

export const Phase = {
  None: 0,
  Joining: 1,
  Grouping: 2,
  Shuffle: 3,
  Submission: 4,
  Completion: 5,
  Aggregation: 6,
  Verification: 7,
  Finalized: 8,
  Failed: 9,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export const FailureReason = {
  None: 0,
  NotEnoughClients: 1,
  NoSubmissions: 2,
  AggregatorMissing: 3,
  HolderMissing: 4,
  VerificationFailed: 5,
  Cancelled: 6,
  CommitmentsMissing: 7,
  AggregateFraudProven: 8,
  ServersMissing: 9,
  TooFewIncluded: 10,
  DrawExpired: 11,
  SeedExpired: 12,
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

/** The group a Mash task's masks live in (IFedmashCoordinator.MaskGroup); maskGroupCode.ts maps it to the workers' ids. */
export const MaskGroup = { Rlwr2048: 0, PaperCompat: 1 } as const;
export type MaskGroup = (typeof MaskGroup)[keyof typeof MaskGroup];

/** Where a round's verification stands (FedmashVerifier.Stage); `Challenge`: a Mash aggregate's fraud-proof window. */
export const VerificationStage = { None: 0, Reserved: 1, BatchSums: 2, Commitments: 3, Settled: 4, Challenge: 5 } as const;
export type VerificationStage = (typeof VerificationStage)[keyof typeof VerificationStage];

/** How a round's verification ended (FedmashVerifier.Outcome). */
export const VerificationOutcome = {
  None: 0,
  Passed: 1,
  Failed: 2,
  BatchSumsMissing: 3,
  CommitmentsMissing: 4,
  FraudProven: 5,
  Released: 6,
  SeedExpired: 7,
} as const;
export type VerificationOutcome = (typeof VerificationOutcome)[keyof typeof VerificationOutcome];

/** Reverse lookup for logs and reports: `enumName(Phase, 4)` → "Submission". */
export function enumName<T extends Record<string, number>>(table: T, value: number | bigint): keyof T | `Unknown(${string})` {
  const numeric = Number(value);
  const found = Object.entries(table).find(([, v]) => v === numeric);
  return found ? (found[0] as keyof T) : `Unknown(${numeric})`;
}

export function isTerminalPhase(phase: Phase): boolean {
  return phase === Phase.Finalized || phase === Phase.Failed;
}
