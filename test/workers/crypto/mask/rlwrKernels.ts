// Shared setup of the rlwr-2048 tests: one group per kernel (native and TS; only TS when FEDMASH_KERNEL=ts
// is set on purpose) and threading mode, and small helpers for zero-sum seed sets and column sums.
import type { KernelKind } from "../../../../workers/crypto/kernel/kernel";
import { createRlwrGroup, type RlwrGroup } from "../../../../workers/crypto/mask/rlwrGroup";
import { RLWR_N } from "../../../../workers/crypto/mask/rlwrParameters";
import { requireKernel } from "./kernels";

export { KERNELS } from "./kernels";

const groups = new Map<string, RlwrGroup>();

/** `pooled` sends every vector through the worker threads (3 of them, more than the cores here). */
export function rlwrGroupFor(kind: KernelKind, pooled = false): RlwrGroup {
  const key = `${kind}:${pooled}`;
  let group = groups.get(key);
  if (!group) {
    requireKernel(kind);
    group = createRlwrGroup({ kernel: kind, inlineBelow: pooled ? 0 : undefined, threads: pooled ? 3 : undefined });
    groups.set(key, group);
  }
  return group;
}

export async function closeRlwrGroups(): Promise<void> {
  await Promise.all([...groups.values()].map((group) => group.close()));
  groups.clear();
}

/** Minus the coefficient-wise sum of the seeds, over the integers: the holder's seed. */
export function negatedSum(seeds: readonly BigInt64Array[]): BigInt64Array {
  const holder = new BigInt64Array(RLWR_N);
  for (const seed of seeds) for (let j = 0; j < RLWR_N; j++) holder[j]! -= seed[j]!;
  return holder;
}

export function columnSums(grads: readonly Int32Array[]): number[] {
  return Array.from(grads[0]!, (_, i) => grads.reduce((sum, row) => sum + row[i]!, 0));
}

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}
