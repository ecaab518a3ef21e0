// The contract's final check, off-chain: does (Σ w·T mod r) · G equal the sum of the clients' commitments? The
// aggregator runs it before it posts T (a failing post would cost its bond); tests use it as the reference.
import { batchSumsScalar } from "./batchSumsScalar";
import { g1Multiply, g1Point } from "./g1Point";
import { sumCommitments } from "./sumCommitments";
import type { G1AffinePoint, SampleSeed } from "./types";
import { verificationGenerators } from "./verificationGenerators";

export interface BatchSumsMatchCommitmentsParameters {
  /** The aggregate's batch sums T as the aggregator posts them. */
  batchSums: BigInt64Array | readonly bigint[];
  /** Every included client's commitment. */
  commitments: readonly G1AffinePoint[];
  /** The seed of the weights the commitments were made with. */
  weightSeed: SampleSeed;
  m: number;
  k: number;
}

export function batchSumsMatchCommitments(parameters: BatchSumsMatchCommitmentsParameters): boolean {
  const { batchSums, commitments, weightSeed, m, k } = parameters;
  const expected = g1Multiply(verificationGenerators().gPoint, batchSumsScalar(batchSums, weightSeed, m, k));
  return expected.equals(g1Point(sumCommitments(commitments)));
}
