// The contract every MASH vector kernel meets (native addon or pure TS): synchronous operations over
// whole slices of typed arrays, so one call covers a worker's whole share of a vector. Both kernels
// return bit-identical results; the pool and the mask group never care which one runs.

export type KernelKind = "native" | "ts";

export interface MashKernel {
  readonly kind: KernelKind;
  /**
   * hashes[i] = H(start + i) mod P and inverses[i] = its inverse, as canonical pairs (two u64 per
   * element, low word first). H(k) is SHA-256 of k as 24-byte big-endian.
   */
  hashes(start: number, hashes: BigUint64Array, inverses: BigUint64Array): void;
  /** out (three u32 limbs per element) = 2^grads[i] * bases[i]^exponent mod P; exponent = [low, high] words. */
  mask(bases: BigUint64Array, grads: Int32Array, exponent: BigUint64Array, out: Uint32Array): void;
  /**
   * acc[i] = (first ? 1 : acc[i]) * prod over v < count of batch[3 * (v * stride + i) ..] mod P, canonical.
   * Returns -1, or v * stride + i for the first element outside [1, P).
   */
  multiplyInto(acc: BigUint64Array, batch: Uint32Array, count: number, stride: number, first: boolean): number;
  /** out[i] = x with 2^x = acc[i] mod P and |x| <= bound. Returns -1, or the first index with no such x. */
  dlog(acc: BigUint64Array, bound: number, out: Int32Array): number;
}
