// One unit of kernel work over a slice [from, to) of shared vectors, run the same way on a worker
// thread or inline on the caller's thread. Views are cut here so a slice never copies its data.
import { RLWR_N } from "../mask/rlwrParameters";
import { COMB_WORDS, type MashKernel } from "./kernel";

/**
 * A slice of the aggregate's accumulators and `count` staged vectors laid out `stride` elements apart (both
 * groups fold their vectors in the same way: paper-compat multiplies, rlwr-2048 adds).
 */
interface StagedBatchSlice {
  acc: SharedArrayBuffer;
  batch: SharedArrayBuffer;
  count: number;
  stride: number;
  first: boolean;
  from: number;
  to: number;
}

export type KernelJob =
  | { op: "hashes"; start: number; combs: SharedArrayBuffer; from: number; to: number }
  | {
      op: "mask";
      combs: SharedArrayBuffer;
      grads: SharedArrayBuffer;
      exponent: readonly [bigint, bigint];
      invert: boolean;
      out: SharedArrayBuffer;
      from: number;
      to: number;
    }
  | ({ op: "multiply" } & StagedBatchSlice)
  | { op: "dlog"; acc: SharedArrayBuffer; bound: number; out: SharedArrayBuffer; from: number; to: number }
  // rlwr-2048. Expansion slices count blocks of `aHat` (block firstBlock + from is aHat's block from);
  // the mask's count elements of a vector whose element 0 sits at slot `offset` of aHat's block `aHatBlock`.
  | { op: "rlwrExpand"; context: Uint8Array; firstBlock: number; aHat: SharedArrayBuffer; from: number; to: number }
  | {
      op: "rlwrMask";
      aHat: SharedArrayBuffer;
      aHatBlock: number;
      offset: number;
      seed: BigInt64Array;
      grads: SharedArrayBuffer;
      out: SharedArrayBuffer;
      from: number;
      to: number;
    }
  | ({ op: "rlwrSum" } & StagedBatchSlice)
  | { op: "rlwrDecode"; acc: SharedArrayBuffer; vectors: number; bound: number; out: SharedArrayBuffer; from: number; to: number };

/**
 * Returns the kernel's status: -1 for success; for "multiply" and "rlwrSum" v * stride + i and for
 * "dlog" and "rlwrDecode" i, with i relative to `from`, of the first element that failed.
 */
export function runKernelJob(kernel: MashKernel, job: KernelJob): number {
  const length = job.to - job.from;
  const pairs = (buffer: SharedArrayBuffer): BigUint64Array => new BigUint64Array(buffer, job.from * 16, length * 2);
  const combs = (buffer: SharedArrayBuffer): BigUint64Array =>
    new BigUint64Array(buffer, job.from * COMB_WORDS * 8, length * COMB_WORDS);
  switch (job.op) {
    case "hashes":
      kernel.hashes(job.start + job.from, combs(job.combs));
      return -1;
    case "mask":
      kernel.mask(
        combs(job.combs),
        new Int32Array(job.grads, job.from * 4, length),
        BigUint64Array.from(job.exponent),
        job.invert,
        new Uint32Array(job.out, job.from * 12, length * 3),
      );
      return -1;
    case "multiply": {
      const batchElements = job.count === 0 ? 0 : job.stride * (job.count - 1) + length;
      const batch = new Uint32Array(job.batch, job.from * 12, batchElements * 3);
      return kernel.multiplyInto(pairs(job.acc), batch, job.count, job.stride, job.first);
    }
    case "dlog":
      return kernel.dlog(pairs(job.acc), job.bound, new Int32Array(job.out, job.from * 4, length));
    case "rlwrExpand":
      kernel.rlwr.expand(job.context, job.firstBlock + job.from, new BigUint64Array(job.aHat, job.from * RLWR_N * 8, length * RLWR_N));
      return -1;
    case "rlwrMask": {
      const slot = job.offset + job.from;
      const firstBlock = job.aHatBlock + Math.floor(slot / RLWR_N);
      const blocks = Math.ceil(((slot % RLWR_N) + length) / RLWR_N);
      kernel.rlwr.mask(
        new BigUint64Array(job.aHat, firstBlock * RLWR_N * 8, blocks * RLWR_N),
        job.seed,
        new Int32Array(job.grads, job.from * 4, length),
        slot % RLWR_N,
        new Uint32Array(job.out, job.from * 8, length * 2),
      );
      return -1;
    }
    case "rlwrSum": {
      const batchElements = job.count === 0 ? 0 : job.stride * (job.count - 1) + length;
      const batch = new Uint32Array(job.batch, job.from * 8, batchElements * 2);
      return kernel.rlwr.sumInto(new BigUint64Array(job.acc, job.from * 8, length), batch, job.count, job.stride, job.first);
    }
    case "rlwrDecode":
      return kernel.rlwr.decode(new BigUint64Array(job.acc, job.from * 8, length), job.vectors, job.bound, new Int32Array(job.out, job.from * 4, length));
  }
}
