// The worker-side DP settings (mechanism, noise multiplier σ, L2 clip C, δ) and their validation. The contract does
// not know these values: each worker process is told them (CLI flags or the demo) and checks them here.
import { DpSettingsError } from "./errors";

/** `local`: every client adds N(0, (σC)²). `distributed`: every client adds N(0, (σC)²/N), so only the sum of N carries (σC)². */
export type DpMechanism = "local" | "distributed";

export interface DpSettings {
  mechanism: DpMechanism;
  /** σ: the noise standard deviation in units of the clip C. */
  noiseMultiplier: number;
  /** C: the L2 norm every client update is clipped to (its sensitivity). */
  clip: number;
  /** δ of the (ε, δ) guarantee the accountant reports. */
  delta: number;
}

/** The δ used when none is given: well below 1/N for any federation this project runs. */
export const DEFAULT_DP_DELTA = 1e-5;

const MECHANISMS: readonly DpMechanism[] = ["local", "distributed"];

function numberField(record: Record<string, unknown>, field: string): number {
  const raw = record[field];
  // CLI flags arrive as strings; anything else but a number is a mistake worth naming.
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new DpSettingsError(field, `DP setting "${field}" must be a number, got ${raw === undefined ? "nothing" : JSON.stringify(raw)}`);
  }
  return value;
}

/** Validates untrusted input (parsed JSON, CLI options) into DpSettings; δ defaults to DEFAULT_DP_DELTA. */
export function parseDpSettings(input: unknown): DpSettings {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new DpSettingsError("settings", `DP settings must be an object with mechanism, noiseMultiplier, clip and delta, got ${input === null ? "null" : typeof input}`);
  }
  const record = input as Record<string, unknown>;
  const mechanism = record.mechanism;
  if (typeof mechanism !== "string" || !MECHANISMS.includes(mechanism as DpMechanism)) {
    throw new DpSettingsError("mechanism", `DP setting "mechanism" must be "local" or "distributed", got ${mechanism === undefined ? "nothing" : JSON.stringify(mechanism)}`);
  }
  const noiseMultiplier = numberField(record, "noiseMultiplier");
  if (!Number.isFinite(noiseMultiplier) || noiseMultiplier <= 0) {
    throw new DpSettingsError("noiseMultiplier", `DP setting "noiseMultiplier" must be a finite number > 0, got ${noiseMultiplier}`);
  }
  const clip = numberField(record, "clip");
  if (!Number.isFinite(clip) || clip <= 0) {
    throw new DpSettingsError("clip", `DP setting "clip" must be a finite number > 0, got ${clip}`);
  }
  const delta = record.delta === undefined ? DEFAULT_DP_DELTA : numberField(record, "delta");
  if (!(delta > 0 && delta < 1)) {
    throw new DpSettingsError("delta", `DP setting "delta" must be in (0, 1), got ${delta}`);
  }
  return { mechanism: mechanism as DpMechanism, noiseMultiplier, clip, delta };
}
