// Label-skewed non-IID split: for every class, the share each client gets is a Dirichlet(alpha) draw, the
// split used by NIID-Bench and most FL papers since Hsu et al. 2019 / Wang et al. 2020. Small alpha gives
// each client few classes; large alpha tends to IID. Deterministic from the seed, like partitionIid.
import { createPrng, type PrngSeed } from "./createPrng";
import { PartitionInfeasibleError, PartitionInvalidParametersError } from "./errors";
import { partitionPool } from "./partitionPool";
import { sampleDirichlet } from "./sampleDirichlet";

export interface PartitionDirichletOptions {
  /** Draws are repeated until every client has at least this many samples. Default: min(10, pool / clients). */
  minSamplesPerClient?: number;
  /** How many draws to try before giving up with PartitionInfeasibleError. Default 1000. */
  maxAttempts?: number;
}

export type PartitionDirichletReturnType = number[][];

/**
 * Splits `numClients * samplesPerClient` seeded random samples (all samples when undefined) over the clients,
 * class by class, with Dirichlet(alpha) proportions. Client sizes vary (quantity skew comes with label skew);
 * they sum to the pool size and average `samplesPerClient`. Rows are disjoint and sorted.
 *
 * As in NIID-Bench, a client already holding its fair share (pool / clients) gets nothing more of the later
 * classes, which keeps one client from taking most of the data; and draws that leave a client with fewer than
 * `minSamplesPerClient` samples are redrawn, since such a client cannot train.
 */
export function partitionDirichlet(
  labels: ArrayLike<number>,
  numClients: number,
  alpha: number,
  samplesPerClient: number | undefined,
  seed: PrngSeed,
  options: PartitionDirichletOptions = {},
): PartitionDirichletReturnType {
  if (!Number.isFinite(alpha) || alpha <= 0) {
    throw new PartitionInvalidParametersError(`alpha must be a positive finite number, got ${alpha}`);
  }
  const prng = createPrng(seed, "partition-dirichlet");
  const { pool } = partitionPool({ sampleCount: labels.length, numClients, samplesPerClient, prng });
  const fairShare = pool.length / numClients;
  const minSamples = options.minSamplesPerClient ?? Math.min(10, Math.floor(fairShare));
  const maxAttempts = options.maxAttempts ?? 1000;
  if (!Number.isSafeInteger(minSamples) || minSamples < 0 || minSamples > fairShare) {
    throw new PartitionInvalidParametersError(`minSamplesPerClient must be an integer in [0, ${fairShare}], got ${minSamples}`);
  }
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new PartitionInvalidParametersError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }

  const byClass = groupByClass(labels, pool);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const rows: number[][] = Array.from({ length: numClients }, () => []);
    for (const members of byClass) {
      if (members.length === 0) continue;
      const drawn = sampleDirichlet(alpha, numClients, prng);
      const proportions = withoutFullClients(drawn, rows, fairShare);
      let start = 0;
      let cumulative = 0;
      for (let client = 0; client < numClients; client++) {
        cumulative += proportions[client];
        const end = client === numClients - 1 ? members.length : Math.min(members.length, Math.floor(cumulative * members.length));
        for (let i = start; i < end; i++) rows[client].push(members[i]);
        start = Math.max(start, end);
      }
    }
    if (rows.every((row) => row.length >= minSamples)) return rows.map((row) => row.sort((a, b) => a - b));
  }
  throw new PartitionInfeasibleError(
    `${maxAttempts} draws with alpha ${alpha} over ${numClients} clients all left a client below ${minSamples} samples`,
  );
}

function groupByClass(labels: ArrayLike<number>, pool: Uint32Array): number[][] {
  const byClass: number[][] = [];
  for (const index of pool) {
    const label = labels[index];
    if (!Number.isInteger(label) || label < 0 || label > 0xffff) {
      throw new PartitionInvalidParametersError(`labels must be integers in [0, 65535], sample ${index} has ${label}`);
    }
    while (byClass.length <= label) byClass.push([]);
    byClass[label].push(index);
  }
  return byClass;
}

function withoutFullClients(drawn: Float64Array, rows: number[][], fairShare: number): Float64Array {
  const kept = drawn.map((share, client) => (rows[client].length < fairShare ? share : 0));
  const sum = kept.reduce((a, b) => a + b, 0);
  // Every client full only happens once the pool is spent; then the raw draw is as good as any.
  if (sum === 0) return drawn;
  return kept.map((share) => share / sum);
}
