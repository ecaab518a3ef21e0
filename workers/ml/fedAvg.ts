// FedAvg of client updates (McMahan et al. 2017): the average of the deltas weighted by each client's
// sample count, or uniformly (what a masked sum gives when sample counts are not revealed).
import { FedAvgInvalidSampleCountError, FedAvgNoUpdatesError, UpdateLengthMismatchError } from "./errors";

export interface FedAvgUpdate {
  delta: Float32Array;
  numSamples: number;
}

export type FedAvgWeighting = "samples" | "uniform";

/**
 * Σ_k w_k · delta_k with w_k = n_k / Σ n (samples) or 1 / K (uniform). Sums run in float64 and are rounded
 * to float32 once, so the result does not depend on the order of the updates beyond that last rounding.
 */
export function fedAvg(updates: readonly FedAvgUpdate[], weighting: FedAvgWeighting): Float32Array {
  if (updates.length === 0) throw new FedAvgNoUpdatesError();
  const length = updates[0].delta.length;
  let totalSamples = 0;
  updates.forEach((update, index) => {
    if (update.delta.length !== length) throw new UpdateLengthMismatchError(length, update.delta.length);
    if (!Number.isSafeInteger(update.numSamples) || update.numSamples < 1) {
      throw new FedAvgInvalidSampleCountError(index, update.numSamples);
    }
    totalSamples += update.numSamples;
  });
  const sums = new Float64Array(length);
  for (const { delta, numSamples } of updates) {
    const weight = weighting === "samples" ? numSamples : 1;
    for (let i = 0; i < length; i++) sums[i] += weight * delta[i];
  }
  const divisor = weighting === "samples" ? totalSamples : updates.length;
  const average = new Float32Array(length);
  for (let i = 0; i < length; i++) average[i] = sums[i] / divisor;
  return average;
}
