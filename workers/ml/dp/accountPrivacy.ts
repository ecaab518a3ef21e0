// The privacy accountant of a federated task: `rounds` releases of an aggregate protected by the Gaussian
// mechanism with noise multiplier z (the effective one against the aggregator, see effectiveNoiseMultiplier),
// optionally with client sampling at rate q; RDP composed over rounds at DEFAULT_RDP_ORDERS and converted to
// (ε, δ). Per-round ε is rounds = 1; the cumulative ε after r rounds is rounds = r.
import { computeRdp } from "./computeRdp";
import { DpAccountingError } from "./errors";
import { DEFAULT_RDP_ORDERS } from "./rdpOrders";
import { rdpToEpsilon } from "./rdpToEpsilon";

export interface AccountPrivacyParameters {
  noiseMultiplier: number;
  /** Releases composed, an integer >= 1. */
  rounds: number;
  delta: number;
  /** Probability that a client is sampled into a round; 1 (the default) = every client takes part every round. */
  samplingRate?: number;
}

export interface AccountPrivacyReturnType {
  epsilon: number;
  delta: number;
  /** The Rényi order at which the conversion was tightest. */
  order: number;
}

export function accountPrivacy(parameters: AccountPrivacyParameters): AccountPrivacyReturnType {
  const { noiseMultiplier, rounds, delta } = parameters;
  if (typeof noiseMultiplier !== "number" || !Number.isFinite(noiseMultiplier) || noiseMultiplier <= 0) {
    throw new DpAccountingError(`The noise multiplier must be a finite number > 0, got ${noiseMultiplier}.`);
  }
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new DpAccountingError(`The number of rounds must be an integer >= 1, got ${rounds}.`);
  const orders = DEFAULT_RDP_ORDERS;
  const rdp = computeRdp({ noiseMultiplier, samplingRate: parameters.samplingRate ?? 1, steps: rounds, orders });
  const { epsilon, order } = rdpToEpsilon({ orders, rdp, delta });
  return { epsilon, delta, order };
}
