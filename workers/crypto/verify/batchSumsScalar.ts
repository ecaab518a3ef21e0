// The commitment scalar of a set of batch sums: Σ w[j·k + b] · S[j·k + b] mod r, negative sums taken mod r.
// It is linear, so the scalars of the clients' batch sums add up to the scalar of the aggregate's.
import { assertPartitionShape } from "./assertPartitionShape";
import { batchWeights } from "./batchWeights";
import { VerificationInputError } from "./errors";
import { BN254_GROUP_ORDER as R, type SampleSeed } from "./types";

export function batchSumsScalar(sums: BigInt64Array | readonly bigint[], weightSeed: SampleSeed, m: number, k: number): bigint {
  assertPartitionShape(m, k);
  if (sums.length !== m * k) throw new VerificationInputError("batch sums", `${sums.length} sums, expected m·k = ${m * k}`);
  const weights = batchWeights(weightSeed, m, k);
  let scalar = 0n;
  for (let s = 0; s < weights.length; s++) {
    const sum = sums[s];
    if (typeof sum !== "bigint") throw new VerificationInputError("batch sums", `sum ${s} is not a bigint`);
    scalar += weights[s]! * (((sum % R) + R) % R);
  }
  return scalar % R;
}
