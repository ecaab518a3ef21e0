// A persistent pool of worker threads running one MASH kernel over shared memory: each vector operation is
// split into one contiguous slice per thread, so the whole vector costs one message per thread, never a
// call per element. Small jobs run inline, on the caller's thread, with the same kernel.
import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { KernelWorkerError } from "./errors";
import { readPair, seedExponent, writeLimbs } from "./field";
import { COMB_WORDS, type KernelKind, type MashKernel } from "./kernel";
import type { KernelWorkerReply, KernelWorkerRequest } from "./kernelWorker";
import { runKernelJob, type KernelJob } from "./runKernelJob";

/** Cached combs H(k)^(2^(8t)) mod P for k in [start, start + length), COMB_WORDS u64 per element. */
export interface IndexHashes {
  readonly start: number;
  readonly length: number;
  readonly combs: SharedArrayBuffer;
}

export type PoolAggregateOutcome =
  | { ok: true; sums: Int32Array; product?: Uint32Array }
  | { ok: false; reason: "malformed"; vector: number; index: number }
  | { ok: false; reason: "outOfRange"; index: number };

export interface KernelPool {
  readonly kind: KernelKind;
  readonly threads: number;
  indexHashes(start: number, length: number): Promise<IndexHashes>;
  /** 2^grads[i] * H(start + i)^seed mod P as three u32 limbs per element. */
  mask(parameters: { hashes: IndexHashes; grads: Int32Array; seed: bigint }): Promise<Uint32Array>;
  /** Product of the masked vectors and its bounded discrete log; `keepProduct` also returns the product. */
  aggregate(parameters: { masked: readonly Uint32Array[]; bound: number; keepProduct?: boolean }): Promise<PoolAggregateOutcome>;
  /** Stops the worker threads; the pool starts new ones if used again. */
  close(): Promise<void>;
}

export interface CreateKernelPoolParameters {
  kernel: MashKernel;
  /** Worker threads; defaults to every core (os.availableParallelism()). */
  threads?: number;
  /** Vectors with fewer elements (times vectors, for aggregation) run inline; 0 sends everything to workers. */
  inlineBelow?: number;
  /** Index-hash combs kept per pool (a round masks the same range every time): at most this many ranges... */
  hashCacheEntries?: number;
  /** ... and at most this many bytes (128 per element); 512 MiB by default. */
  hashCacheBytes?: number;
  /** Masked vectors are copied into shared memory this many bytes at a time (64 MiB by default), so
   * aggregating N = 1000 vectors does not double the memory they already take. */
  stagingBytes?: number;
}

// Slices start on a multiple of the native kernel's lane count.
const SLICE_ALIGN = 8;

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: (status: number) => void; reject: (error: unknown) => void; op: string }>;
}

function splitRanges(length: number, parts: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const size = Math.ceil(length / parts / SLICE_ALIGN) * SLICE_ALIGN;
  for (let from = 0; from < length; from += size) ranges.push([from, Math.min(length, from + size)]);
  return ranges;
}

function workerEntry(): { file: string; execArgv: string[] } {
  // Under ts-node (tests, npm scripts) the worker is the .ts source and needs ts-node itself.
  const extension = extname(__filename);
  const file = join(__dirname, `kernelWorker${extension}`);
  return { file, execArgv: extension === ".ts" ? ["-r", "ts-node/register/transpile-only"] : [] };
}

export function createKernelPool(parameters: CreateKernelPoolParameters): KernelPool {
  const kernel = parameters.kernel;
  const threads = Math.max(1, parameters.threads ?? availableParallelism());
  const inlineBelow = parameters.inlineBelow ?? 4096;
  const hashCacheEntries = parameters.hashCacheEntries ?? 8;
  const hashCacheBytes = parameters.hashCacheBytes ?? 512 * 1024 * 1024;
  const stagingBytes = parameters.stagingBytes ?? 64 * 1024 * 1024;
  const hashCache = new Map<string, { length: number; hashes: Promise<IndexHashes> }>();
  let workers: PoolWorker[] = [];
  let nextId = 1;
  // Scratch shared buffers by size: allocating (and zeroing) megabytes of shared memory per call cost
  // as much as a third of a warm mask. Every use overwrites what it reads.
  const spare = new Map<number, SharedArrayBuffer[]>();
  const borrow = (bytes: number): SharedArrayBuffer => spare.get(bytes)?.pop() ?? new SharedArrayBuffer(bytes);
  const giveBack = (...buffers: SharedArrayBuffer[]): void => {
    for (const buffer of buffers) {
      const list = spare.get(buffer.byteLength) ?? [];
      if (list.length < 2) list.push(buffer);
      spare.set(buffer.byteLength, list);
    }
  };

  const spawn = (): PoolWorker => {
    const { file, execArgv } = workerEntry();
    const worker = new Worker(file, { workerData: { kind: kernel.kind }, execArgv });
    const entry: PoolWorker = { worker, pending: new Map() };
    const failAll = (error: unknown): void => {
      for (const job of entry.pending.values()) job.reject(new KernelWorkerError(job.op, error));
      entry.pending.clear();
      workers = workers.filter((w) => w !== entry);
    };
    worker.on("message", (reply: KernelWorkerReply) => {
      const job = entry.pending.get(reply.id);
      if (!job) return;
      entry.pending.delete(reply.id);
      if (entry.pending.size === 0) worker.unref();
      if (reply.error !== undefined) job.reject(new KernelWorkerError(job.op, new Error(reply.error)));
      else job.resolve(reply.status);
    });
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`worker exited with code ${code}`)));
    worker.unref();
    return entry;
  };

  const post = (entry: PoolWorker, job: KernelJob): Promise<number> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      entry.pending.set(id, { resolve, reject, op: job.op });
      // Keep the process alive while a job is out; idle workers must not hold it open.
      entry.worker.ref();
      entry.worker.postMessage({ id, job } satisfies KernelWorkerRequest);
    });

  /** Runs one job per slice and returns each slice's status with its range. */
  const run = async (
    length: number,
    work: number,
    makeJob: (from: number, to: number) => KernelJob,
  ): Promise<Array<{ from: number; status: number }>> => {
    if (length === 0) return [];
    if (work < inlineBelow) {
      const job = makeJob(0, length);
      try {
        return [{ from: 0, status: runKernelJob(kernel, job) }];
      } catch (error) {
        throw new KernelWorkerError(job.op, error);
      }
    }
    while (workers.length < threads) workers.push(spawn());
    const ranges = splitRanges(length, threads);
    const statuses = await Promise.all(ranges.map(([from, to], i) => post(workers[i % workers.length]!, makeJob(from, to))));
    return ranges.map(([from], i) => ({ from, status: statuses[i]! }));
  };

  const computeHashes = async (start: number, length: number): Promise<IndexHashes> => {
    const combs = new SharedArrayBuffer(length * COMB_WORDS * 8);
    await run(length, length, (from, to) => ({ op: "hashes", start, combs, from, to }));
    return { start, length, combs };
  };

  const aggregateInto = async (
    masked: readonly Uint32Array[],
    bound: number,
    keepProduct: boolean,
    buffers: { acc: SharedArrayBuffer; staging: SharedArrayBuffer; out: SharedArrayBuffer; perBatch: number; length: number },
  ): Promise<PoolAggregateOutcome> => {
    const { acc, staging, out, perBatch, length } = buffers;
    const stagingView = new Uint32Array(staging);
    for (let first = 0; first < masked.length; first += perBatch) {
      const count = Math.min(perBatch, masked.length - first);
      for (let v = 0; v < count; v++) stagingView.set(masked[first + v]!, v * length * 3);
      const results = await run(length, length * count, (from, to) => ({
        op: "multiply",
        acc,
        batch: staging,
        count,
        stride: length,
        first: first === 0,
        from,
        to,
      }));
      const bad = results
        .filter((r) => r.status >= 0)
        .map((r) => ({ vector: first + Math.floor(r.status / length), index: r.from + (r.status % length) }))
        .sort((a, b) => a.vector - b.vector || a.index - b.index)[0];
      if (bad) return { ok: false, reason: "malformed", ...bad };
    }
    const results = await run(length, length, (from, to) => ({ op: "dlog", acc, bound, out, from, to }));
    const failures = results.filter((r) => r.status >= 0).map((r) => r.from + r.status);
    if (failures.length > 0) return { ok: false, reason: "outOfRange", index: Math.min(...failures) };
    const sums = new Int32Array(out, 0, length).slice();
    if (!keepProduct) return { ok: true, sums };
    const pairs = new BigUint64Array(acc, 0, length * 2);
    const product = new Uint32Array(length * 3);
    for (let i = 0; i < length; i++) writeLimbs(product, i, readPair(pairs, i));
    return { ok: true, sums, product };
  };

  return {
    kind: kernel.kind,
    threads,

    indexHashes(start, length) {
      const key = `${start}:${length}`;
      let entry = hashCache.get(key);
      if (entry) {
        hashCache.delete(key); // re-insert: Map order is the eviction order
      } else {
        entry = { length, hashes: computeHashes(start, length) };
        entry.hashes.catch(() => hashCache.delete(key));
      }
      hashCache.set(key, entry);
      const bytes = (): number => [...hashCache.values()].reduce((sum, e) => sum + e.length * COMB_WORDS * 8, 0);
      while (hashCache.size > 1 && (hashCache.size > hashCacheEntries || bytes() > hashCacheBytes)) {
        hashCache.delete(hashCache.keys().next().value!);
      }
      return entry.hashes;
    },

    async mask({ hashes, grads, seed }) {
      const length = grads.length;
      const { exponent, inverse } = seedExponent(seed);
      const sharedGrads = borrow(length * 4);
      new Int32Array(sharedGrads).set(grads);
      const out = borrow(length * 12);
      const words = [exponent & 0xffff_ffff_ffff_ffffn, exponent >> 64n] as const;
      const combs = hashes.combs;
      await run(length, length, (from, to) => ({ op: "mask", combs, grads: sharedGrads, exponent: words, invert: inverse, out, from, to }));
      try {
        return new Uint32Array(out, 0, length * 3).slice();
      } finally {
        giveBack(sharedGrads, out);
      }
    },

    async aggregate({ masked, bound, keepProduct }) {
      const length = masked[0]!.length / 3;
      const perBatch = Math.max(1, Math.min(masked.length, Math.floor(stagingBytes / Math.max(1, length * 12))));
      const acc = borrow(length * 16);
      const staging = borrow(perBatch * length * 12);
      const out = borrow(length * 4);
      // Only a normal return hands the buffers back: after a worker failure another may still write.
      const outcome = await aggregateInto(masked, bound, keepProduct === true, { acc, staging, out, perBatch, length });
      giveBack(acc, staging, out);
      return outcome;
    },

    async close() {
      const closing = workers;
      workers = [];
      await Promise.all(closing.map((entry) => entry.worker.terminate()));
    },
  };
}
