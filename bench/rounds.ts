// End-to-end round benchmark (`npm run bench:rounds`): the same task — clients, model, data, rounds — run in
// mode plain (FedAvg in the clear, the baseline) and in mode mash, back to back in one run on one machine, so
// the cost of privacy is read as a ratio rather than as absolute seconds on a shared, noisy machine.
// Writes bench/results/rounds.json and rounds.md. Flags: --clients N (6), --rounds R (3), --paillier-bits B (2048).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEMO_DEFAULTS, runDemo, type DemoReport } from "../workers/roles/runDemo";
import { median } from "./lib/median";

const PROJECT_ROOT = resolve(__dirname, "..");
const RESULTS = join(PROJECT_ROOT, "bench", "results");

async function runMode(mode: "plain" | "mash", clients: number, rounds: number, paillierBits: 1024 | 2048): Promise<DemoReport> {
  const outDir = mkdtempSync(join(tmpdir(), `fedmash-bench-${mode}-`));
  const deploymentId = `bench-${mode}-${process.pid}`;
  try {
    return await runDemo({ ...DEMO_DEFAULTS, mode, clients, rounds, paillierBits, outDir, projectRoot: PROJECT_ROOT, deploymentId, onLine: (l) => process.stderr.write(`[${mode}] ${l}\n`) });
  } finally {
    rmSync(join(PROJECT_ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { clients: { type: "string" }, rounds: { type: "string" }, "paillier-bits": { type: "string" } } });
  const clients = Number(values.clients ?? 6);
  const rounds = Number(values.rounds ?? 3);
  const paillierBits = (Number(values["paillier-bits"] ?? 2048) === 1024 ? 1024 : 2048) as 1024 | 2048;
  const loadBefore = loadavg()[0]!;
  const plain = await runMode("plain", clients, rounds, paillierBits);
  const mash = await runMode("mash", clients, rounds, paillierBits);
  // Round 1 includes every worker's cold start (TF.js, MNIST, kernel caches); later rounds are the steady state.
  const steady = (r: DemoReport): number[] => r.rounds.slice(1).map((x) => x.durationMs);
  const rows = [plain, mash].map((r) => ({
    mode: r.mode,
    firstRoundMs: r.rounds[0]?.durationMs ?? 0,
    steadyRoundMs: median(steady(r)),
    finalAccuracy: r.rounds.at(-1)?.accuracy ?? null,
    totalMs: r.totalMs,
    phases: r.rounds.map((x) => x.phase),
  }));
  const ratio = rows[1]!.steadyRoundMs / rows[0]!.steadyRoundMs;
  const result = {
    clients,
    rounds,
    paillierBits,
    model: "mlp",
    date: new Date().toISOString(),
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    rows,
    mashOverSteadyPlain: ratio,
  };
  const table = [
    `# Round benchmark (\`npm run bench:rounds\`): ${clients} client processes, mlp, ${rounds} rounds, Paillier ${paillierBits}`,
    "",
    `${result.date}, load average ${loadBefore.toFixed(2)} → ${result.loadAverage.after?.toFixed(2)} on 2 cores. Round time is from openRound to finalization, measured by the task owner.`,
    "",
    "| mode | first round | steady round (median of rounds 2…R) | final accuracy | whole run |",
    "|---|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.mode} | ${(r.firstRoundMs / 1000).toFixed(1)} s | ${(r.steadyRoundMs / 1000).toFixed(1)} s | ${r.finalAccuracy?.toFixed(4) ?? "–"} | ${(r.totalMs / 1000).toFixed(1)} s |`),
    "",
    `MASH / plain, steady round: **${ratio.toFixed(2)}×**.`,
    "",
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
