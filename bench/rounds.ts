// End-to-end round benchmark (`npm run bench:rounds`): the same task — clients, model, data, rounds — run in
// mode plain (FedAvg in the clear, the baseline), in mode mash and in mode shamir (n servers, threshold t), back to
// back in one run on one machine, so the cost of privacy is read as ratios rather than as absolute seconds on a
// shared, noisy machine. The modes run in passes of mirrored order (plain, mash, shamir, then shamir, mash, plain),
// so that a load that rises or falls during the run weighs on every mode alike, and each figure is a median over
// the passes. Writes bench/results/rounds.json and rounds.md.
// Flags: --clients N (6), --rounds R (3), --paillier-bits B (2048), --servers n (3), --threshold t (2), --passes P (2).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { integrationWorkspace } from "../test/helpers/integrationWorkspace";
import { BaseError } from "../workers/errors";
import { DEMO_DEFAULTS, runDemo, type DemoMode, type DemoReport } from "../workers/roles/runDemo";
import { median } from "./lib/median";

const RESULTS = resolve(__dirname, "results");
const MODES = ["plain", "mash", "shamir"] as const;

class RoundsBenchOptionError extends BaseError {
  override name = "RoundsBenchOptionError" as const;
}

/** A flag's value as a whole number of at least `least`, or its default when absent. */
function wholeNumber(flag: string, text: string | undefined, fallback: number, least: number): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < least) {
    throw new RoundsBenchOptionError(`--${flag} must be a whole number of at least ${least}.`, { details: `got "${text}"` });
  }
  return value;
}

interface BenchSettings {
  clients: number;
  rounds: number;
  paillierBits: 1024 | 2048;
  servers: number;
  threshold: number;
}

async function runMode(mode: DemoMode, settings: BenchSettings): Promise<DemoReport> {
  const workspace = integrationWorkspace(`bench-${mode}`);
  try {
    return await runDemo({ ...DEMO_DEFAULTS, ...settings, mode, ...workspace.demoOptions, onLine: (l) => process.stderr.write(`[${mode}] ${l}\n`) });
  } finally {
    workspace.remove();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: "string" },
      rounds: { type: "string" },
      "paillier-bits": { type: "string" },
      servers: { type: "string" },
      threshold: { type: "string" },
      passes: { type: "string" },
    },
  });
  const settings: BenchSettings = {
    clients: wholeNumber("clients", values.clients, 6, 1),
    // Round 1 is the cold start; the steady state needs at least one more.
    rounds: wholeNumber("rounds", values.rounds, 3, 2),
    paillierBits: Number(values["paillier-bits"] ?? 2048) === 1024 ? 1024 : 2048,
    servers: wholeNumber("servers", values.servers, 3, 2),
    threshold: wholeNumber("threshold", values.threshold, 2, 2),
  };
  const { clients, rounds, paillierBits, servers, threshold } = settings;
  const passes = wholeNumber("passes", values.passes, 2, 1);
  const loadBefore = loadavg()[0]!;
  // Each run's own load, so that a ratio skewed by other processes on the machine can be told apart.
  const runs = new Map<DemoMode, { report: DemoReport; load: { before: number; after: number } }[]>(MODES.map((mode) => [mode, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (const mode of pass % 2 === 0 ? MODES : [...MODES].reverse()) {
      const before = loadavg()[0]!;
      const report = await runMode(mode, settings);
      runs.get(mode)!.push({ report, load: { before, after: loadavg()[0]! } });
    }
  }
  // Round 1 includes every worker's cold start (TF.js, MNIST, kernel caches); later rounds are the steady state.
  const steady = (r: DemoReport): number[] => r.rounds.slice(1).map((x) => x.durationMs);
  const rows = MODES.map((mode) => {
    const reports = runs.get(mode)!.map((run) => run.report);
    return {
      mode,
      firstRoundMs: median(reports.map((r) => r.rounds[0]?.durationMs ?? 0)),
      steadyRoundMs: median(reports.flatMap(steady)),
      /** Per pass, in pass order: round 1's time, then the steady rounds'. */
      roundMs: reports.map((r) => r.rounds.map((x) => x.durationMs)),
      finalAccuracy: reports.at(-1)!.rounds.at(-1)?.accuracy ?? null,
      totalMs: median(reports.map((r) => r.totalMs)),
      phases: reports.flatMap((r) => r.rounds.map((x) => x.phase)),
      loadAverage: runs.get(mode)!.map((run) => run.load),
    };
  });
  const [plain, mash, shamir] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  const over = (a: typeof plain, b: typeof plain) => a.steadyRoundMs / b.steadyRoundMs;
  const result = {
    clients,
    rounds,
    paillierBits,
    servers,
    threshold,
    passes,
    model: "mlp",
    date: new Date().toISOString(),
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    rows,
    mashOverSteadyPlain: over(mash, plain),
    shamirOverSteadyPlain: over(shamir, plain),
    shamirOverSteadyMash: over(shamir, mash),
    firstRound: {
      mashOverPlain: mash.firstRoundMs / plain.firstRoundMs,
      shamirOverPlain: shamir.firstRoundMs / plain.firstRoundMs,
      shamirOverMash: shamir.firstRoundMs / mash.firstRoundMs,
    },
  };
  const unfinished = rows.filter((r) => r.phases.some((phase) => phase !== "Finalized"));
  const table = [
    `# Round benchmark (\`npm run bench:rounds\`): ${clients} client processes, mlp, ${rounds} rounds, Paillier ${paillierBits}, Shamir ${servers} servers with t = ${threshold}`,
    "",
    `${result.date}, load average ${loadBefore.toFixed(2)} → ${result.loadAverage.after?.toFixed(2)} on 2 cores. Round time is from openRound to finalization, measured by the task owner. ` +
      `The modes ran back to back in ${passes} pass${passes === 1 ? "" : "es"} of mirrored order (plain, mash, shamir, then the reverse); ` +
      "each figure is the median over the passes. Read the ratios, not the seconds.",
    "",
    "| mode | first round | steady round (median of rounds 2…R) | final accuracy | whole run | load average (1 min) before → after, per pass |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.mode} | ${(r.firstRoundMs / 1000).toFixed(1)} s | ${(r.steadyRoundMs / 1000).toFixed(1)} s | ${r.finalAccuracy?.toFixed(4) ?? "–"} | ` +
        `${(r.totalMs / 1000).toFixed(1)} s | ${r.loadAverage.map((load) => `${load.before.toFixed(2)} → ${load.after.toFixed(2)}`).join("; ")} |`,
    ),
    "",
    "| ratio | steady round | first round |",
    "|---|---:|---:|",
    `| MASH ÷ plain | **${result.mashOverSteadyPlain.toFixed(2)}×** | ${result.firstRound.mashOverPlain.toFixed(2)}× |`,
    `| Shamir ÷ plain | **${result.shamirOverSteadyPlain.toFixed(2)}×** | ${result.firstRound.shamirOverPlain.toFixed(2)}× |`,
    `| Shamir ÷ MASH | **${result.shamirOverSteadyMash.toFixed(2)}×** | ${result.firstRound.shamirOverMash.toFixed(2)}× |`,
    "",
    ...(unfinished.length === 0
      ? []
      : [`Not every round finalized: ${unfinished.map((r) => `${r.mode} ${r.phases.join(", ")}`).join("; ")}.`, ""]),
  ].join("\n");
  process.stdout.write(`${table}\n`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "rounds.json"), JSON.stringify(result, null, 2) + "\n");
  writeFileSync(join(RESULTS, "rounds.md"), table);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
