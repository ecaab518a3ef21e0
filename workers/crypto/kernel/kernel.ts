// The contract every MASH vector kernel meets (native addon or pure TS): synchronous operations over
// whole slices of typed arrays, so one call covers a worker's whole share of a vector. Both kernels
// return bit-identical results; the pool and the mask groups never care which one runs. paper-compat
// uses the top-level operations, rlwr-2048 those under `rlwr`.

export type KernelKind = "native" | "ts";

/** Comb entries cached per index: H(k)^(2^(8t)) for t = 0..7, two u64 words each. */
export const COMB_TEETH = 8;
export const COMB_WORDS = 2 * COMB_TEETH;

/**
 * The rlwr-2048 operations (docs/MASKING.md). Public NTT values, the aggregate's accumulators and seeds
 * are u64/i64 words; masked vectors are two u32 limbs per element (y mod 2^32, y / 2^32).
 */
export interface RlwrKernel {
  /** aHat[2048·k + j] = â_(firstBlock + k)[j], for every whole block aHat holds, from SHAKE128 of the context. */
  expand(context: Uint8Array, firstBlock: number, aHat: BigUint64Array): void;
  /**
   * out = y_i = (B·g_i + m_i) mod 2^40 as two limbs per element, where grads[0] sits at slot `offset` of
   * the first block in aHat and m is the rounded mask of a·seed (the seed's |s_j| < 2^63).
   */
  mask(aHat: BigUint64Array, seed: BigInt64Array, grads: Int32Array, offset: number, out: Uint32Array): void;
  /**
   * acc[i] = (first ? 0 : acc[i]) + Σ_(v < count) y of batch element v·stride + i, unreduced. Returns -1,
   * or v·stride + i of the first element (by vector, then index) whose limb 1 is 256 or more.
   */
  sumInto(acc: BigUint64Array, batch: Uint32Array, count: number, stride: number, first: boolean): number;
  /**
   * out[i] = G, decoded from acc[i] mod 2^40 for a sum of `vectors` masked vectors. Returns -1, or the first
   * i where 2|e| ≥ vectors or |G| > bound.
   */
  decode(acc: BigUint64Array, vectors: number, bound: number, out: Int32Array): number;
}

export interface MashKernel {
  readonly kind: KernelKind;
  /** The secure group's operations, from the same native addon or TS fallback. */
  readonly rlwr: RlwrKernel;
  /**
   * The comb of each index: combs[COMB_WORDS * i + 2t ..] = H(start + i)^(2^(8t)) mod P as canonical
   * pairs (two u64, low word first), t < COMB_TEETH. H(k) is SHA-256 of k as 24-byte big-endian; t = 0
   * is H(k) mod P itself.
   */
  hashes(start: number, combs: BigUint64Array): void;
  /**
   * out (three u32 limbs per element) = 2^grads[i] * (H_i^exponent)^(invert ? -1 : 1) mod P, with
   * exponent = [low, high] words (high must be 0 when inverting).
   */
  mask(combs: BigUint64Array, grads: Int32Array, exponent: BigUint64Array, invert: boolean, out: Uint32Array): void;
  /**
   * acc[i] = (first ? 1 : acc[i]) * prod over v < count of batch[3 * (v * stride + i) ..] mod P, canonical.
   * Returns -1, or v * stride + i for the first element outside [1, P).
   */
  multiplyInto(acc: BigUint64Array, batch: Uint32Array, count: number, stride: number, first: boolean): number;
  /** out[i] = x with 2^x = acc[i] mod P and |x| <= bound. Returns -1, or the first index with no such x. */
  dlog(acc: BigUint64Array, bound: number, out: Int32Array): number;
}
