// The kernel pool's own machinery: slicing across more threads than cores, the index-hash cache, the
// staged aggregation of many vectors (and the position it reports for a malformed element), and kernel
// failures surfacing as KernelWorkerError.
import { expect } from "chai";
import { KernelWorkerError } from "../../../../workers/crypto/kernel/errors";
import { MASH_P, writeLimbs } from "../../../../workers/crypto/kernel/field";
import type { KernelKind, MashKernel } from "../../../../workers/crypto/kernel/kernel";
import { createKernelPool, type CreateKernelPoolParameters, type KernelPool } from "../../../../workers/crypto/kernel/kernelPool";
import { selectKernel } from "../../../../workers/crypto/kernel/selectKernel";
import { KERNELS, requireKernel } from "./kernels";

describe("MASH kernel pool", function () {
  const pools: KernelPool[] = [];
  const pool = (kind: KernelKind, options: Omit<CreateKernelPoolParameters, "kernel">): KernelPool => {
    requireKernel(kind);
    const created = createKernelPool({ kernel: selectKernel(kind), ...options });
    pools.push(created);
    return created;
  };
  after(async () => Promise.all(pools.map((p) => p.close())));

  for (const kind of KERNELS) {
    describe(`${kind} kernel`, function () {
      it("gives the same mask on 3 threads with an uneven tail as inline", async function () {
        const grads = Int32Array.from({ length: 1_001 }, (_, i) => (i % 2 ? i : -i));
        const threaded = pool(kind, { threads: 3, inlineBelow: 0 });
        const inline = pool(kind, { threads: 1, inlineBelow: Number.MAX_SAFE_INTEGER });
        for (const seed of [987_654_321n, -55n]) {
          const a = await threaded.mask({ hashes: await threaded.indexHashes(40, 1_001), grads, seed });
          const b = await inline.mask({ hashes: await inline.indexHashes(40, 1_001), grads, seed });
          expect(a).to.deep.equal(b);
        }
      });

      it("keeps masking correctly when the hash cache evicts ranges", async function () {
        const small = pool(kind, { hashCacheEntries: 1 });
        const reference = pool(kind, {});
        const grads = Int32Array.of(1, -2, 3);
        for (const start of [0, 10, 0, 10]) {
          const a = await small.mask({ hashes: await small.indexHashes(start, 3), grads, seed: 7n });
          const b = await reference.mask({ hashes: await reference.indexHashes(start, 3), grads, seed: 7n });
          expect(a, `start ${start}`).to.deep.equal(b);
        }
      });

      it("aggregates in several staging batches and locates a malformed element in a later batch", async function () {
        // 12 bytes per element, 10 elements: 240 staging bytes hold 2 vectors, so 7 vectors take 4 batches.
        const staged = pool(kind, { stagingBytes: 240, inlineBelow: 0, threads: 2 });
        const hashes = await staged.indexHashes(0, 10);
        const seeds = [3n, 5n, 7n, 11n, 13n, 17n, -56n];
        const rows = seeds.map((_, j) => Int32Array.from({ length: 10 }, (_, i) => j * 10 + i - 30));
        const masked = await Promise.all(seeds.map((seed, j) => staged.mask({ hashes, grads: rows[j]!, seed })));
        const outcome = await staged.aggregate({ masked, bound: 1_000 });
        const sums = Array.from({ length: 10 }, (_, i) => rows.reduce((s, row) => s + row[i]!, 0));
        expect(outcome).to.deep.include({ ok: true });
        expect(outcome.ok && Array.from(outcome.sums)).to.deep.equal(sums);
        const broken = masked.map((v) => v.slice());
        writeLimbs(broken[5]!, 8, MASH_P + 1n);
        expect(await staged.aggregate({ masked: broken, bound: 1_000 })).to.deep.equal({ ok: false, reason: "malformed", vector: 5, index: 8 });
      });
    });
  }

  it("reports a kernel that throws as KernelWorkerError with the cause", async function () {
    const failing: MashKernel = {
      ...selectKernel("ts"),
      mask() {
        throw new RangeError("no memory");
      },
    };
    const broken = createKernelPool({ kernel: failing });
    const hashes = await broken.indexHashes(0, 2);
    const error = await broken.mask({ hashes, grads: Int32Array.of(1, 2), seed: 1n }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(KernelWorkerError);
    expect((error as KernelWorkerError).cause).to.be.instanceOf(RangeError);
  });
});
