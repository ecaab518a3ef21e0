// L2 clipping of an update, the first step of differential privacy (and a bound the masking relies on).
import { ClipInvalidBoundError, UpdateNonFiniteError } from "./errors";

export interface ClipL2ReturnType {
  /** A copy of the input, scaled down to norm `bound` (up to float32 rounding) when its norm exceeded it. */
  clipped: Float32Array;
  /** The L2 norm of the input before clipping (computed in float64). */
  norm: number;
}

export function clipL2(vector: Float32Array, bound: number): ClipL2ReturnType {
  if (!Number.isFinite(bound) || bound <= 0) throw new ClipInvalidBoundError(bound);
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares);
  if (!Number.isFinite(norm)) throw new UpdateNonFiniteError(`its L2 norm is ${norm}`);
  const clipped = Float32Array.from(vector);
  if (norm > bound) {
    const scale = bound / norm;
    for (let i = 0; i < clipped.length; i++) clipped[i] *= scale;
  }
  return { clipped, norm };
}
