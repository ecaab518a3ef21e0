// The noise multiplier z that the (ε, δ) guarantee against the AGGREGATOR actually holds with, for each mode and
// mechanism. It is what accountPrivacy must be given; σ alone overstates privacy in two cases:
// - distributed noise in plain mode: the aggregator sees every single update, each with only σC/√N of noise;
// - distributed noise in a secure mode: the noise is added to the quantized integers, whose L2 sensitivity is not
//   C·S but up to C·S + √d/2 (each of d coordinates may round by 1/2), so z = σ·C·S / (C·S + √d/2).
// Local noise is added to the float update before quantization, so quantization is post-processing and z = σ;
// in a secure mode the sum of N locally noised updates carries σC√N, but crediting that would mean trusting
// the other N - 1 clients to have added their noise, which local DP exists to avoid.
import { DpInputError } from "./errors";
import type { DpSettings } from "./parseDpSettings";

export type DpAggregationMode = "plain" | "mash" | "shamir";

export interface EffectiveNoiseMultiplierParameters {
  settings: DpSettings;
  mode: DpAggregationMode;
  /** N: the client count every client divided its distributed noise variance by (the `expectedClients` option). */
  clients: number;
  /** d: the number of model parameters (coordinates of an update). */
  modelSize: number;
  /** S: the quantization scale of a secure mode; required for distributed noise in mash/shamir. */
  scale?: number;
  /**
   * How many clients' noise the released sum really carries (the included clients); defaults to `clients`. With
   * distributed noise in a secure mode, fewer included clients than N means only σCS·√(included/N) of noise.
   */
  includedClients?: number;
}

function positiveInteger(what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) throw new DpInputError(`${what} must be an integer >= 1, got ${String(value)}.`);
  return value;
}

export function effectiveNoiseMultiplier(parameters: EffectiveNoiseMultiplierParameters): number {
  const { settings, mode } = parameters;
  const clients = positiveInteger("The client count", parameters.clients);
  const modelSize = positiveInteger("The model size", parameters.modelSize);
  const sigma = settings.noiseMultiplier;
  if (settings.mechanism === "local") return sigma;
  if (mode === "plain") return sigma / Math.sqrt(clients);
  const scale = parameters.scale;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0) {
    throw new DpInputError(`Distributed noise in ${mode} mode needs the quantization scale S > 0, got ${String(scale)}.`);
  }
  const included = parameters.includedClients === undefined ? clients : positiveInteger("The included client count", parameters.includedClients);
  const sensitivity = settings.clip * scale + Math.sqrt(modelSize) / 2;
  const sumNoise = sigma * settings.clip * scale * Math.sqrt(included / clients);
  return sumNoise / sensitivity;
}
