// Gaussian noise for differential privacy, drawn from the operating system's CSPRNG (crypto.randomFillSync), never
// from the seeded task PRNG: noise that anyone holding the task seed could regenerate would protect nothing.
// Uniforms carry 53 random bits each and are turned into normals by Box–Muller, two per pair, over whole
// blocks of random words so a 10^5-element model costs one system call per block, not per element.
import { randomFillSync } from "node:crypto";
import { DpInputError } from "./errors";

export interface GaussianNoiseParameters {
  /** How many independent draws. */
  length: number;
  /** Standard deviation (>= 0, finite). */
  standardDeviation: number;
  /** Fills a Uint32Array with random words; tests may pin it, production leaves the CSPRNG. */
  random?: (words: Uint32Array) => void;
}

/** 2^-53: one uniform in [0, 1) is (hi · 2^26 + lo) · 2^-53 with 27 + 26 random bits. */
const TWO_POW_MINUS_53 = 1 / 9_007_199_254_740_992;
/** Normals per block of random words (4 words per pair of normals). */
const BLOCK_PAIRS = 16_384;

function defaultRandom(words: Uint32Array): void {
  randomFillSync(words);
}

/** `length` independent N(0, standardDeviation²) draws in float64. */
export function gaussianNoise(parameters: GaussianNoiseParameters): Float64Array {
  const { length, standardDeviation } = parameters;
  if (!Number.isSafeInteger(length) || length < 0) throw new DpInputError(`The noise length must be an integer >= 0, got ${length}.`);
  if (typeof standardDeviation !== "number" || !Number.isFinite(standardDeviation) || standardDeviation < 0) {
    throw new DpInputError(`The noise standard deviation must be a finite number >= 0, got ${standardDeviation}.`);
  }
  const out = new Float64Array(length);
  if (standardDeviation === 0 || length === 0) return out;
  const fill = parameters.random ?? defaultRandom;
  const words = new Uint32Array(4 * BLOCK_PAIRS);
  let index = 0;
  while (index < length) {
    const pairs = Math.min(BLOCK_PAIRS, Math.ceil((length - index) / 2));
    const block = words.subarray(0, 4 * pairs);
    fill(block);
    for (let p = 0; p < pairs; p++) {
      const w = 4 * p;
      // u1 in (0, 1] keeps the logarithm finite; u2 in [0, 1).
      const u1 = 1 - ((block[w]! >>> 5) * 67_108_864 + (block[w + 1]! >>> 6)) * TWO_POW_MINUS_53;
      const u2 = ((block[w + 2]! >>> 5) * 67_108_864 + (block[w + 3]! >>> 6)) * TWO_POW_MINUS_53;
      // |2·ln u1| is −2·ln u1 (u1 ≤ 1), but +0 rather than −0 at u1 = 1: a zero draw is +0, not −0.
      const radius = standardDeviation * Math.sqrt(Math.abs(2 * Math.log(u1)));
      const angle = 2 * Math.PI * u2;
      out[index++] = radius * Math.cos(angle);
      if (index < length) out[index++] = radius * Math.sin(angle);
    }
  }
  return out;
}
