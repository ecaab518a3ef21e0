// What a secure-mode client still owes in the Verification stage, so a restarted worker redoes it: the aggregate
// check and commitment once T is known, then the reward claim. Pure.
import type { VerificationClientRound } from "./verificationClientHandlers";

export type VerificationClientAction =
  | { type: "verify-and-commit"; roundId: bigint; batchSums: string; sampleSeed: string; batchSumsBlock: number; aggregateBlock?: number }
  | { type: "claim"; roundId: bigint };

/** Undefined outside the Verification stage, and while T's facts are still incomplete. */
export function verificationClientPendingAction(state: VerificationClientRound): VerificationClientAction | undefined {
  const roundId = BigInt(state.roundId);
  switch (state.stage) {
    case "verifying":
      if (state.batchSums === undefined || state.sampleSeed === undefined || state.batchSumsBlock === undefined) return undefined;
      // The aggregate did not match T: this client commits nothing; the deadline ends the round (CommitmentsMissing).
      if (state.aggregateRefused) return undefined;
      return {
        type: "verify-and-commit",
        roundId,
        batchSums: state.batchSums,
        sampleSeed: state.sampleSeed,
        batchSumsBlock: state.batchSumsBlock,
        ...(state.aggregateBlock === undefined ? {} : { aggregateBlock: state.aggregateBlock }),
      };
    case "claiming":
      return { type: "claim", roundId };
    default:
      return undefined;
  }
}
