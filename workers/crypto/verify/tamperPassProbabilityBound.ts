// Upper bound on the probability that a tampered aggregate, fixed before the seed, passes both the contract and
// the client check: k^-m (every partition hides the change) + 1/r (the weighted sum of a non-zero difference
// vanishes). Returned as log2 so that 2^-128 does not underflow into a meaningless 0.
import { assertPartitionShape } from "./assertPartitionShape";

/** log2(k^-m + 2^-253); the 1/r term is bounded by 2^-253 since r > 2^253. */
export function tamperPassProbabilityBound(m: number, k: number): number {
  assertPartitionShape(m, k);
  const partitionLog2 = -m * Math.log2(k);
  const weightLog2 = -253;
  const high = Math.max(partitionLog2, weightLog2);
  return high + Math.log2(1 + 2 ** (Math.min(partitionLog2, weightLog2) - high));
}
