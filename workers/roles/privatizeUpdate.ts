// Differential privacy applied by a client to its own update, at the two points where a mode can add noise:
// privatizeDelta on the float update (L2 clip to C, then float Gaussian noise where the mechanism and mode call
// for it) and privatizeQuantized on the quantized integers of a secure mode (distributed noise, added as
// integers so that only the masked or secret-shared SUM carries the full σ·C·S). See docs/PRIVACY.md.
import { clipL2 } from "../ml/clipL2";
import { DpInputError } from "../ml/dp/errors";
import { gaussianNoise } from "../ml/dp/gaussianNoise";
import { parseDpSettings, type DpSettings } from "../ml/dp/parseDpSettings";

export interface PrivatizeDeltaContext {
  dp: DpSettings;
  /** N: the number of clients whose noise is meant to add up in the aggregate (distributed mechanism). */
  clients: number;
  /** true in mash/shamir: distributed noise is then added to the quantized integers, not here. */
  secure: boolean;
}

export interface PrivatizeQuantizedContext {
  dp: DpSettings;
  clients: number;
  /** S: the quantization scale the vector was quantized with. */
  scale: number;
}

function checkClients(clients: unknown): number {
  if (typeof clients !== "number" || !Number.isSafeInteger(clients) || clients < 1) throw new DpInputError(`The DP client count N must be an integer >= 1, got ${String(clients)}.`);
  return clients;
}

/**
 * L2-clips to exactly ‖·‖ <= C in float64 terms: clipL2 scales in float32, which can land a few ulps above C, and
 * the sensitivity argument needs the bound itself, so a vector still above C is shrunk by a hair more.
 */
function clipStrictly(delta: Float32Array, clip: number): Float32Array {
  let { clipped } = clipL2(delta, clip);
  for (let attempt = 0; attempt < 4; attempt++) {
    let squares = 0;
    for (const value of clipped) squares += value * value;
    const norm = Math.sqrt(squares);
    if (norm <= clip) return clipped;
    clipped = clipL2(clipped, clip * (1 - 1e-6 * 2 ** attempt)).clipped;
  }
  return clipped;
}

/** Clip to C, then: local -> + N(0, (σC)²); distributed in plain mode -> + N(0, (σC)²/N); distributed and secure -> nothing yet. */
export function privatizeDelta(delta: Float32Array, context: PrivatizeDeltaContext): Float32Array {
  const dp = parseDpSettings(context.dp);
  const clients = checkClients(context.clients);
  const clipped = clipStrictly(delta, dp.clip);
  const noiseStd =
    dp.mechanism === "local" ? dp.noiseMultiplier * dp.clip : context.secure ? 0 : (dp.noiseMultiplier * dp.clip) / Math.sqrt(clients);
  if (noiseStd === 0) return clipped;
  const noise = gaussianNoise({ length: clipped.length, standardDeviation: noiseStd });
  const out = new Float32Array(clipped.length);
  for (let i = 0; i < clipped.length; i++) out[i] = clipped[i]! + noise[i]!;
  return out;
}

/** Distributed: + round(N(0, (σCS)²/N)) per coordinate, so N clients' noise sums to std σCS. Local: an unchanged copy. */
export function privatizeQuantized(quantized: Int32Array, context: PrivatizeQuantizedContext): Int32Array {
  const dp = parseDpSettings(context.dp);
  const clients = checkClients(context.clients);
  const scale = context.scale;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0) throw new DpInputError(`The quantization scale must be a finite number > 0, got ${String(scale)}.`);
  if (dp.mechanism === "local") return Int32Array.from(quantized);
  const noise = gaussianNoise({ length: quantized.length, standardDeviation: (dp.noiseMultiplier * dp.clip * scale) / Math.sqrt(clients) });
  const out = new Int32Array(quantized.length);
  for (let i = 0; i < quantized.length; i++) {
    const value = quantized[i]! + Math.round(noise[i]!);
    if (value > 0x7fff_ffff || value < -0x8000_0000) {
      throw new DpInputError("The noised quantized update does not fit in int32.", `coordinate ${i}: ${value}; lower the noise multiplier, the clip or the scale`);
    }
    out[i] = value;
  }
  return out;
}
