// The mask-group interface every MASH role uses: mask a quantized update, aggregate masked vectors back
// to the sum. Only the paper-compat parameter set exists today; a secure group plugs in behind the same
// interface (a new id, `secure: true`) without touching callers.

export type MaskGroupId = "paper-compat";

export interface MaskParameters {
  /** The clipped, quantized update g (see workers/crypto/quantize.ts). */
  quantized: Int32Array;
  /** The client's seed s. Fresh seeds are below `seedBound`; the holder's is minus a sum and may be larger. */
  seed: bigint;
  /** Index of quantized[0] in the model vector: H(start + i) masks element i. Defaults to 0. */
  start?: number;
}

export interface AggregateParameters {
  /** Masked vectors of one round, `limbsPerElement` u32 limbs per element, all the same length. */
  masked: Uint32Array[];
  /** Largest |sum| the discrete log searches, N·round(c·S) (see aggregateBound). */
  bound: number;
  /** Index of the first element, as in MaskParameters. The masks cancel, so it does not change the sum. */
  start?: number;
}

export interface MaskGroup {
  readonly id: MaskGroupId;
  /** false: paper-compat uses an 80-bit prime, where the discrete log is easy. */
  readonly secure: false;
  readonly modulus: bigint;
  /** Fresh seeds are drawn uniformly from [0, seedBound). */
  readonly seedBound: bigint;
  readonly limbsPerElement: number;
  /** H(k): SHA-256 of k as 24-byte big-endian, as a 256-bit integer. */
  indexHash(k: number | bigint): bigint;
  /** y_k = 2^g_k · H(k)^s mod P for k = start .. start + d - 1. */
  mask(parameters: MaskParameters): Promise<Uint32Array>;
  /** Σ g over the clients whose seeds sum to zero, from the product of their masked vectors. */
  aggregate(parameters: AggregateParameters): Promise<Int32Array>;
}
