// Σ_j w_j·y_j mod p, coordinate by coordinate: the one vector kernel behind interpolation at 0 (the sum) and at
// another server's x (the consistency check). Weights are full field elements, so each product w·y can reach
// 2^62 and is split instead of being computed in BigInt:
//   w = hi·2^16 + lo with hi < 2^15, lo < 2^16 (w < 2^31)
//   H = Σ_j y_j·hi_j < 16·2^31·2^15 = 2^50,  L = Σ_j y_j·lo_j < 16·2^31·2^16 = 2^51   (t <= 16 terms, y < 2^31)
//   Σ w_j·y_j = H·2^16 + L ≡ reduce(H)·2^16 + L, and reduce(H)·2^16 + L < 2^47 + 2^51 < 2^53
// so every intermediate is an exact float64 integer and reduceField (valid below 2^53) finishes the job.
import { reduceField } from "./shamirField";

export type CombineSharesParameters = {
  /** Field-element vectors of equal length (values < p, checked by the callers). */
  vectors: readonly Uint32Array[];
  /** One field element per vector. */
  weights: readonly number[];
};
export type CombineSharesReturnType = Uint32Array;

export function combineShares({ vectors, weights }: CombineSharesParameters): CombineSharesReturnType {
  const length = vectors[0]?.length ?? 0;
  const high = new Float64Array(length);
  const low = new Float64Array(length);
  vectors.forEach((vector, j) => {
    const weightHigh = Math.floor(weights[j]! / 65536);
    const weightLow = weights[j]! - weightHigh * 65536;
    for (let i = 0; i < length; i++) {
      const y = vector[i]!;
      high[i] += y * weightHigh;
      low[i] += y * weightLow;
    }
  });
  const out = new Uint32Array(length);
  for (let i = 0; i < length; i++) out[i] = reduceField(reduceField(high[i]!) * 65536 + low[i]!);
  return out;
}
