// What a secure-mode aggregator still owes in the Verification stage, so a restarted worker redoes it: T under the
// aggregate's block, the settlement once every included client committed, then its reward claim. Pure.
import type { VerificationAggregatorRound } from "./verificationAggregatorHandlers";

export type VerificationAggregatorAction =
  | { type: "post-batch-sums"; roundId: bigint; aggregateBlock: number }
  | { type: "settle"; roundId: bigint; batchSums: string }
  | { type: "claim"; roundId: bigint };

/** Undefined outside the Verification stage, and while a stage's facts are still incomplete. */
export function verificationAggregatorPendingAction(state: VerificationAggregatorRound): VerificationAggregatorAction | undefined {
  const roundId = BigInt(state.roundId);
  switch (state.stage) {
    case "batch-sums":
      return state.aggregateBlock === undefined ? undefined : { type: "post-batch-sums", roundId, aggregateBlock: state.aggregateBlock };
    case "commitments":
      // Before the deadline the contract settles only once everyone committed; after it, any keeper settles.
      return state.batchSums !== undefined && state.includedCount !== undefined && (state.committedCount ?? 0) >= state.includedCount
        ? { type: "settle", roundId, batchSums: state.batchSums }
        : undefined;
    case "claiming":
      return { type: "claim", roundId };
    default:
      return undefined;
  }
}
