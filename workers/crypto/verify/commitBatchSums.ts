// A client's commitment to its batch sums: C = (Σ w·S mod r) · G + blinding · H. Without blinding C is
// deterministic, so anyone can test a guessed update against it; with a blinding the terms must sum to 0 over the
// included clients for the on-chain check to hold (docs/VERIFICATION.md, "Hiding").
import { batchSumsScalar } from "./batchSumsScalar";
import { VerificationInputError } from "./errors";
import { g1Affine, g1Multiply } from "./g1Point";
import type { G1AffinePoint, SampleSeed } from "./types";
import { verificationGenerators } from "./verificationGenerators";

export interface CommitBatchSumsParameters {
  /** The m·k batch sums of the client's quantized update under the sampled partitions. */
  batchSums: BigInt64Array | readonly bigint[];
  /** The seed of the weights (the partition seed, or the second seed of the two-seed protocol). */
  weightSeed: SampleSeed;
  m: number;
  k: number;
  /** Optional blinding scalar (taken mod r); the blindings of all included clients must sum to 0 mod r. */
  blinding?: bigint;
}

export type CommitBatchSumsReturnType = G1AffinePoint;

export function commitBatchSums(parameters: CommitBatchSumsParameters): CommitBatchSumsReturnType {
  const { batchSums, weightSeed, m, k, blinding } = parameters;
  if (blinding !== undefined && typeof blinding !== "bigint") throw new VerificationInputError("blinding", "expected a bigint");
  const { gPoint, hPoint } = verificationGenerators();
  const committed = g1Multiply(gPoint, batchSumsScalar(batchSums, weightSeed, m, k));
  return g1Affine(blinding === undefined ? committed : committed.add(g1Multiply(hPoint, blinding)));
}
