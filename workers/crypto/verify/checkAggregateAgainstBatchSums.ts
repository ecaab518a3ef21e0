// The client-side check before training on a new global model: the downloaded aggregate's batch sums under the
// sampled partitions must equal the batch sums the contract accepted, all of them, exactly. Throws
// AggregateVerificationError naming the first mismatching (partition, batch).
import { batchSums } from "./batchSums";
import { AggregateVerificationError, VerificationInputError } from "./errors";
import type { SampleSeed } from "./types";

export function checkAggregateAgainstBatchSums(
  aggregateSum: Int32Array,
  seed: SampleSeed,
  m: number,
  k: number,
  acceptedBatchSums: BigInt64Array | readonly bigint[],
): void {
  const actual = batchSums(aggregateSum, seed, m, k);
  if (acceptedBatchSums.length !== actual.length) {
    throw new VerificationInputError("accepted batch sums", `${acceptedBatchSums.length} sums, expected m·k = ${actual.length}`);
  }
  for (let s = 0; s < actual.length; s++) {
    const expected = acceptedBatchSums[s];
    if (typeof expected !== "bigint") throw new VerificationInputError("accepted batch sums", `sum ${s} is not a bigint`);
    if (expected !== actual[s]) throw new AggregateVerificationError(Math.floor(s / k), s % k, expected, actual[s]!);
  }
}
