// Benchmark of the MASH vector kernels (`npm run bench:kernel`): masking one client vector (d = 101,770 and
// d = 804,554) and aggregating N = 10 and N = 100 vectors of d = 101,770, for the paper-compat group
// (bounded DLOG) and the secure rlwr-2048 group (sum mod 2^40 + decode, beside a plain u64 sum of the same
// bytes), on the native kernel on every core and on one, the TS fallback, plain per-element BigInt, and the
// paper's Python + gmpy2 kernels (reference/mash_ref.py) in the same run. Prints markdown tables and
// writes bench/results/kernel.json and kernel.md. Flags: --no-python, --quick (fewer repetitions, writes nothing).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { MASH_P, MASH_Q, powModP, readLimbs } from "../workers/crypto/kernel/field";
import { loadNativeKernel } from "../workers/crypto/kernel/nativeKernel";
import { sha256Index } from "../workers/crypto/kernel/tsKernel";
import { randomSeed } from "../workers/crypto/mask/randomSeed";
import type { MaskGroup } from "../workers/crypto/mask/maskGroup";
import { createPaperCompatGroup } from "../workers/crypto/mask/paperCompatGroup";
import { createRlwrGroup } from "../workers/crypto/mask/rlwrGroup";
import { RLWR_SECURITY_BITS } from "../workers/crypto/mask/rlwrParameters";
import { aggregateBound } from "../workers/crypto/quantize";
import { median } from "./lib/median";
import { quantizedVector as lcgVector } from "./lib/quantizedVector";

const D_SMALL = 101_770;
const D_LARGE = 804_554;
const SCALE = 10_000;
const TARGET_MASK = 1.5e6;
const TARGET_AGGREGATE = 5e6;
// rlwr-2048 (issue 14): mask at d = 101,770 on 2 threads, aggregate+decode at N = 100.
const TARGET_SECURE_MASK = 13e6;
const TARGET_SECURE_AGGREGATE = 100e6;
// Any fixed 32-byte mask context: the public polynomials are expanded from it once, then cached.
const BENCH_CONTEXT = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const REFERENCE = resolve(__dirname, "..", "reference", "mash_ref.py");
const PYTHON = "/usr/bin/python3";

const quick = process.argv.includes("--quick");
// Internal: the children that measure the native scalar paths (the addon picks its SIMD paths at load).
const scalarChild = process.argv.includes("--scalar-mask-row");
const scalarSecureChild = process.argv.includes("--scalar-secure-row");
const withPython = !process.argv.includes("--no-python");

interface Measure {
  /** Elements per second, median of the warm runs (first run excluded when there are several). */
  elementsPerSecond: number;
  /** Elements per second of the first run: includes index hashes / DLOG table construction. */
  coldElementsPerSecond: number;
  /** The fastest warm run: what the kernel does when no neighbour takes the core. */
  bestElementsPerSecond: number;
  runs: number;
}

interface Row {
  implementation: string;
  threads: number;
  maskSmall?: Measure;
  maskLarge?: Measure;
  aggregate10?: Measure;
  aggregate100?: Measure;
  note?: string;
}

async function measure(elements: number, runs: number, body: () => Promise<void>): Promise<Measure> {
  const seconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    await body();
    seconds.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const warm = seconds.length > 1 ? seconds.slice(1) : seconds;
  return {
    elementsPerSecond: elements / median(warm),
    coldElementsPerSecond: elements / seconds[0]!,
    bestElementsPerSecond: elements / Math.min(...warm),
    runs,
  };
}

function zeroSumSeeds(n: number): bigint[] {
  const seeds = Array.from({ length: n - 1 }, () => randomSeed());
  seeds.push(-seeds.reduce((a, b) => a + b, 0n));
  return seeds;
}

type BenchedGroup<Seed> = MaskGroup<Seed> & { readonly threads: number };

async function benchGroup<Seed>(
  label: string,
  group: BenchedGroup<Seed>,
  inputs: { small: Int32Array; large: Int32Array; masked: Uint32Array[]; sums: Int32Array },
  options: { runs: number; large: boolean; aggregate100: boolean },
): Promise<Row> {
  const seed = group.randomSeed();
  const context = BENCH_CONTEXT;
  const row: Row = { implementation: label, threads: group.threads };
  // Start the worker threads first, on an unrelated range, so "cold" means index hashes and DLOG table
  // (paper-compat) or the expansion of the public polynomials (rlwr-2048).
  await group.mask({ quantized: new Int32Array(8_192), seed, start: 1_000_000_000, context });
  row.maskSmall = await measure(D_SMALL, options.runs, async () => {
    await group.mask({ quantized: inputs.small, seed, start: 0, context });
  });
  if (options.large) {
    row.maskLarge = await measure(D_LARGE, Math.max(3, Math.ceil(options.runs / 2)), async () => {
      await group.mask({ quantized: inputs.large, seed, start: 0, context });
    });
  }
  const check = (sums: Int32Array, expected: Int32Array): void => {
    if (!sums.every((x, i) => x === expected[i])) throw new Error(`${label}: aggregate differs from the plaintext sum`);
  };
  const ten = inputs.masked.slice(0, 10);
  const tenSums = columnSums(ten.length, inputs);
  row.aggregate10 = await measure(10 * D_SMALL, options.runs, async () => {
    check(await group.aggregate({ masked: ten, bound: aggregateBound(10, 1, SCALE) }), tenSums);
  });
  if (options.aggregate100) {
    row.aggregate100 = await measure(100 * D_SMALL, Math.max(3, Math.ceil(options.runs / 2)), async () => {
      check(await group.aggregate({ masked: inputs.masked, bound: aggregateBound(100, 1, SCALE) }), inputs.sums);
    });
  }
  await group.close();
  return row;
}

// Plaintext sums of the first n clients' updates (client j's update is lcgVector(D_SMALL, 1000 + j, SCALE)).
const sumCache = new Map<number, Int32Array>();
function columnSums(n: number, inputs: { sums: Int32Array }): Int32Array {
  if (n === 100 && inputs.sums.length === D_SMALL) return inputs.sums;
  let sums = sumCache.get(n);
  if (!sums) {
    sums = new Int32Array(D_SMALL);
    for (let j = 0; j < n; j++) {
      const g = lcgVector(D_SMALL, 1000 + j, SCALE);
      for (let i = 0; i < D_SMALL; i++) sums[i]! += g[i]!;
    }
    sumCache.set(n, sums);
  }
  return sums;
}

/** The straightforward implementation: one BigInt modpow per factor per element, one thread. */
function plainBigInt(small: Int32Array, masked: Uint32Array[]): Row {
  const subset = quick ? 1_000 : 3_000;
  const hashes = Array.from({ length: subset }, (_, i) => sha256Index(BigInt(i)) % MASH_P);
  const inverseTwo = powModP(2n, MASH_P - 2n);
  const seed = randomSeed({ bound: MASH_Q });
  let t = process.hrtime.bigint();
  for (let i = 0; i < subset; i++) {
    const g = small[i]!;
    const twoG = g >= 0 ? powModP(2n, BigInt(g)) : powModP(inverseTwo, BigInt(-g));
    void ((twoG * powModP(hashes[i]!, seed)) % MASH_P);
  }
  const maskRate = subset / (Number(process.hrtime.bigint() - t) / 1e9);

  const aggregate = (n: number, d: number): number => {
    t = process.hrtime.bigint();
    const bound = n * SCALE;
    const table = new Map<bigint, number>();
    let value = powModP(inverseTwo, BigInt(bound));
    for (let x = -bound; x <= bound; x++) {
      table.set(value, x);
      value = (value * 2n) % MASH_P;
    }
    for (let i = 0; i < d; i++) {
      let product = readLimbs(masked[0]!, i);
      for (let j = 1; j < n; j++) product = (product * readLimbs(masked[j]!, i)) % MASH_P;
      if (table.get(product) === undefined) throw new Error("plain BigInt aggregate: no discrete log");
    }
    return (n * d) / (Number(process.hrtime.bigint() - t) / 1e9);
  };
  const one = (rate: number): Measure => ({ elementsPerSecond: rate, coldElementsPerSecond: rate, bestElementsPerSecond: rate, runs: 1 });
  return {
    implementation: "plain BigInt (per-element modpow, Map table)",
    threads: 1,
    maskSmall: one(maskRate),
    aggregate10: one(aggregate(10, quick ? 20_000 : D_SMALL)),
    aggregate100: quick ? undefined : one(aggregate(100, 20_000)),
    note: `mask on ${subset} elements; aggregate N=100 on 20,000 elements, table built in the timing as in the paper's code`,
  };
}

function pythonReference(): Row | string {
  if (!existsSync(REFERENCE)) return `skipped: ${REFERENCE} not found`;
  const probe = spawnSync(PYTHON, ["-c", "import gmpy2"], { encoding: "utf8" });
  if (probe.status !== 0) return `skipped: ${PYTHON} has no gmpy2 (apt-get install -y python3-gmpy2)`;
  const run = (args: string[]): Measure => {
    const result = spawnSync(PYTHON, [REFERENCE, ...args], { encoding: "utf8", timeout: 600_000 });
    const match = /([\d.]+) s\s+(\d+) el\/s/.exec(result.stdout ?? "");
    if (result.status !== 0 || !match) throw new Error(`mash_ref.py ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
    const rate = Number(match[2]);
    return { elementsPerSecond: rate, coldElementsPerSecond: rate, bestElementsPerSecond: rate, runs: 1 };
  };
  return {
    implementation: "paper: Python + gmpy2 (mash_ref.py)",
    threads: 1,
    maskSmall: run(["mask", String(D_SMALL)]),
    maskLarge: run(["mask", String(D_LARGE)]),
    aggregate10: run(["aggregate", "10", String(D_SMALL)]),
    aggregate100: run(["aggregate", "100", String(D_SMALL)]),
    note: "one run each; its aggregate time includes building the 2·N·S+1 table, as in the paper",
  };
}

function format(value: number | undefined): string {
  if (value === undefined) return "–";
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${(value / 1e3).toFixed(1)}k`;
}

/** A row of the native kernel with FEDMASH_KERNEL_SIMD=0, measured in a child process. */
function scalarRow(flag: "--scalar-mask-row" | "--scalar-secure-row"): Row | undefined {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, flag, ...(quick ? ["--quick"] : [])], {
    env: { ...process.env, FEDMASH_KERNEL_SIMD: "0" },
    encoding: "utf8",
    timeout: 300_000,
  });
  const last = child.stdout?.trim().split("\n").at(-1);
  if (child.status !== 0 || !last) {
    console.log(`native scalar row skipped: ${child.stderr || `exit ${child.status}`}`);
    return undefined;
  }
  return JSON.parse(last) as Row;
}

async function scalarChildMain(): Promise<void> {
  const group = createPaperCompatGroup({ kernel: "native" });
  const seed = randomSeed();
  await group.mask({ quantized: new Int32Array(8_192), seed, start: 1_000_000_000 });
  const small = lcgVector(D_SMALL, 1, SCALE);
  const large = lcgVector(D_LARGE, 2, SCALE);
  const runs = quick ? 3 : 9;
  const row: Row = {
    implementation: "native C kernel, scalar path (FEDMASH_KERNEL_SIMD=0)",
    threads: group.threads,
    maskSmall: await measure(D_SMALL, runs, async () => void (await group.mask({ quantized: small, seed, start: 0 }))),
    maskLarge: await measure(D_LARGE, Math.max(3, Math.ceil(runs / 2)), async () => void (await group.mask({ quantized: large, seed, start: 0 }))),
    note: "what CPUs without AVX-512 IFMA get; the aggregate has no IFMA path, so its columns are the same as above",
  };
  await group.close();
  console.log(JSON.stringify(row));
}

/** rlwr-2048 seeds of n clients that sum to zero: n − 1 fresh ones and minus their sum. */
function rlwrZeroSumSeeds(group: MaskGroup<BigInt64Array>, n: number): BigInt64Array[] {
  const seeds = Array.from({ length: n - 1 }, () => group.randomSeed());
  const last = new BigInt64Array(seeds[0]!.length);
  for (const seed of seeds) for (let j = 0; j < last.length; j++) last[j]! -= seed[j]!;
  return [...seeds, last];
}

/** 100 rlwr-2048 masked vectors of the same updates as the paper-compat ones (clients 0..9 and 10..99 cancel). */
async function secureMaskedInputs(): Promise<Uint32Array[]> {
  const setup = createRlwrGroup({ kernel: "auto" });
  const seeds = [...rlwrZeroSumSeeds(setup, 10), ...rlwrZeroSumSeeds(setup, 90)];
  const masked: Uint32Array[] = [];
  for (let j = 0; j < 100; j++) {
    masked.push(await setup.mask({ quantized: lcgVector(D_SMALL, 1000 + j, SCALE), seed: seeds[j]!, start: 0, context: BENCH_CONTEXT }));
  }
  await setup.close();
  return masked;
}

/** The memory-bandwidth yardstick: a plain u64 sum of the same bytes in C (rlwrPlainSum), one thread, no checks. */
async function plainSumRow(masked: Uint32Array[], runs: number): Promise<Row | undefined> {
  const plainSum = loadNativeKernel().rlwrExtras?.plainSum;
  if (!plainSum) return undefined;
  const acc = new BigUint64Array(D_SMALL);
  const timed = (vectors: Uint32Array[]): Promise<Measure> => measure(vectors.length * D_SMALL, runs, async () => plainSum(acc, vectors));
  return {
    implementation: "plain u64 sum of the same bytes (C, no checks, no decode)",
    threads: 1,
    aggregate10: await timed(masked.slice(0, 10)),
    aggregate100: await timed(masked),
    note: "the memory-bandwidth limit: rlwrPlainSum in the addon adds the N vectors' 8-byte elements into one u64 array in place, chunked like the aggregate; the aggregate itself first copies the vectors into shared memory for its worker threads",
  };
}

/** The rlwr-2048 aggregate's sum and decode with FEDMASH_KERNEL_SIMD=0 (the mask has no SIMD path). */
async function scalarSecureChildMain(): Promise<void> {
  const masked = await secureMaskedInputs();
  const group = createRlwrGroup({ kernel: "native" });
  const runs = quick ? 3 : 9;
  const sums = columnSums(100, { sums: new Int32Array(0) });
  const row: Row = {
    implementation: "rlwr-2048 native, scalar aggregate (FEDMASH_KERNEL_SIMD=0)",
    threads: group.threads,
    aggregate10: await measure(10 * D_SMALL, runs, async () => void (await group.aggregate({ masked: masked.slice(0, 10), bound: aggregateBound(10, 1, SCALE) }))),
    aggregate100: await measure(100 * D_SMALL, Math.max(3, Math.ceil(runs / 2)), async () => {
      const result = await group.aggregate({ masked, bound: aggregateBound(100, 1, SCALE) });
      if (!result.every((x, i) => x === sums[i])) throw new Error("scalar secure aggregate differs from the plaintext sum");
    }),
    note: "without AVX2/AVX-512 in the sum and decode loops; the mask is scalar on every CPU (its 62-bit products have no SIMD form here)",
  };
  await group.close();
  console.log(JSON.stringify(row));
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadStart = loadavg()[0]!;
  // Many short runs: the median then shrugs off a neighbour's burst on this shared machine.
  const runs = quick ? 3 : 9;
  const native = loadNativeKernel();
  const nativePath = native.kernel
    ? `${native.simd ? "AVX-512 IFMA" : "scalar"} mask, ${native.shaNi ? "SHA-NI" : "scalar SHA-256"} index hashes`
    : "not built";
  console.log(`MASH kernel benchmark: ${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.version}, load ${loadStart.toFixed(2)}, native kernel: ${nativePath}`);

  const small = lcgVector(D_SMALL, 1, SCALE);
  const large = lcgVector(D_LARGE, 2, SCALE);
  console.log("preparing 100 masked client vectors (d = 101,770, zero-sum seeds) ...");
  const setup = createPaperCompatGroup({ kernel: "auto" });
  // Clients 0..9 and 10..99 each get a zero-sum seed set, so N = 10 (the first ten) and N = 100 both cancel.
  const seeds = [...zeroSumSeeds(10), ...zeroSumSeeds(90)];
  const masked: Uint32Array[] = [];
  const sums = new Int32Array(D_SMALL);
  for (let j = 0; j < 100; j++) {
    const g = lcgVector(D_SMALL, 1000 + j, SCALE);
    for (let i = 0; i < D_SMALL; i++) sums[i]! += g[i]!;
    masked.push(await setup.mask({ quantized: g, seed: seeds[j]!, start: 0 }));
  }
  await setup.close();
  const inputs = { small, large, masked, sums };

  const rows: Row[] = [];
  const kinds = setup.kernelKind === "native" ? (["native", "ts"] as const) : (["ts"] as const);
  if (setup.kernelKind !== "native") console.log("native kernel not built: measuring the TS fallback only (run `npm run build:native`)");
  for (const kind of kinds) {
    if (kind === "native") {
      console.log("native kernel, all cores ...");
      rows.push(await benchGroup("native C kernel (this work)", createPaperCompatGroup({ kernel: "native" }), inputs, { runs, large: true, aggregate100: true }));
      console.log("native kernel, 1 core ...");
      rows.push(await benchGroup("native C kernel, 1 core", createPaperCompatGroup({ kernel: "native", threads: 1 }), inputs, { runs, large: true, aggregate100: true }));
      if (native.simd || native.shaNi) {
        console.log("native kernel, scalar path, all cores ...");
        const scalar = scalarRow("--scalar-mask-row");
        if (scalar) rows.push(scalar);
      }
    } else {
      console.log("TS fallback, all cores ...");
      // d = 804,554 is left out: building its comb alone takes the TS kernel about half a minute.
      rows.push(await benchGroup("TS fallback (BigInt, same algorithms)", createPaperCompatGroup({ kernel: "ts" }), inputs, { runs: 3, large: false, aggregate100: !quick }));
    }
  }
  console.log("plain BigInt ...");
  rows.push(plainBigInt(small, masked));
  let python: Row | string = "skipped: --no-python";
  if (withPython) {
    console.log("paper's Python + gmpy2 kernels (mash_ref.py) ...");
    python = pythonReference();
    if (typeof python !== "string") rows.push(python);
  }
  const paper = typeof python === "string" ? undefined : python;

  // The secure group on the same updates, in the same run.
  const secureLoadStart = loadavg()[0]!;
  console.log("preparing 100 rlwr-2048 masked client vectors (same updates, zero-sum ring seeds) ...");
  const secureInputs = { ...inputs, masked: await secureMaskedInputs() };
  const secureRows: Row[] = [];
  if (setup.kernelKind === "native") {
    console.log("rlwr-2048: native kernel, all cores ...");
    secureRows.push(await benchGroup("rlwr-2048 native C kernel (secure)", createRlwrGroup({ kernel: "native" }), secureInputs, { runs, large: true, aggregate100: true }));
    console.log("rlwr-2048: native kernel, 1 core ...");
    secureRows.push(await benchGroup("rlwr-2048 native C kernel, 1 core", createRlwrGroup({ kernel: "native", threads: 1 }), secureInputs, { runs, large: true, aggregate100: true }));
    if (native.rlwrSimd !== "scalar") {
      console.log("rlwr-2048: native kernel, scalar aggregate, all cores ...");
      const scalar = scalarRow("--scalar-secure-row");
      if (scalar) secureRows.push(scalar);
    }
    console.log("rlwr-2048: plain u64 sum of the same bytes ...");
    const plain = await plainSumRow(secureInputs.masked, runs);
    if (plain) secureRows.push(plain);
  }
  console.log("rlwr-2048: TS fallback, all cores ...");
  secureRows.push(await benchGroup("rlwr-2048 TS fallback (BigInt NTT, Number sums)", createRlwrGroup({ kernel: "ts" }), secureInputs, { runs: 3, large: !quick, aggregate100: !quick }));
  const secureLoadEnd = loadavg()[0]!;

  const headline = rows[0]!;
  const ratio = (value: number | undefined, base: number | undefined): string =>
    value === undefined || base === undefined ? "–" : `${(value / base).toFixed(value / base < 0.1 ? 2 : 1)}×`;
  const header =
    "| implementation | threads | mask d=101,770 | mask d=804,554 | aggregate N=10 | aggregate N=100 | mask vs paper | aggregate N=10 vs paper |\n" +
    "|---|---|---|---|---|---|---|---|";
  const lines = rows.map(
    (r) =>
      `| ${r.implementation} | ${r.threads} | ${format(r.maskSmall?.elementsPerSecond)} | ${format(r.maskLarge?.elementsPerSecond)} | ${format(r.aggregate10?.elementsPerSecond)} | ${format(r.aggregate100?.elementsPerSecond)} | ${ratio(r.maskSmall?.elementsPerSecond, paper?.maskSmall?.elementsPerSecond)} | ${ratio(r.aggregate10?.elementsPerSecond, paper?.aggregate10?.elementsPerSecond)} |`,
  );
  const coldLine =
    `${headline.implementation}: first (cold) run mask d=101,770 ${format(headline.maskSmall?.coldElementsPerSecond)} el/s (includes the index hashes and comb, cached afterwards), ` +
    `aggregate N=10 ${format(headline.aggregate10?.coldElementsPerSecond)} el/s (includes the DLOG table, cached afterwards); ` +
    `fastest warm run mask ${format(headline.maskSmall?.bestElementsPerSecond)} el/s, aggregate N=10 ${format(headline.aggregate10?.bestElementsPerSecond)} el/s.`;
  const loadEnd = loadavg()[0]!;
  const table = [header, ...lines].join("\n");
  console.log(`\n${table}\n\nElements per second: mask d/time, aggregate N·d/time (as mash_ref.py). Median of warm runs.\n${coldLine}`);

  const secureHeadline = secureRows[0]!;
  const secureHeader =
    "| implementation | threads | mask d=101,770 | mask d=804,554 | aggregate N=10 | aggregate N=100 | mask vs paper | aggregate N=100 vs paper |\n" +
    "|---|---|---|---|---|---|---|---|";
  const secureLines = [...secureRows, ...(paper ? [paper] : [])].map(
    (r) =>
      `| ${r.implementation} | ${r.threads} | ${format(r.maskSmall?.elementsPerSecond)} | ${format(r.maskLarge?.elementsPerSecond)} | ${format(r.aggregate10?.elementsPerSecond)} | ${format(r.aggregate100?.elementsPerSecond)} | ${ratio(r.maskSmall?.elementsPerSecond, paper?.maskSmall?.elementsPerSecond)} | ${ratio(r.aggregate100?.elementsPerSecond, paper?.aggregate100?.elementsPerSecond)} |`,
  );
  const secureTable = [secureHeader, ...secureLines].join("\n");
  const secureColdLine =
    `${secureHeadline.implementation}: first (cold) run mask d=101,770 ${format(secureHeadline.maskSmall?.coldElementsPerSecond)} el/s (includes expanding the public polynomials, cached afterwards for the context); ` +
    `fastest warm run mask ${format(secureHeadline.maskSmall?.bestElementsPerSecond)} el/s, aggregate N=100 ${format(secureHeadline.aggregate100?.bestElementsPerSecond)} el/s.`;
  console.log(`\nrlwr-2048 (secure, ${RLWR_SECURITY_BITS}-bit), same run; aggregate = sum mod 2^40 + decode with the residual check:\n\n${secureTable}\n\n${secureColdLine}`);
  if (typeof python === "string") console.log(`Paper reference ${python}`);
  const maskRate = headline.maskSmall!.elementsPerSecond;
  const aggregateRate = headline.aggregate10!.elementsPerSecond;
  const verdict = [
    `mask ${format(maskRate)} el/s vs target ${format(TARGET_MASK)}: ${maskRate >= TARGET_MASK ? "met" : `NOT met (${(maskRate / TARGET_MASK).toFixed(2)}× of it)`}`,
    `aggregate+DLOG ${format(aggregateRate)} el/s vs target ${format(TARGET_AGGREGATE)}: ${aggregateRate >= TARGET_AGGREGATE ? "met" : `NOT met (${(aggregateRate / TARGET_AGGREGATE).toFixed(2)}× of it)`}`,
  ];
  const secureMaskRate = secureHeadline.maskSmall?.elementsPerSecond ?? 0;
  const secureAggregateRate = secureHeadline.aggregate100?.elementsPerSecond ?? 0;
  const versus = (rate: number, target: number): string =>
    rate >= target ? "met" : `NOT met: ${(rate / target).toFixed(2)}× of it, missed by ${(100 * (1 - rate / target)).toFixed(0)}%`;
  verdict.push(
    `rlwr-2048 mask ${format(secureMaskRate)} el/s (${secureHeadline.implementation}, ${secureHeadline.threads} threads) vs target ${format(TARGET_SECURE_MASK)}: ${versus(secureMaskRate, TARGET_SECURE_MASK)}`,
    `rlwr-2048 aggregate+decode N=100 ${format(secureAggregateRate)} el/s vs target ${format(TARGET_SECURE_AGGREGATE)}: ${versus(secureAggregateRate, TARGET_SECURE_AGGREGATE)}`,
  );
  const loadNote = `load average ${loadStart.toFixed(2)} at start, ${secureLoadStart.toFixed(2)} when the rlwr-2048 rows started, ${secureLoadEnd.toFixed(2)} after them, ${loadEnd.toFixed(2)} at end on ${availableParallelism()} cores${Math.max(loadStart, secureLoadStart, secureLoadEnd, loadEnd) > availableParallelism() ? " — the machine was busy, so these numbers understate the kernels" : ""}`;
  console.log(`${verdict.join("\n")}\n${loadNote}\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);

  if (quick) {
    console.log("--quick: bench/results not written (they keep the last full run)");
    return;
  }
  const resultsDir = join(__dirname, "results");
  mkdirSync(resultsDir, { recursive: true });
  const json = {
    maskElementsPerSecond: Math.round(maskRate),
    aggregateElementsPerSecond: Math.round(aggregateRate),
    kernel: headline.implementation,
    d: D_SMALL,
    n: 10,
    targets: { maskElementsPerSecond: TARGET_MASK, aggregateElementsPerSecond: TARGET_AGGREGATE },
    meetsTargets: { mask: maskRate >= TARGET_MASK, aggregate: aggregateRate >= TARGET_AGGREGATE },
    ratiosToPaper: paper
      ? {
          mask: maskRate / paper.maskSmall!.elementsPerSecond,
          aggregate: aggregateRate / paper.aggregate10!.elementsPerSecond,
        }
      : python,
    machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version, loadAverageStart: loadStart, loadAverageEnd: loadEnd },
    nativePath,
    date: new Date().toISOString(),
    rows,
    /** The paper's own kernels (mash_ref.py) in this same run: every ratio here is against these. */
    paperReference: paper ?? python,
    secure: {
      group: "rlwr-2048",
      securityBits: RLWR_SECURITY_BITS,
      kernel: secureHeadline.implementation,
      threads: secureHeadline.threads,
      d: D_SMALL,
      n: 100,
      maskElementsPerSecond: Math.round(secureMaskRate),
      aggregateElementsPerSecond: Math.round(secureAggregateRate),
      maskVsPaper: paper ? secureMaskRate / paper.maskSmall!.elementsPerSecond : python,
      aggregateVsPaper: paper ? secureAggregateRate / paper.aggregate100!.elementsPerSecond : python,
      targets: { maskElementsPerSecond: TARGET_SECURE_MASK, aggregateElementsPerSecond: TARGET_SECURE_AGGREGATE },
      meetsTargets: { mask: secureMaskRate >= TARGET_SECURE_MASK, aggregate: secureAggregateRate >= TARGET_SECURE_AGGREGATE },
      aggregateSimd: native.rlwrSimd ?? "not built",
      loadAverageStart: secureLoadStart,
      loadAverageEnd: secureLoadEnd,
      rows: secureRows,
    },
  };
  writeFileSync(join(resultsDir, "kernel.json"), `${JSON.stringify(json, null, 2)}\n`);
  const md = [
    "# MASH kernel benchmark (`npm run bench:kernel`)",
    "",
    `${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.version}, ${json.date}. Native kernel: ${nativePath}.`,
    "",
    table,
    "",
    "Elements per second: mask d/time, aggregate N·d/time (product of N masked vectors and the bounded DLOG, as in `mash_ref.py`). Median of warm runs.",
    "",
    coldLine,
    "",
    ...rows.filter((r) => r.note).map((r) => `- ${r.implementation}: ${r.note}`),
    ...(typeof python === "string" ? [`- paper reference ${python}`] : []),
    "",
    `## rlwr-2048 (secure, ${RLWR_SECURITY_BITS}-bit), same run`,
    "",
    `Aggregate = sum of the N masked vectors mod 2^40 and the decode with the residual check (docs/MASKING.md); its SIMD: ${json.secure.aggregateSimd}. The paper's row is repeated for the ratios.`,
    "",
    secureTable,
    "",
    secureColdLine,
    "",
    ...secureRows.filter((r) => r.note).map((r) => `- ${r.implementation}: ${r.note}`),
    "",
    ...verdict.map((v) => `- ${v}`),
    `- ${loadNote}`,
    "",
  ].join("\n");
  writeFileSync(join(resultsDir, "kernel.md"), md);
  console.log(`wrote ${join(resultsDir, "kernel.json")} and kernel.md`);
}

(scalarChild ? scalarChildMain() : scalarSecureChild ? scalarSecureChildMain() : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
