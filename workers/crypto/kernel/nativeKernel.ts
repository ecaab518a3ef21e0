// Loads the native MASH kernel addon (native/mash_kernel.c, built by node-gyp at npm install) and
// wraps it as a MashKernel. Never throws: a missing or broken build is reported so callers can fall back.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { MashKernel } from "./kernel";

interface NativeAddon {
  hashes(start: number, combs: BigUint64Array): void;
  mask(combs: BigUint64Array, grads: Int32Array, exponent: BigUint64Array, invert: boolean, out: Uint32Array): void;
  multiplyInto(acc: BigUint64Array, batch: Uint32Array, count: number, stride: number, first: boolean): number;
  dlog(acc: BigUint64Array, bound: number, out: Int32Array): number;
  features(): { simd: boolean; shaNi: boolean };
  rlwrExpand(context: Uint8Array, firstBlock: number, aHat: BigUint64Array): void;
  rlwrMask(aHat: BigUint64Array, seed: BigInt64Array, grads: Int32Array, offset: number, out: Uint32Array): void;
  rlwrSumInto(acc: BigUint64Array, batch: Uint32Array, count: number, stride: number, first: boolean): number;
  rlwrDecode(acc: BigUint64Array, vectors: number, bound: number, out: Int32Array): number;
  rlwrPlainSum(acc: BigUint64Array, vectors: Uint32Array[]): void;
  rlwrShake128(message: Uint8Array, out: Uint8Array): void;
  rlwrFeatures(): { simd: RlwrSimd };
}

/** Which vector instructions the rlwr aggregate's sum and decode loops use. */
export type RlwrSimd = "scalar" | "avx2" | "avx512";

/** Native extras outside the kernel interface: the benchmark's plain sum and the tests' SHAKE128. */
export interface NativeRlwrExtras {
  /** acc[i] = Σ_v vectors[v] as u64 words (the same bytes as masked vectors), no checks, one thread. */
  plainSum(acc: BigUint64Array, vectors: Uint32Array[]): void;
  /** SHAKE128(message) into out (out.length bytes), the addon's own Keccak. */
  shake128(message: Uint8Array, out: Uint8Array): void;
}

export type LoadNativeKernelReturnType =
  /**
   * simd: the AVX-512 IFMA mask path is in use; shaNi: the index hashes use the SHA extensions. Each
   * needs the CPU feature and FEDMASH_KERNEL_SIMD not set to 0. rlwrSimd: the rlwr aggregate's loops.
   */
  | { kernel: MashKernel; path: string; simd: boolean; shaNi: boolean; rlwrSimd: RlwrSimd; rlwrExtras: NativeRlwrExtras; reason?: undefined }
  | { kernel?: undefined; path?: undefined; simd?: undefined; shaNi?: undefined; rlwrSimd?: undefined; rlwrExtras?: undefined; reason: string };

// From workers/crypto/kernel (ts-node) or dist/workers/crypto/kernel (compiled) up to the repo root.
const CANDIDATES = [
  join(__dirname, "..", "..", "..", "build", "Release", "mash_kernel.node"),
  join(__dirname, "..", "..", "..", "..", "build", "Release", "mash_kernel.node"),
];

let cached: LoadNativeKernelReturnType | undefined;

export function loadNativeKernel(): LoadNativeKernelReturnType {
  if (cached) return cached;
  const path = CANDIDATES.find((candidate) => existsSync(candidate));
  if (path === undefined) {
    cached = { reason: `native kernel not built (no ${CANDIDATES[0]}); run \`npm run build:native\`` };
    return cached;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(path) as NativeAddon;
    const kernel: MashKernel = {
      kind: "native",
      hashes: (start, combs) => addon.hashes(start, combs),
      mask: (combs, grads, exponent, invert, out) => addon.mask(combs, grads, exponent, invert, out),
      multiplyInto: (acc, batch, count, stride, first) => addon.multiplyInto(acc, batch, count, stride, first),
      dlog: (acc, bound, out) => addon.dlog(acc, bound, out),
      rlwr: {
        expand: (context, firstBlock, aHat) => addon.rlwrExpand(context, firstBlock, aHat),
        mask: (aHat, seed, grads, offset, out) => addon.rlwrMask(aHat, seed, grads, offset, out),
        sumInto: (acc, batch, count, stride, first) => addon.rlwrSumInto(acc, batch, count, stride, first),
        decode: (acc, vectors, bound, out) => addon.rlwrDecode(acc, vectors, bound, out),
      },
    };
    const rlwrExtras: NativeRlwrExtras = {
      plainSum: (acc, vectors) => addon.rlwrPlainSum(acc, vectors),
      shake128: (message, out) => addon.rlwrShake128(message, out),
    };
    cached = { kernel, path, ...addon.features(), rlwrSimd: addon.rlwrFeatures().simd, rlwrExtras };
  } catch (error) {
    cached = { reason: `native kernel at ${path} failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
  return cached;
}
