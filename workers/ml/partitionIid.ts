// IID split of a data set over clients. Every client runs this on the same (labels, numClients, seed) and keeps
// row `index`: the rows are disjoint and identical everywhere, so the clients agree without talking.
import { createPrng, type PrngSeed } from "./createPrng";
import { partitionPool } from "./partitionPool";

export type PartitionIidReturnType = number[][];

/**
 * Splits a seeded random permutation of the samples into `numClients` disjoint rows of `samplesPerClient`
 * indices each (or `floor(n / numClients)` when undefined). Indices within a row are sorted.
 */
export function partitionIid(
  labels: ArrayLike<number>,
  numClients: number,
  samplesPerClient: number | undefined,
  seed: PrngSeed,
): PartitionIidReturnType {
  const prng = createPrng(seed, "partition-iid");
  const { pool, perClient } = partitionPool({ sampleCount: labels.length, numClients, samplesPerClient, prng });
  const rows: number[][] = [];
  for (let client = 0; client < numClients; client++) {
    const row = Array.from(pool.subarray(client * perClient, (client + 1) * perClient));
    rows.push(row.sort((a, b) => a - b));
  }
  return rows;
}
