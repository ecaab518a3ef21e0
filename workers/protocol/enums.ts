// TypeScript mirrors of the coordinator's Solidity enums. The numeric values are the ABI encoding, so the
// order here must match contracts/interfaces/IFedmashCoordinator.sol and IFedmashRegistry.sol exactly.

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

/** Reverse lookup for logs and reports: `enumName(Phase, 4)` → "Submission". */
export function enumName<T extends Record<string, number>>(table: T, value: number | bigint): keyof T | `Unknown(${string})` {
  const numeric = Number(value);
  const found = Object.entries(table).find(([, v]) => v === numeric);
  return found ? (found[0] as keyof T) : `Unknown(${numeric})`;
}

export function isTerminalPhase(phase: Phase): boolean {
  return phase === Phase.Finalized || phase === Phase.Failed;
}
