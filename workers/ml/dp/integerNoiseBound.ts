// How far the integer DP noise can push a coordinate of the aggregate Σq, to widen the mash discrete-log search
// bound and to check that the Shamir field still holds the aggregate. Only distributed noise in a secure mode is
// integer: N clients each add round(N(0, (σCS)²/N)), so the sum's noise has standard deviation σCS (plus at
// most N/2 from the N roundings). 8 standard deviations are exceeded with probability about 1.2e-15 per
// coordinate, i.e. about 1e-10 per round of a 10^5-parameter model; then the round fails (no discrete log / a
// ShamirRangeError), it never yields a wrong aggregate.
// Local noise gives 0: it is added to the float update BEFORE quantization, and quantize() clamps every
// coordinate to [-c, c] afterwards, so each client's quantized value stays within round(c·S) and the noise-free
// bound N·round(c·S) already covers the sum.
import { DpInputError } from "./errors";
import type { DpSettings } from "./parseDpSettings";

export interface IntegerNoiseBoundParameters {
  settings: DpSettings;
  /** S: the quantization scale. */
  scale: number;
  /** N, when known: adds the N/2 the per-client roundings can contribute. */
  clients?: number;
}

/** Standard deviations of the summed noise the bound allows. */
export const NOISE_BOUND_DEVIATIONS = 8;

export function integerNoiseBound(parameters: IntegerNoiseBoundParameters): number {
  const { settings, scale, clients } = parameters;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0) throw new DpInputError(`The quantization scale must be a finite number > 0, got ${String(scale)}.`);
  if (clients !== undefined && (!Number.isSafeInteger(clients) || clients < 1)) throw new DpInputError(`The client count must be an integer >= 1, got ${String(clients)}.`);
  if (settings.mechanism === "local") return 0;
  return Math.ceil(NOISE_BOUND_DEVIATIONS * settings.noiseMultiplier * settings.clip * scale) + (clients === undefined ? 0 : Math.ceil(clients / 2));
}
