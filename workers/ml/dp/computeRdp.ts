// Rényi DP of the (sampled) Gaussian mechanism, composed over `steps` releases.
// Without sampling (q = 1) it is the closed form RDP(α) = α / (2z²) (Mironov 2017, "Rényi Differential Privacy",
// Proposition 7). With Poisson sampling at rate q < 1 it is log(A_α) / (α - 1) of the sampled Gaussian mechanism
// (Mironov, Talwar, Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", Section 3.3):
// a finite binomial sum for integer α, and two erfc-weighted series for fractional α. All sums are in log space.
// Composition over steps (rounds) adds RDP at each order.
import { DpAccountingError } from "./errors";
import { logAdd, logErfc, logSub, logSumExp } from "./logSpace";

export interface ComputeRdpParameters {
  /** z = noise standard deviation / L2 sensitivity; 0 means no noise (RDP = ∞ wherever q > 0). */
  noiseMultiplier: number;
  /** q in [0, 1]: the probability that a given client takes part in a release; 1 = no sampling. */
  samplingRate: number;
  /** How many releases are composed (non-negative integer). */
  steps: number;
  /** Rényi orders α > 1 (Infinity allowed, giving ∞). */
  orders: readonly number[];
}

/** Per-order RDP ε(α), same length and order as `orders`. */
export type ComputeRdpReturnType = number[];

/** The smallest series term (log) still added: e^-30 ≈ 1e-13 of A_α >= 1. */
const SERIES_CUTOFF = -30;
const SERIES_MAX_TERMS = 1_000_000;

/** log A_α for integer α: Σ_{i=0..α} C(α,i) q^i (1-q)^{α-i} e^{(i²-i)/(2z²)}. */
function logAInteger(q: number, z: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const terms = new Array<number>(alpha + 1);
  let logBinomial = 0; // log C(α, 0)
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinomial += Math.log(alpha - i + 1) - Math.log(i);
    terms[i] = logBinomial + i * logQ + (alpha - i) * log1mQ + (i * i - i) / (2 * z * z);
  }
  return logSumExp(terms);
}

/**
 * log A_α for fractional α: A_α splits at z0 = z² log(1/q - 1) + 1/2 (where the two Gaussians' mixture density
 * ratio crosses 1) into two integrals, each a series over the generalized binomial C(α, i) whose sign alternates
 * once i > α + 1, so they are accumulated with signed log-space steps.
 */
function logAFractional(q: number, z: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const z0 = z * z * Math.log(1 / q - 1) + 0.5;
  const sqrt2z = Math.SQRT2 * z;
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  let logAbsBinomial = 0; // log |C(α, 0)|
  let positive = true;
  for (let i = 0; ; i++) {
    if (i > 0) {
      const factor = (alpha - i + 1) / i;
      logAbsBinomial += Math.log(Math.abs(factor));
      if (factor < 0) positive = !positive;
    }
    if (i >= SERIES_MAX_TERMS) {
      throw new DpAccountingError("The fractional-order RDP series did not converge.", `q ${q}, z ${z}, α ${alpha}`);
    }
    const j = alpha - i;
    const logT0 = logAbsBinomial + i * logQ + j * log1mQ;
    const logT1 = logAbsBinomial + j * logQ + i * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2z);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2z);
    const logS0 = logT0 + (i * i - i) / (2 * z * z) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * z * z) + logE1;
    if (positive) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < SERIES_CUTOFF) break;
  }
  return logAdd(logA0, logA1);
}

function rdpAtOrder(q: number, z: number, alpha: number): number {
  if (q === 0) return 0;
  if (z === 0 || alpha === Infinity) return Infinity;
  if (q === 1) return alpha / (2 * z * z);
  const logA = Number.isInteger(alpha) ? logAInteger(q, z, alpha) : logAFractional(q, z, alpha);
  return logA / (alpha - 1);
}

export function computeRdp(parameters: ComputeRdpParameters): ComputeRdpReturnType {
  const { noiseMultiplier: z, samplingRate: q, steps, orders } = parameters;
  if (typeof z !== "number" || !Number.isFinite(z) || z < 0) throw new DpAccountingError(`The noise multiplier must be a finite number >= 0, got ${z}.`);
  if (typeof q !== "number" || !(q >= 0 && q <= 1)) throw new DpAccountingError(`The sampling rate must be in [0, 1], got ${q}.`);
  if (!Number.isSafeInteger(steps) || steps < 0) throw new DpAccountingError(`The number of steps must be an integer >= 0, got ${steps}.`);
  if (orders.length === 0) throw new DpAccountingError("At least one Rényi order is needed.");
  return orders.map((alpha) => {
    if (typeof alpha !== "number" || !(alpha > 1)) throw new DpAccountingError(`Every Rényi order must be > 1, got ${alpha}.`);
    const perStep = rdpAtOrder(q, z, alpha);
    // 0 · ∞ would be NaN: no step releases nothing.
    return steps === 0 ? 0 : perStep * steps;
  });
}
