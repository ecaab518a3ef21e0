// Chooses the MASH kernel: the native addon when it is built, else the pure-TS fallback. FEDMASH_KERNEL
// (native | ts | auto) overrides the default so tests and benchmarks can pin either path.
import { KernelUnavailableError } from "./errors";
import type { KernelKind, MashKernel } from "./kernel";
import { loadNativeKernel } from "./nativeKernel";
import { createTsKernel } from "./tsKernel";

export type KernelPreference = KernelKind | "auto";

let tsKernel: MashKernel | undefined;

/** The preference from FEDMASH_KERNEL, "auto" when unset. */
export function kernelPreferenceFromEnv(env: NodeJS.ProcessEnv = process.env): KernelPreference {
  const value = env.FEDMASH_KERNEL?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "auto") return "auto";
  if (value === "native" || value === "ts") return value;
  throw new KernelUnavailableError(value, "FEDMASH_KERNEL must be one of native, ts, auto");
}

export function selectKernel(preference: KernelPreference = kernelPreferenceFromEnv()): MashKernel {
  if (preference !== "ts") {
    const native = loadNativeKernel();
    if (native.kernel) return native.kernel;
    if (preference === "native") throw new KernelUnavailableError("native", native.reason);
  }
  tsKernel ??= createTsKernel();
  return tsKernel;
}
