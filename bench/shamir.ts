// Benchmark of Shamir mode's crypto (`npm run bench:shamir`) on one quantized update of the mlp's size
// (d = 101,770), for n = 3, t = 2 and n = 5, t = 3: shareVector, encryptShare of all n shares, decryptShare of
// one, addShares over 10 clients and reconstructSum (all n share-sums, consistency-checked, and exactly t), in
// the same run as the MASH client's masking of the same vector (the paper-compat group, native kernel when
// built), MASH's aggregate of 10 masked vectors, and a plain copy. Median of several repetitions. Prints a
// markdown table and writes bench/results/shamir.json and shamir.md. Flag: --quick (fewer runs, writes nothing).
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { generateEciesKeyPair } from "../workers/crypto/ecies/generateEciesKeyPair";
import { createPaperCompatGroup } from "../workers/crypto/mask/paperCompatGroup";
import { randomSeed } from "../workers/crypto/mask/randomSeed";
import { aggregateBound } from "../workers/crypto/quantize";
import { addShares } from "../workers/crypto/shamir/addShares";
import { decryptShare } from "../workers/crypto/shamir/decryptShare";
import { encryptShare } from "../workers/crypto/shamir/encryptShare";
import { reconstructSum } from "../workers/crypto/shamir/reconstructSum";
import { shamirFieldBound } from "../workers/crypto/shamir/shamirFieldBound";
import { sharePayloadBytes } from "../workers/crypto/shamir/shareFormat";
import { shareVector } from "../workers/crypto/shamir/shareVector";
import { median } from "./lib/median";
import { quantizedVector as lcgVector } from "./lib/quantizedVector";

const D = 101_770;
const SCALE = 10_000;
const CLIENTS = 10;
const CLIENT = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";
const ROUND = 1n;
const CONFIGS = [
  { servers: 3, threshold: 2 },
  { servers: 5, threshold: 3 },
] as const;

const quick = process.argv.includes("--quick");
const RUNS = quick ? 3 : 21;

interface Timing {
  /** Median seconds per repetition. */
  seconds: number;
  /** Elements processed per repetition / median seconds. */
  elementsPerSecond: number;
  runs: number;
}

interface Row {
  operation: string;
  /** "n=3 t=2", "n=5 t=3" or "baseline". */
  config: string;
  elements: number;
  timing: Timing;
  /** Time relative to the MASH client's mask of the same vector (> 1: slower than masking). */
  timeVsMask?: number;
  note?: string;
}

async function time(elements: number, body: () => unknown, runs = RUNS): Promise<Timing> {
  await body(); // warm-up: JIT and lazily built tables (index hashes, DLOG table) stay out of the median
  const seconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    await body();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const m = median(seconds);
  return { seconds: m, elementsPerSecond: elements / m, runs };
}

const rate = (value: number): string => (value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${(value / 1e3).toFixed(1)}k`);
const ms = (seconds: number): string => (seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1);

async function main(): Promise<void> {
  const started = Date.now();
  const loadStart = loadavg()[0]!;
  console.log(`Shamir benchmark: ${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.version}, load ${loadStart.toFixed(2)}, d = ${D}`);
  const update = lcgVector(D, 1, SCALE);
  const clients = Array.from({ length: CLIENTS }, (_, k) => lcgVector(D, 1000 + k, SCALE));
  const expectedSum = new Int32Array(D);
  for (const client of clients) for (let i = 0; i < D; i++) expectedSum[i]! += client[i]!;
  const rows: Row[] = [];

  console.log("baselines: copy, MASH mask and aggregate ...");
  rows.push({ operation: "copy of the quantized vector (Int32Array.slice)", config: "baseline", elements: D, timing: await time(D, () => update.slice()) });
  const group = createPaperCompatGroup({ kernel: "auto" });
  const seed = randomSeed();
  const mask = await time(D, () => group.mask({ quantized: update, seed }));
  rows.push({ operation: "MASH client mask (paper-compat group)", config: "baseline", elements: D, timing: mask, note: `${group.kernelKind} kernel, ${group.threads} threads` });
  // Ten clients with zero-sum seeds, so their masks cancel and the aggregate is checked exactly.
  const seeds = Array.from({ length: CLIENTS - 1 }, () => randomSeed());
  seeds.push(-seeds.reduce((a, b) => a + b, 0n));
  const masked = await Promise.all(clients.map((client, k) => group.mask({ quantized: client, seed: seeds[k]! })));
  const maskAggregate = await time(CLIENTS * D, async () => {
    const sums = await group.aggregate({ masked, bound: aggregateBound(CLIENTS, 1, SCALE) });
    if (!sums.every((x, i) => x === expectedSum[i])) throw new Error("MASH aggregate differs from the plaintext sum");
  });
  rows.push({ operation: `MASH aggregate of ${CLIENTS} masked vectors (product + DLOG)`, config: "baseline", elements: CLIENTS * D, timing: maskAggregate, note: `${group.kernelKind} kernel, ${group.threads} threads` });
  await group.close();

  const withRatio = (row: Row): Row => ({ ...row, timeVsMask: row.timing.seconds / mask.seconds });
  const bound = shamirFieldBound({ clients: CLIENTS, clip: 1, scale: SCALE });
  const summary: Record<string, { clientSeconds: number; clientVsMask: number; payloadBytesPerClient: number; reconstructVsMashAggregate: number }> = {};

  for (const { servers, threshold } of CONFIGS) {
    const config = `n=${servers} t=${threshold}`;
    console.log(`${config} ...`);
    const keys = Array.from({ length: servers }, () => generateEciesKeyPair());
    const share = await time(D, () => shareVector(update, { servers, threshold }));
    rows.push(withRatio({ operation: "shareVector", config, elements: D, timing: share }));

    const shares = shareVector(update, { servers, threshold });
    const encrypt = await time(D, () =>
      shares.map((s, serverIndex) => encryptShare({ share: s, serverIndex, serverPublicKey: keys[serverIndex]!.publicKey, roundId: ROUND, client: CLIENT })),
    );
    rows.push(withRatio({ operation: `encryptShare × ${servers}`, config, elements: D, timing: encrypt, note: `payload ${sharePayloadBytes(D)} bytes per server` }));

    const payload = encryptShare({ share: shares[0]!, serverIndex: 0, serverPublicKey: keys[0]!.publicKey, roundId: ROUND, client: CLIENT });
    const decrypt = await time(D, () => decryptShare({ payload, serverIndex: 0, serverPrivateKey: keys[0]!.privateKey, roundId: ROUND, client: CLIENT, length: D }));
    rows.push(withRatio({ operation: "decryptShare (one share)", config, elements: D, timing: decrypt }));

    const clientShares = clients.map((client) => shareVector(client, { servers, threshold }));
    const add = await time(CLIENTS * D, () => {
      const accumulator = new Uint32Array(D);
      for (const perClient of clientShares) addShares(accumulator, perClient[0]!);
    });
    rows.push({ operation: `addShares over ${CLIENTS} clients (one server)`, config, elements: CLIENTS * D, timing: add });

    const shareSums = Array.from({ length: servers }, (_, j) => {
      const accumulator = new Uint32Array(D);
      for (const perClient of clientShares) addShares(accumulator, perClient[j]!);
      return { serverIndex: j, values: accumulator };
    });
    const check = (sum: Int32Array): void => {
      if (!sum.every((x, i) => x === expectedSum[i])) throw new Error(`${config}: reconstructed sum differs from the plaintext sum`);
    };
    const reconstructAll = await time(D, () => check(reconstructSum(shareSums, { threshold, bound }).sum));
    rows.push({
      operation: `reconstructSum from all ${servers} (${servers - threshold} checked)`,
      config,
      elements: D,
      timing: reconstructAll,
      note: `${(reconstructAll.seconds / maskAggregate.seconds).toFixed(2)}× the time of MASH's aggregate of ${CLIENTS} (the step it replaces)`,
    });
    const reconstructT = await time(D, () => check(reconstructSum(shareSums.slice(servers - threshold), { threshold, bound }).sum));
    rows.push({ operation: `reconstructSum from exactly ${threshold}`, config, elements: D, timing: reconstructT });

    const clientSeconds = share.seconds + encrypt.seconds;
    rows.push(withRatio({ operation: "client total (shareVector + encryptShare × n)", config, elements: D, timing: { seconds: clientSeconds, elementsPerSecond: D / clientSeconds, runs: RUNS } }));
    summary[config] = {
      clientSeconds,
      clientVsMask: clientSeconds / mask.seconds,
      payloadBytesPerClient: servers * sharePayloadBytes(D),
      reconstructVsMashAggregate: reconstructAll.seconds / maskAggregate.seconds,
    };
  }

  const header = "| config | operation | median ms | elements/s | time vs MASH mask |\n|---|---|---|---|---|";
  const lines = rows.map(
    (r) =>
      `| ${r.config} | ${r.operation} | ${ms(r.timing.seconds)} | ${rate(r.timing.elementsPerSecond)} | ${r.timeVsMask === undefined ? "–" : `${r.timeVsMask.toFixed(2)}×`} |`,
  );
  const table = [header, ...lines].join("\n");
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.config} ${r.operation}: ${r.note}`);
  const loadEnd = loadavg()[0]!;
  const loadNote = `load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end on ${availableParallelism()} cores${
    Math.max(loadStart, loadEnd) > availableParallelism() ? " — the machine was busy, so the numbers understate both sides" : ""
  }`;
  const explanation =
    `d = ${D}, ${CLIENTS} clients, values uniform in [-${SCALE}, ${SCALE}]. Median of ${RUNS} runs after one warm-up. elements/s = elements per run / median time ` +
    `(addShares and the MASH aggregate count ${CLIENTS}·d). "time vs MASH mask" divides by the time of masking the same vector. ` +
    `Shamir runs on one thread; the MASH kernel uses every core. Every reconstruction and aggregate is checked against the plaintext sum.`;
  console.log(`\n${table}\n\n${explanation}\n${notes.join("\n")}\n${loadNote}\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);

  if (quick) {
    console.log("--quick: bench/results not written (they keep the last full run)");
    return;
  }
  const resultsDir = join(__dirname, "results");
  mkdirSync(resultsDir, { recursive: true });
  const date = new Date().toISOString();
  const json = {
    d: D,
    clients: CLIENTS,
    runs: RUNS,
    summary,
    machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version, loadAverageStart: loadStart, loadAverageEnd: loadEnd },
    date,
    rows,
  };
  writeFileSync(join(resultsDir, "shamir.json"), `${JSON.stringify(json, null, 2)}\n`);
  const md = [
    "# Shamir crypto benchmark (`npm run bench:shamir`)",
    "",
    `${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.version}, ${date}.`,
    "",
    table,
    "",
    explanation,
    "",
    ...notes,
    `- ${loadNote}`,
    "",
  ].join("\n");
  writeFileSync(join(resultsDir, "shamir.md"), md);
  console.log(`wrote ${join(resultsDir, "shamir.json")} and shamir.md`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
