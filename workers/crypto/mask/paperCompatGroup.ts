// The paper-compat MASH mask group: P = next_prime(2^80), seeds below next_prime(2^64), exactly the
// MASH paper's parameters so its results can be reproduced. 80 bits give NO real security (the discrete
// log is easy at this size); it exists for comparison only. Inputs are checked here, the arithmetic
// runs in the vector kernel (workers/crypto/kernel) on every core.
import { MASH_GROUP_ORDER, MASH_P, MASH_Q } from "../kernel/field";
import type { KernelKind } from "../kernel/kernel";
import { createKernelPool, type KernelPool } from "../kernel/kernelPool";
import { selectKernel, type KernelPreference } from "../kernel/selectKernel";
import { DlogOutOfRangeError, MaskCiphertextMalformedError, MaskSeedOutOfRangeError } from "./errors";
import { indexHash } from "./indexHash";
import { checkBound, checkMaskedVectors, checkQuantized, checkStart } from "./maskInputs";
import { MASK_GROUP_INFO, type MaskGroup, type SeedPlaintextCodec } from "./maskGroup";
import { randomSeed } from "./randomSeed";

export const LIMBS_PER_ELEMENT = 3;
/** Sums are returned as int32. */
export const MAX_AGGREGATE_BOUND = 0x7fff_ffff;

export interface CreatePaperCompatGroupParameters {
  /** native, ts or auto (default: FEDMASH_KERNEL, else auto = native when built). */
  kernel?: KernelPreference;
  /** Worker threads; every core by default. */
  threads?: number;
  /** Vectors smaller than this run on the caller's thread; 0 always uses the workers. */
  inlineBelow?: number;
}

/**
 * A fresh seed is one plaintext (it is below Q); the holder decrypts the sum of `count` seeds, below
 * count·Q, and takes minus it. Exactly the MASH paper's shuffle.
 */
export const paperCompatSeedPlaintexts: SeedPlaintextCodec<bigint> = {
  toPlaintexts(seed) {
    if (typeof seed !== "bigint" || seed < 0n || seed >= MASH_Q) throw new MaskSeedOutOfRangeError(seed, MASH_Q);
    return [seed];
  },
  plaintextCount: () => 1,
  sumBound: (count) => BigInt(count) * (MASH_Q - 1n),
  holderSeed: (sums) => -(sums[0] ?? 0n),
};

export interface PaperCompatGroup extends MaskGroup<bigint> {
  /** P = next_prime(2^80). */
  readonly modulus: bigint;
  /** Fresh seeds are drawn uniformly from [0, seedBound). */
  readonly seedBound: bigint;
  /** H(k): SHA-256 of k as 24-byte big-endian, as a 256-bit integer. */
  indexHash(k: number | bigint): bigint;
  readonly kernelKind: KernelKind;
  readonly threads: number;
  /** The product of the masked vectors with its discrete log, for the self-check. */
  aggregateWithProduct(parameters: { masked: Uint32Array[]; bound: number }): Promise<{ sums: Int32Array; product: Uint32Array }>;
}

export function createPaperCompatGroup(parameters: CreatePaperCompatGroupParameters = {}): PaperCompatGroup {
  const pool: KernelPool = createKernelPool({
    kernel: selectKernel(parameters.kernel),
    threads: parameters.threads,
    inlineBelow: parameters.inlineBelow,
  });

  const aggregateChecked = async (masked: unknown, bound: unknown, start: unknown, keepProduct: boolean) => {
    const vectors = checkMaskedVectors(masked, LIMBS_PER_ELEMENT);
    const limit = checkBound(bound, MAX_AGGREGATE_BOUND);
    if (start !== undefined) checkStart(start, vectors[0]!.length / LIMBS_PER_ELEMENT);
    const outcome = await pool.aggregate({ masked: vectors, bound: limit, keepProduct });
    if (outcome.ok) return outcome;
    if (outcome.reason === "malformed") {
      throw new MaskCiphertextMalformedError(outcome.vector, outcome.index, "the element is not in [1, P)");
    }
    throw new DlogOutOfRangeError(outcome.index, limit);
  };

  return {
    // id, secure: false, the nominal 80 bits, and the limits of int32 sums found by a bounded discrete log.
    ...MASK_GROUP_INFO["paper-compat"],
    modulus: MASH_P,
    seedBound: MASH_Q,
    limbsPerElement: LIMBS_PER_ELEMENT,
    kernelKind: pool.kind,
    threads: pool.threads,

    indexHash,
    randomSeed: () => randomSeed(),
    encodeSeed: (seed) => seed.toString(),
    decodeSeed(text) {
      if (!/^-?\d{1,40}$/.test(text)) throw new MaskSeedOutOfRangeError(text, MASH_GROUP_ORDER);
      return BigInt(text);
    },
    seedPlaintexts: paperCompatSeedPlaintexts,

    async mask({ quantized, seed, start = 0 }) {
      checkQuantized(quantized);
      // Exponents live modulo the group order P - 1; a larger seed cannot come from the protocol.
      if (typeof seed !== "bigint" || seed >= MASH_GROUP_ORDER || seed <= -MASH_GROUP_ORDER) {
        throw new MaskSeedOutOfRangeError(seed, MASH_GROUP_ORDER);
      }
      const first = checkStart(start, quantized.length);
      const hashes = await pool.indexHashes(first, quantized.length);
      return pool.mask({ hashes, grads: quantized, seed });
    },

    async aggregate({ masked, bound, start }) {
      return (await aggregateChecked(masked, bound, start, false)).sums;
    },

    async aggregateWithProduct({ masked, bound }) {
      const outcome = await aggregateChecked(masked, bound, undefined, true);
      return { sums: outcome.sums, product: outcome.product! };
    },

    close: () => pool.close(),
  };
}
