// A persistent pool of worker threads running one MASH kernel over shared memory: each vector operation is
// split into one contiguous slice per thread, so the whole vector costs one message per thread, never a
// call per element. Small jobs run inline, on the caller's thread, with the same kernel. It serves both
// mask groups: paper-compat (index-hash combs, product + DLOG) and rlwr-2048 (public NTT values by
// blocks of 2048 coordinates, sum mod 2^40 + decode).
import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { KernelWorkerError } from "./errors";
import { RLWR_N } from "../mask/rlwrParameters";
import { readPair, seedExponent, writeLimbs } from "./field";
import { COMB_WORDS, type KernelKind, type MashKernel } from "./kernel";
import type { KernelWorkerReply, KernelWorkerRequest } from "./kernelWorker";
import { decodeResidual } from "./rlwrTsKernel";
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

/** The NTT values â_b of blocks firstBlock .. firstBlock + blocks − 1 of one mask context, 2048 u64 per block. */
export interface RlwrPublicValues {
  readonly context: string;
  readonly firstBlock: number;
  readonly blocks: number;
  readonly values: SharedArrayBuffer;
}

export type PoolRlwrAggregateOutcome =
  | { ok: true; sums: Int32Array }
  | { ok: false; reason: "malformed"; vector: number; index: number }
  /** The first coordinate failing 2|e| < N or |G| ≤ bound, with its decoded G and residual e. */
  | { ok: false; reason: "undecodable"; index: number; value: number; residual: number };

export interface KernelPool {
  readonly kind: KernelKind;
  readonly threads: number;
  indexHashes(start: number, length: number): Promise<IndexHashes>;
  /** 2^grads[i] * H(start + i)^seed mod P as three u32 limbs per element. */
  mask(parameters: { hashes: IndexHashes; grads: Int32Array; seed: bigint }): Promise<Uint32Array>;
  /** Product of the masked vectors and its bounded discrete log; `keepProduct` also returns the product. */
  aggregate(parameters: { masked: readonly Uint32Array[]; bound: number; keepProduct?: boolean }): Promise<PoolAggregateOutcome>;
  /**
   * rlwr-2048: the public values of the blocks covering [start, start + length) for a 32-byte context.
   * The last context's values are kept (a round masks with one context; tests and benchmarks reuse it).
   */
  rlwrPublicValues(context: Uint8Array, start: number, length: number): Promise<RlwrPublicValues>;
  /** rlwr-2048: y_i = B·g_i + m_i mod 2^40 for coordinates start + i, two u32 limbs per element. */
  rlwrMask(parameters: { publicValues: RlwrPublicValues; seed: BigInt64Array; grads: Int32Array; start: number }): Promise<Uint32Array>;
  /** rlwr-2048: Σ of the masked vectors mod 2^40, decoded with the residual check for N = masked.length. */
  rlwrAggregate(parameters: { masked: readonly Uint32Array[]; bound: number }): Promise<PoolRlwrAggregateOutcome>;
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
  /** rlwr-2048: the last context's public values are widened to cover new ranges up to this many bytes
   * (16 KiB per block of 2048 coordinates); 64 MiB by default. */
  publicValuesBytes?: number;
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

/**
 * Slices of whole 2048-coordinate blocks for a vector whose element 0 sits at slot `offset` of its first
 * block: every block's inverse NTT then runs once, on one thread.
 */
function blockRanges(offset: number, length: number, parts: number): Array<[number, number]> {
  const blocks = Math.ceil((offset + length) / RLWR_N);
  const perPart = Math.ceil(blocks / parts);
  const ranges: Array<[number, number]> = [];
  for (let block = 0; block < blocks; block += perPart) {
    ranges.push([Math.max(0, block * RLWR_N - offset), Math.min(length, (block + perPart) * RLWR_N - offset)]);
  }
  return ranges;
}

function workerEntry(): { file: string; execArgv: string[] } {
  // From the TypeScript sources (the CLI, tests, npm scripts) the worker is the .ts file, loaded by the project's cached
  // transpiling hook (bin/registerTs.js), as the CLI loads everything else.
  const extension = extname(__filename);
  const file = join(__dirname, `kernelWorker${extension}`);
  return { file, execArgv: extension === ".ts" ? ["-r", join(__dirname, "..", "..", "..", "bin", "registerTs.js")] : [] };
}

export function createKernelPool(parameters: CreateKernelPoolParameters): KernelPool {
  const kernel = parameters.kernel;
  const threads = Math.max(1, parameters.threads ?? availableParallelism());
  const inlineBelow = parameters.inlineBelow ?? 4096;
  const hashCacheEntries = parameters.hashCacheEntries ?? 8;
  const hashCacheBytes = parameters.hashCacheBytes ?? 512 * 1024 * 1024;
  const stagingBytes = parameters.stagingBytes ?? 64 * 1024 * 1024;
  const publicValuesBytes = parameters.publicValuesBytes ?? 64 * 1024 * 1024;
  let publicValuesCache: { context: string; firstBlock: number; blocks: number; values: Promise<RlwrPublicValues> } | undefined;
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

  /** Runs one job per slice (splitRanges unless `split` says otherwise) and returns each slice's status with its range. */
  const run = async (
    length: number,
    work: number,
    makeJob: (from: number, to: number) => KernelJob,
    split: (length: number, parts: number) => Array<[number, number]> = splitRanges,
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
    const ranges = split(length, threads);
    const statuses = await Promise.all(ranges.map(([from, to], i) => post(workers[i % workers.length]!, makeJob(from, to))));
    return ranges.map(([from], i) => ({ from, status: statuses[i]! }));
  };

  const computeHashes = async (start: number, length: number): Promise<IndexHashes> => {
    const combs = new SharedArrayBuffer(length * COMB_WORDS * 8);
    await run(length, length, (from, to) => ({ op: "hashes", start, combs, from, to }));
    return { start, length, combs };
  };

  /** Vectors per staging batch when each element takes `limbs` u32 limbs. */
  const batchSize = (masked: readonly Uint32Array[], length: number, limbs: number): number =>
    Math.max(1, Math.min(masked.length, Math.floor(stagingBytes / Math.max(1, length * limbs * 4))));

  /**
   * Copies the masked vectors into shared staging, a batch at a time, and folds each batch into `acc` with
   * the "multiply" or "rlwrSum" job. Returns the first malformed element (by vector, then index), if any.
   */
  const foldStaged = async (
    masked: readonly Uint32Array[],
    op: "multiply" | "rlwrSum",
    buffers: { acc: SharedArrayBuffer; staging: SharedArrayBuffer; perBatch: number; length: number },
  ): Promise<{ vector: number; index: number } | undefined> => {
    const { acc, staging, perBatch, length } = buffers;
    const limbs = op === "multiply" ? 3 : 2;
    const stagingView = new Uint32Array(staging);
    for (let first = 0; first < masked.length; first += perBatch) {
      const count = Math.min(perBatch, masked.length - first);
      for (let v = 0; v < count; v++) stagingView.set(masked[first + v]!, v * length * limbs);
      const results = await run(length, length * count, (from, to) => ({
        op,
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
      if (bad) return bad;
    }
    return undefined;
  };

  const aggregateInto = async (
    masked: readonly Uint32Array[],
    bound: number,
    keepProduct: boolean,
    buffers: { acc: SharedArrayBuffer; staging: SharedArrayBuffer; out: SharedArrayBuffer; perBatch: number; length: number },
  ): Promise<PoolAggregateOutcome> => {
    const { acc, out, length } = buffers;
    const bad = await foldStaged(masked, "multiply", buffers);
    if (bad) return { ok: false, reason: "malformed", ...bad };
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

  const rlwrAggregateInto = async (
    masked: readonly Uint32Array[],
    bound: number,
    buffers: { acc: SharedArrayBuffer; staging: SharedArrayBuffer; out: SharedArrayBuffer; perBatch: number; length: number },
  ): Promise<PoolRlwrAggregateOutcome> => {
    const { acc, out, length } = buffers;
    const bad = await foldStaged(masked, "rlwrSum", buffers);
    if (bad) return { ok: false, reason: "malformed", ...bad };
    const vectors = masked.length;
    const results = await run(length, length, (from, to) => ({ op: "rlwrDecode", acc, vectors, bound, out, from, to }));
    const failures = results.filter((r) => r.status >= 0).map((r) => r.from + r.status);
    if (failures.length > 0) {
      const index = Math.min(...failures);
      return { ok: false, reason: "undecodable", index, ...decodeResidual(new BigUint64Array(acc, index * 8, 1)[0]!) };
    }
    return { ok: true, sums: new Int32Array(out, 0, length).slice() };
  };

  const expandPublicValues = async (context: Uint8Array, firstBlock: number, blocks: number): Promise<RlwrPublicValues> => {
    const values = new SharedArrayBuffer(blocks * RLWR_N * 8);
    const contextCopy = Uint8Array.from(context);
    // Slices of whole blocks: blockRanges with offset 0 over blocks·2048 coordinates, scaled back to blocks.
    await run(
      blocks,
      blocks * RLWR_N,
      (from, to) => ({ op: "rlwrExpand", context: contextCopy, firstBlock, aHat: values, from, to }),
      (n, parts) => blockRanges(0, n * RLWR_N, parts).map(([from, to]) => [from / RLWR_N, to / RLWR_N]),
    );
    return { context: Buffer.from(context).toString("hex"), firstBlock, blocks, values };
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
      const perBatch = batchSize(masked, length, 3);
      const acc = borrow(length * 16);
      const staging = borrow(perBatch * length * 12);
      const out = borrow(length * 4);
      // Only a normal return hands the buffers back: after a worker failure another may still write.
      const outcome = await aggregateInto(masked, bound, keepProduct === true, { acc, staging, out, perBatch, length });
      giveBack(acc, staging, out);
      return outcome;
    },

    rlwrPublicValues(context, start, length) {
      const key = Buffer.from(context).toString("hex");
      const firstBlock = Math.floor(start / RLWR_N);
      const blocks = Math.max(1, Math.ceil((start + length) / RLWR_N) - firstBlock);
      const cached = publicValuesCache;
      if (cached && cached.context === key && cached.firstBlock <= firstBlock && firstBlock + blocks <= cached.firstBlock + cached.blocks) {
        return cached.values;
      }
      // Same context, another range: widen the cached range when the union stays small enough.
      let from = firstBlock;
      let to = firstBlock + blocks;
      if (cached && cached.context === key) {
        const unionFrom = Math.min(from, cached.firstBlock);
        const unionTo = Math.max(to, cached.firstBlock + cached.blocks);
        if ((unionTo - unionFrom) * RLWR_N * 8 <= publicValuesBytes) [from, to] = [unionFrom, unionTo];
      }
      const values = expandPublicValues(context, from, to - from);
      const entry = { context: key, firstBlock: from, blocks: to - from, values };
      publicValuesCache = entry;
      values.catch(() => {
        if (publicValuesCache === entry) publicValuesCache = undefined;
      });
      return values;
    },

    async rlwrMask({ publicValues, seed, grads, start }) {
      const length = grads.length;
      const aHatBlock = Math.floor(start / RLWR_N) - publicValues.firstBlock;
      const offset = start % RLWR_N;
      if (aHatBlock < 0 || Math.ceil((offset + length) / RLWR_N) + aHatBlock > publicValues.blocks) {
        throw new RangeError(`rlwrMask: the public values (blocks ${publicValues.firstBlock} + ${publicValues.blocks}) do not cover [${start}, ${start + length})`);
      }
      const sharedGrads = borrow(length * 4);
      new Int32Array(sharedGrads).set(grads);
      const out = borrow(length * 8);
      const seedCopy = BigInt64Array.from(seed);
      const aHat = publicValues.values;
      await run(
        length,
        length,
        (from, to) => ({ op: "rlwrMask", aHat, aHatBlock, offset, seed: seedCopy, grads: sharedGrads, out, from, to }),
        (n, parts) => blockRanges(offset, n, parts),
      );
      try {
        return new Uint32Array(out, 0, length * 2).slice();
      } finally {
        giveBack(sharedGrads, out);
      }
    },

    async rlwrAggregate({ masked, bound }) {
      const length = masked[0]!.length / 2;
      const perBatch = batchSize(masked, length, 2);
      const acc = borrow(length * 8);
      const staging = borrow(perBatch * length * 8);
      const out = borrow(length * 4);
      const outcome = await rlwrAggregateInto(masked, bound, { acc, staging, out, perBatch, length });
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
