// One unit of kernel work over a slice [from, to) of shared vectors, run the same way on a worker
// thread or inline on the caller's thread. Views are cut here so a slice never copies its data.
import { COMB_WORDS, type MashKernel } from "./kernel";

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
  | {
      op: "multiply";
      acc: SharedArrayBuffer;
      batch: SharedArrayBuffer;
      count: number;
      stride: number;
      first: boolean;
      from: number;
      to: number;
    }
  | { op: "dlog"; acc: SharedArrayBuffer; bound: number; out: SharedArrayBuffer; from: number; to: number };

/**
 * Returns the kernel's status: -1 for success; for "multiply" v * stride + i and for "dlog" i, with i
 * relative to `from`, of the first element that failed.
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
  }
}
