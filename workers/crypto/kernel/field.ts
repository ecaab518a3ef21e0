// The paper-compat field Z_P, P = next_prime(2^80) = 2^80 + 13, as BigInt helpers shared by the pure-TS
// kernel, the mask group and the self-check, plus the element encodings the kernels exchange:
// "pairs" (two u64 per element, BigUint64Array) inside the kernel, "limbs" (three u32) on the wire.

/** P = next_prime(2^80). */
export const MASH_P = (1n << 80n) + 13n;
/** Q = next_prime(2^64): fresh seeds are drawn below it. */
export const MASH_Q = (1n << 64n) + 13n;
/** The multiplicative group has order P - 1, so exponents (seeds) only matter modulo P - 1. */
export const MASH_GROUP_ORDER = MASH_P - 1n;

import { modPow } from "../modPow";

const U64 = (1n << 64n) - 1n;
const U32 = 0xffff_ffffn;

export function modP(value: bigint): bigint {
  const r = value % MASH_P;
  return r < 0n ? r + MASH_P : r;
}

export function powModP(base: bigint, exponent: bigint): bigint {
  return modPow(base, exponent, MASH_P);
}

export function readPair(pairs: BigUint64Array, index: number): bigint {
  return (pairs[2 * index + 1]! << 64n) | pairs[2 * index]!;
}

export function writePair(pairs: BigUint64Array, index: number, value: bigint): void {
  pairs[2 * index] = value & U64;
  pairs[2 * index + 1] = value >> 64n;
}

export function readLimbs(limbs: Uint32Array, index: number): bigint {
  return (BigInt(limbs[3 * index + 2]!) << 64n) | (BigInt(limbs[3 * index + 1]!) << 32n) | BigInt(limbs[3 * index]!);
}

/** Every element of a limb vector (the wire format) as a bigint. */
export function limbsToBigints(limbs: Uint32Array): bigint[] {
  return Array.from({ length: Math.floor(limbs.length / 3) }, (_, i) => readLimbs(limbs, i));
}

export function writeLimbs(limbs: Uint32Array, index: number, value: bigint): void {
  limbs[3 * index] = Number(value & U32);
  limbs[3 * index + 1] = Number((value >> 32n) & U32);
  limbs[3 * index + 2] = Number(value >> 64n);
}

export interface SeedExponent {
  /** Non-negative exponent below 2^81; below 2^64 whenever `inverse` is set. */
  exponent: bigint;
  /** The kernel inverts H(k)^exponent (Montgomery's batch trick) before multiplying by 2^g. */
  inverse: boolean;
}

/**
 * Maps a seed to the exponent the kernels run. A negative seed above -2^64 raises H(k) to |s| and
 * inverts, which keeps a 64-bit exponent for the fast comb; anything larger (the holder's seed is minus
 * a sum of many seeds) is reduced modulo the group order P - 1, which gives the same power.
 */
export function seedExponent(seed: bigint): SeedExponent {
  if (seed >= 0n && seed <= U64) return { exponent: seed, inverse: false };
  if (seed < 0n && -seed <= U64) return { exponent: -seed, inverse: true };
  const reduced = seed % MASH_GROUP_ORDER;
  return { exponent: reduced < 0n ? reduced + MASH_GROUP_ORDER : reduced, inverse: false };
}
