// Quantization of float model updates for MASH masking: clip each coordinate to [-c, c] and scale by S
// (10^4 in the paper) to an integer, and the inverse for the aggregated sum. The bound of a sum of N
// quantized updates, N·round(c·S), is what the aggregate's discrete log searches.
import { BaseError } from "../errors";

/** The MASH paper's scale. */
export const DEFAULT_QUANTIZATION_SCALE = 10_000;

export class QuantizeInputError extends BaseError {
  override name = "QuantizeInputError" as const;
  constructor(what: string, details: string) {
    super(`Invalid ${what} for quantization.`, { details });
  }
}

export interface QuantizeOptions {
  /** c > 0: coordinates are clipped to [-c, c]. */
  clip: number;
  /** S > 0: the integer is round(x·S); defaults to 10^4. */
  scale?: number;
}

export interface DequantizeOptions {
  scale?: number;
  /** Divides the sum, e.g. by N (or the total sample count) for FedAvg; defaults to 1. */
  divisor?: number;
}

function checkPositive(what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new QuantizeInputError(what, `${what} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** The largest |g| quantize() can produce, round(c·S), checked to fit int32. */
function maxQuantized(clip: number, scale: number): number {
  const max = Math.round(clip * scale);
  if (max > 0x7fff_ffff) throw new QuantizeInputError("clip and scale", `round(c·S) = ${max} does not fit in int32`);
  return max;
}

export function quantize(update: Float32Array | Float64Array, options: QuantizeOptions): Int32Array {
  if (!(update instanceof Float32Array || update instanceof Float64Array)) {
    throw new QuantizeInputError("update", "the update must be a Float32Array or Float64Array");
  }
  const clip = checkPositive("clip", options.clip);
  const scale = checkPositive("scale", options.scale ?? DEFAULT_QUANTIZATION_SCALE);
  const max = maxQuantized(clip, scale);
  const out = new Int32Array(update.length);
  for (let i = 0; i < update.length; i++) {
    const x = update[i]!;
    if (!Number.isFinite(x)) throw new QuantizeInputError("update", `coordinate ${i} is ${x}`);
    // Clamp after rounding as well, so float error in x·S can never step past ±round(c·S).
    const q = Math.round(Math.min(clip, Math.max(-clip, x)) * scale);
    out[i] = q > max ? max : q < -max ? -max : q;
  }
  return out;
}

export function dequantize(sum: Int32Array | Float64Array, options: DequantizeOptions = {}): Float32Array {
  if (!(sum instanceof Int32Array || sum instanceof Float64Array)) {
    throw new QuantizeInputError("sum", "the sum must be an Int32Array or Float64Array");
  }
  const scale = checkPositive("scale", options.scale ?? DEFAULT_QUANTIZATION_SCALE);
  const divisor = checkPositive("divisor", options.divisor ?? 1);
  const factor = scale * divisor;
  const out = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i++) {
    const x = sum[i]!;
    if (!Number.isFinite(x)) throw new QuantizeInputError("sum", `coordinate ${i} is ${x}`);
    out[i] = x / factor;
  }
  return out;
}

/** N·round(c·S): the largest |Σ g| of N clients, i.e. the aggregate's discrete-log bound. */
export function aggregateBound(n: number, clip: number, scale: number = DEFAULT_QUANTIZATION_SCALE): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new QuantizeInputError("client count", `n must be an integer >= 1, got ${n}`);
  const bound = n * maxQuantized(checkPositive("clip", clip), checkPositive("scale", scale));
  if (bound > 0x7fff_ffff) throw new QuantizeInputError("bound", `N·round(c·S) = ${bound} does not fit in int32`);
  return bound;
}
