// Shared setup of the mask-group tests: the kernels every test runs on (native and TS; only TS when
// FEDMASH_KERNEL=ts is set on purpose), one group per kernel and the exact BigInt reference y_k.
import { MASH_P, powModP } from "../../../../workers/crypto/kernel/field";
import type { KernelKind } from "../../../../workers/crypto/kernel/kernel";
import { loadNativeKernel } from "../../../../workers/crypto/kernel/nativeKernel";
import { sha256Index } from "../../../../workers/crypto/kernel/tsKernel";
import { createPaperCompatGroup, type PaperCompatGroup } from "../../../../workers/crypto/mask/paperCompatGroup";

export const KERNELS: KernelKind[] = process.env.FEDMASH_KERNEL === "ts" ? ["ts"] : ["native", "ts"];

/** Fails loudly (not a skip) when the native kernel should be tested but was not built. */
export function requireKernel(kind: KernelKind): void {
  if (kind === "native") {
    const native = loadNativeKernel();
    if (!native.kernel) throw new Error(`native kernel missing: ${native.reason} (set FEDMASH_KERNEL=ts to test the fallback only)`);
  }
}

const groups = new Map<string, PaperCompatGroup>();

/** One group per kernel and threading mode; `pooled` sends every vector through the worker threads. */
export function groupFor(kind: KernelKind, pooled = false): PaperCompatGroup {
  const key = `${kind}:${pooled}`;
  let group = groups.get(key);
  if (!group) {
    requireKernel(kind);
    group = createPaperCompatGroup({ kernel: kind, inlineBelow: pooled ? 0 : undefined });
    groups.set(key, group);
  }
  return group;
}

export async function closeGroups(): Promise<void> {
  await Promise.all([...groups.values()].map((group) => group.close()));
  groups.clear();
}

/** The paper's formula element by element with plain BigInt: 2^g · H(k)^s mod P. */
export function referenceMask(grads: readonly number[], seed: bigint, start: number): bigint[] {
  return grads.map((g, i) => {
    const h = sha256Index(BigInt(start + i)) % MASH_P;
    const hs = seed >= 0n ? powModP(h, seed) : powModP(powModP(h, MASH_P - 2n), -seed);
    const twoG = g >= 0 ? powModP(2n, BigInt(g)) : powModP(powModP(2n, MASH_P - 2n), BigInt(-g));
    return (twoG * hs) % MASH_P;
  });
}
