// The secure mask group rlwr-2048 (docs/MASKING.md): ring-LWR masks y = B·g + ⌊(p/q)·a_b·s⌉ mod 2^40 that
// cancel, up to a small rounding residual, when the seeds sum to zero. Inputs are checked here; the
// arithmetic runs in the vector kernel (native/rlwr_kernel.c or its TS fallback) on every core.
import type { KernelKind } from "../kernel/kernel";
import { createKernelPool, type KernelPool } from "../kernel/kernelPool";
import { selectKernel, type KernelPreference } from "../kernel/selectKernel";
import { MaskCiphertextMalformedError, MaskDecodeError, MaskInputError } from "./errors";
import type { MaskGroup } from "./maskGroup";
import { checkBound, checkMaskedVectors, checkQuantized, checkStart } from "./maskInputs";
import {
  RLWR_CONTEXT_BYTES,
  RLWR_MAX_BOUND,
  RLWR_MAX_COORDINATE,
  RLWR_MAX_VECTORS,
  RLWR_SECURITY_BITS,
} from "./rlwrParameters";
import { checkRlwrSeed, decodeRlwrSeed, encodeRlwrSeed, randomRlwrSeed, rlwrSeedPlaintexts } from "./rlwrSeed";

export const RLWR_LIMBS_PER_ELEMENT = 2;

export interface CreateRlwrGroupParameters {
  /** native, ts or auto (default: FEDMASH_KERNEL, else auto = native when built). */
  kernel?: KernelPreference;
  /** Worker threads; every core by default. */
  threads?: number;
  /** Vectors smaller than this run on the caller's thread; 0 always uses the workers. */
  inlineBelow?: number;
}

export interface RlwrGroup extends MaskGroup<BigInt64Array> {
  readonly id: "rlwr-2048";
  readonly secure: true;
  readonly kernelKind: KernelKind;
  readonly threads: number;
}

function checkContext(context: unknown): Uint8Array {
  if (!(context instanceof Uint8Array) || context.length !== RLWR_CONTEXT_BYTES) {
    const got = context instanceof Uint8Array ? `${context.length} bytes` : typeof context;
    throw new MaskInputError("mask context", `rlwr-2048 needs the round's ${RLWR_CONTEXT_BYTES}-byte mask context, got ${got}`);
  }
  return context;
}

export function createRlwrGroup(parameters: CreateRlwrGroupParameters = {}): RlwrGroup {
  const pool: KernelPool = createKernelPool({
    kernel: selectKernel(parameters.kernel),
    threads: parameters.threads,
    inlineBelow: parameters.inlineBelow,
  });

  return {
    id: "rlwr-2048",
    secure: true,
    securityBits: RLWR_SECURITY_BITS,
    limbsPerElement: RLWR_LIMBS_PER_ELEMENT,
    maxVectors: RLWR_MAX_VECTORS,
    maxBound: RLWR_MAX_BOUND,
    kernelKind: pool.kind,
    threads: pool.threads,

    randomSeed: randomRlwrSeed,
    encodeSeed: encodeRlwrSeed,
    decodeSeed: decodeRlwrSeed,
    seedPlaintexts: rlwrSeedPlaintexts,

    async mask({ quantized, seed, start = 0, context }) {
      const grads = checkQuantized(quantized);
      const first = checkStart(start, grads.length, RLWR_MAX_COORDINATE);
      const checkedSeed = checkRlwrSeed(seed);
      const checkedContext = checkContext(context);
      if (grads.length === 0) return new Uint32Array(0);
      const publicValues = await pool.rlwrPublicValues(checkedContext, first, grads.length);
      return pool.rlwrMask({ publicValues, seed: checkedSeed, grads, start: first });
    },

    async aggregate({ masked, bound, start }) {
      const vectors = checkMaskedVectors(masked, RLWR_LIMBS_PER_ELEMENT);
      if (vectors.length > RLWR_MAX_VECTORS) {
        throw new MaskInputError("masked vectors", `${vectors.length} vectors is more than the ${RLWR_MAX_VECTORS} rlwr-2048 sums exactly`);
      }
      const limit = checkBound(bound, RLWR_MAX_BOUND);
      if (start !== undefined) checkStart(start, vectors[0]!.length / RLWR_LIMBS_PER_ELEMENT, RLWR_MAX_COORDINATE);
      const outcome = await pool.rlwrAggregate({ masked: vectors, bound: limit });
      if (outcome.ok) return outcome.sums;
      if (outcome.reason === "malformed") {
        throw new MaskCiphertextMalformedError(outcome.vector, outcome.index, "limb 1 is 256 or more: the element is not below 2^40");
      }
      throw new MaskDecodeError(
        outcome.index,
        outcome.residual,
        limit,
        `decoded ${outcome.value}; a sum of ${vectors.length} vectors needs 2|residual| < ${vectors.length} and |sum| <= ${limit}`,
      );
    },

    close: () => pool.close(),
  };
}
