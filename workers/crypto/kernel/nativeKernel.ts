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
}

export type LoadNativeKernelReturnType =
  /**
   * simd: the AVX-512 IFMA mask path is in use; shaNi: the index hashes use the SHA extensions. Each
   * needs the CPU feature and FEDMASH_KERNEL_SIMD not set to 0.
   */
  | { kernel: MashKernel; path: string; simd: boolean; shaNi: boolean; reason?: undefined }
  | { kernel?: undefined; path?: undefined; simd?: undefined; shaNi?: undefined; reason: string };

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
    };
    cached = { kernel, path, ...addon.features() };
  } catch (error) {
    cached = { reason: `native kernel at ${path} failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
  return cached;
}
