// Mirrors of the Solidity enums (IFedmashRegistry.Role, IFedmashCoordinator.Mode/Phase/FailureReason), so that
// tests name phases instead of writing bare numbers. Values must match the declaration order in Solidity.

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
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

/** The Solidity name of a phase, for test titles. */
export function phaseName(phase: Phase): string {
  return Object.entries(Phase).find(([, value]) => value === phase)?.[0] ?? `#${phase}`;
}
