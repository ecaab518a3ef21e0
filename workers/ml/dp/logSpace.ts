// Log-space arithmetic for the RDP accountant: the sampled Gaussian mechanism's A_α is a sum of terms that
// overflow a double long before the orders we need (exp((i² - i)/(2σ²)) at i = 512), so every sum is kept as
// its logarithm. Also log(erfc(x)) without underflow, which JavaScript's Math lacks.
import { DpAccountingError } from "./errors";

/** log(e^x + e^y); -Infinity stands for 0. */
export function logAdd(x: number, y: number): number {
  const low = Math.min(x, y);
  const high = Math.max(x, y);
  if (low === -Infinity) return high;
  return high + Math.log1p(Math.exp(low - high));
}

/** log(e^x - e^y) for x >= y; a negative difference is a bug in the series, so it is reported, not clamped. */
export function logSub(x: number, y: number): number {
  if (x < y) throw new DpAccountingError("Log-space subtraction went negative.", `log(e^${x} - e^${y})`);
  if (y === -Infinity) return x;
  if (x === y) return -Infinity;
  const difference = x - y;
  // expm1 overflows past ~709; then e^y is negligible beside e^x.
  return difference > 700 ? x : y + Math.log(Math.expm1(difference));
}

/** log(a_1 e^{t_1} + ...): the max is factored out so no term overflows. */
export function logSumExp(terms: readonly number[]): number {
  let max = -Infinity;
  for (const t of terms) if (t > max) max = t;
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return max + Math.log(sum);
}

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/** Below this x, erfc = 1 - erf loses at most ~1.5 digits (erfc(1.5) ≈ 0.034) and the erf series is short. */
const SERIES_LIMIT = 1.5;

/** erf(x) for 0 <= x < SERIES_LIMIT by e^{-x²} Σ 2ⁿ x^{2n+1} / (2n+1)!!, whose terms are all positive (no cancellation). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * log K(x) with erfc(x) = e^{-x²} / (√π K(x)) and K(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + ...))), the Laplace
 * continued fraction, evaluated by the modified Lentz method. It converges for x > 0 and fast for x >= 1.5.
 */
function logErfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return -x * x - LOG_SQRT_PI - Math.log(f);
}

/** log(erfc(x)) to about 1e-14 relative accuracy for every finite x, including x where erfc(x) underflows. */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return -Infinity;
  if (x === -Infinity) return Math.LN2;
  if (x < 0) {
    // erfc(x) = 2 - erfc(-x), which lies in (1, 2]: no cancellation.
    const mirrored = -x < SERIES_LIMIT ? 1 - erfSeries(-x) : Math.exp(logErfcContinuedFraction(-x));
    return Math.log(2 - mirrored);
  }
  if (x < SERIES_LIMIT) return Math.log1p(-erfSeries(x));
  return logErfcContinuedFraction(x);
}
