// The seeded pool both splits draw from: validates the client count and per-client budget, then returns a
// random permutation of the sample indices cut to the number the clients will share.
import type { Prng } from "./createPrng";
import { PartitionInsufficientSamplesError, PartitionInvalidParametersError } from "./errors";
import { shuffleInPlace } from "./shuffleInPlace";

export interface PartitionPoolParameters {
  sampleCount: number;
  numClients: number;
  /** Samples per client; when undefined every client gets an equal share of the whole set. */
  samplesPerClient: number | undefined;
  prng: Prng;
}

export interface PartitionPoolReturnType {
  /** Shuffled sample indices, `numClients * perClient` of them. */
  pool: Uint32Array;
  perClient: number;
}

export function partitionPool({ sampleCount, numClients, samplesPerClient, prng }: PartitionPoolParameters): PartitionPoolReturnType {
  if (!Number.isSafeInteger(numClients) || numClients < 1) {
    throw new PartitionInvalidParametersError(`numClients must be a positive integer, got ${numClients}`);
  }
  if (samplesPerClient !== undefined && (!Number.isSafeInteger(samplesPerClient) || samplesPerClient < 1)) {
    throw new PartitionInvalidParametersError(`samplesPerClient must be a positive integer, got ${samplesPerClient}`);
  }
  const perClient = samplesPerClient ?? Math.floor(sampleCount / numClients);
  const required = Math.max(numClients * perClient, numClients);
  if (perClient < 1 || required > sampleCount) throw new PartitionInsufficientSamplesError(required, sampleCount);

  const all = new Uint32Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) all[i] = i;
  shuffleInPlace(all, prng);
  return { pool: all.subarray(0, numClients * perClient), perClient };
}
