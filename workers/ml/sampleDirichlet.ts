// Dirichlet draws for the non-IID split. Small concentrations (alpha << 1) are the interesting regime and
// the naive Gamma(alpha) = Gamma(alpha + 1) * U^(1/alpha) underflows to 0 there, so the draw stays in log space.
import type { Prng } from "./createPrng";

/** Returns one draw of Dirichlet(alpha, ..., alpha) of the given dimension: non-negative, summing to 1. */
export function sampleDirichlet(alpha: number, dimension: number, prng: Prng): Float64Array {
  const logs = new Float64Array(dimension);
  for (let i = 0; i < dimension; i++) logs[i] = logGamma(alpha, prng);
  let max = -Infinity;
  for (const value of logs) max = Math.max(max, value);
  let sum = 0;
  const proportions = new Float64Array(dimension);
  for (let i = 0; i < dimension; i++) {
    proportions[i] = Math.exp(logs[i] - max);
    sum += proportions[i];
  }
  for (let i = 0; i < dimension; i++) proportions[i] /= sum;
  return proportions;
}

/** log of a Gamma(shape, 1) variate (Marsaglia–Tsang, with the shape < 1 boost done in log space). */
function logGamma(shape: number, prng: Prng): number {
  if (shape < 1) {
    const u = 1 - prng.nextFloat(); // in (0, 1]
    return logGamma(shape + 1, prng) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = prng.nextNormal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - prng.nextFloat();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}
