// The seeded pseudo-random generator behind every reproducible choice of the ML layer (data split, shuffling,
// initial weights). Clients never talk to agree on a split, so all of them must derive the very same stream
// from the task's seed: xoshiro128** seeded by SHA-256, with integer arithmetic only in the core.
import { createHash } from "node:crypto";
import { PrngInvalidBoundError, PrngInvalidSeedError } from "./errors";

/** A task seed as it arrives from the chain or the CLI. Numbers must be safe integers. */
export type PrngSeed = number | bigint | string;

export interface Prng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Uniform integer in [0, bound), without modulo bias; bound is an integer in [1, 2^32]. */
  nextInt(bound: number): number;
  /** Standard normal variate (Box–Muller). */
  nextNormal(): number;
}

function canonicalSeed(seed: PrngSeed): string {
  if (typeof seed === "bigint") return seed.toString();
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed)) throw new PrngInvalidSeedError(seed);
    return seed.toString();
  }
  if (typeof seed === "string" && seed.length > 0) return seed;
  throw new PrngInvalidSeedError(seed);
}

/**
 * Creates the generator for `seed`. `domain` separates independent streams drawn from one task seed (the
 * split and the initial weights must not reuse the same numbers), so `createPrng(7, "a")` and
 * `createPrng(7, "b")` are unrelated.
 */
export function createPrng(seed: PrngSeed, domain = ""): Prng {
  // SHA-256 gives a well-mixed state even for seeds 0, 1, 2 that differ in one bit.
  const digest = createHash("sha256").update(`fedmash-prng\0${domain}\0${canonicalSeed(seed)}`).digest();
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) state[i] = digest.readUInt32BE(4 * i);
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1; // xoshiro's one forbidden state

  const nextUint32 = (): number => {
    const s0 = state[0];
    const s1 = state[1];
    const s2 = state[2];
    const s3 = state[3];
    const t = (s1 << 9) >>> 0;
    const result = (Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0);
    state[2] = s2 ^ s0;
    state[3] = s3 ^ s1;
    state[1] = s1 ^ state[2];
    state[0] = s0 ^ state[3];
    state[2] = state[2] ^ t;
    state[3] = rotl(state[3], 11);
    return result;
  };

  const nextFloat = (): number => {
    const high = nextUint32() >>> 5; // 27 bits
    const low = nextUint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / 9_007_199_254_740_992;
  };

  const nextInt = (bound: number): number => {
    if (!Number.isInteger(bound) || bound < 1 || bound > 0x1_0000_0000) {
      throw new PrngInvalidBoundError(bound);
    }
    // Rejection keeps the draw exactly uniform: values past the last full multiple of `bound` are redrawn.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
    for (;;) {
      const value = nextUint32();
      if (value < limit) return value % bound;
    }
  };

  const nextNormal = (): number => {
    // 1 - u is in (0, 1], so the logarithm stays finite.
    const u = 1 - nextFloat();
    const v = nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };

  return { nextUint32, nextFloat, nextInt, nextNormal };
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}
