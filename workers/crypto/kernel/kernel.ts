// The contract every MASH vector kernel meets (native addon or pure TS): synchronous operations over
// whole slices of typed arrays, so one call covers a worker's whole share of a vector. Both kernels
// return bit-identical results; the pool and the mask group never care which one runs.

export type KernelKind = "native" | "ts";

/** Comb entries cached per index: H(k)^(2^(8t)) for t = 0..7, two u64 words each. */
export const COMB_TEETH = 8;
export const COMB_WORDS = 2 * COMB_TEETH;

export interface MashKernel {
  readonly kind: KernelKind;
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
