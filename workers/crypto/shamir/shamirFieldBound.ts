// The range check that makes p = 2^31 - 1 safe for a task: the largest |Σ q_i| the task can produce must stay
// below (p - 1) / 2, or the sum would wrap mod p and decode to a wrong (even sign-flipped) value. With clip c
// and scale S each client's coordinate is at most round(c·S) in magnitude (workers/crypto/quantize.ts); N
// clients add up to N·round(c·S); distributed DP adds integer noise bounded by noiseBound (integerNoiseBound).
import { ShamirFieldTooSmallError, ShamirInputError } from "./errors";
import { SHAMIR_HALF } from "./shamirField";

export type ShamirFieldBoundParameters = {
  clients: number;
  /** Per-coordinate clip c > 0. */
  clip: number;
  /** Quantization scale S > 0. */
  scale: number;
  /** Bound on |Σ integer noise| per coordinate (>= 0; rounded up). */
  noiseBound?: number;
};
export type ShamirFieldBoundReturnType = number;

export function shamirFieldBound({ clients, clip, scale, noiseBound }: ShamirFieldBoundParameters): ShamirFieldBoundReturnType {
  if (typeof clients !== "number" || !Number.isSafeInteger(clients) || clients < 1) {
    throw new ShamirInputError("client count", `expected an integer >= 1, got ${String(clients)}`);
  }
  for (const [what, value] of [["clip", clip], ["scale", scale]] as const) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new ShamirInputError(what, `expected a finite number > 0, got ${String(value)}`);
  }
  if (noiseBound !== undefined && (typeof noiseBound !== "number" || !Number.isFinite(noiseBound) || noiseBound < 0)) {
    throw new ShamirInputError("noise bound", `expected a finite number >= 0, got ${String(noiseBound)}`);
  }
  const perClient = Math.round(clip * scale);
  const bound = clients * perClient + Math.ceil(noiseBound ?? 0);
  if (bound >= SHAMIR_HALF) {
    const facts = `${clients} clients · round(${clip} · ${scale}) = ${clients} · ${perClient}${noiseBound ? ` + noise ${Math.ceil(noiseBound)}` : ""}`;
    throw new ShamirFieldTooSmallError(bound, SHAMIR_HALF, facts);
  }
  return bound;
}
