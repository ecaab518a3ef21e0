// The demo at full size (`npm run bench:demo`): `fedmash demo --mode mash` with 10 client processes, 3 rounds and
// 2 clients that drop out before submitting in round 1, the run that used to be an integration test and took three
// minutes of the suite. It reports what a user of the demo watches: each round's time, test accuracy, included and
// excluded clients (by reason), groups kept, and the settle gas of its verification. The integration test
// (test/integration/demoMash.test.ts) keeps the behaviour at the smallest size; this is where the scale and the
// accuracy target are measured. Nothing passes silently: a round that is not Finalized, a final accuracy below
// --min-accuracy or a round 1 that lost a different number of clients than dropped is printed as a FAILURE line,
// written to the results, and the bench exits 1. Writes bench/results/demo.json and demo.md.
// Flags: --clients N (10), --rounds R (3), --drop K (2), --paillier-bits B (1024), --min-accuracy A (0.90).
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { integrationWorkspace } from "../test/helpers/integrationWorkspace";
import { BaseError } from "../workers/errors";
import { DEMO_DEFAULTS, runDemo, type DemoReport } from "../workers/roles/runDemo";
import type { RoundReport } from "../workers/roles/runTask";

const RESULTS = resolve(__dirname, "results");

class DemoBenchOptionError extends BaseError {
  override name = "DemoBenchOptionError" as const;
}

/** A flag's value as a number that `valid` accepts, or its default when absent. */
function numberFlag(flag: string, text: string | undefined, fallback: number, valid: (value: number) => boolean, expected: string): number {
  const value = text === undefined ? fallback : Number(text);
  if (!valid(value)) throw new DemoBenchOptionError(`--${flag} must be ${expected}.`, { details: `got "${text}"` });
  return value;
}

interface RoundRow {
  round: number;
  phase: string;
  failureReason: string | null;
  seconds: number;
  accuracy: number | null;
  joined: number;
  included: number;
  /** Clients that joined but never submitted (the dropouts). */
  noSubmission: number;
  /** Clients left out because a member of their group did not submit. */
  groupExcluded: number;
  groupsIncluded: number;
  groups: number;
  verification: string;
  settleGas: number | null;
}

function roundRow(r: RoundReport): RoundRow {
  const groups = r.groups ?? [];
  return {
    round: r.round,
    phase: r.phase,
    failureReason: r.failureReason ?? null,
    seconds: r.durationMs / 1000,
    accuracy: r.accuracy,
    joined: r.joined,
    included: r.included.length,
    noSubmission: r.excluded.filter((e) => e.reason === "NoSubmission").length,
    groupExcluded: r.excluded.filter((e) => e.reason === "GroupExcluded").length,
    groupsIncluded: groups.filter((g) => g.included).length,
    groups: groups.length,
    verification: r.verification.status,
    settleGas: r.verification.gasUsed ?? null,
  };
}

/** Every way the run missed what the demo promises, one sentence each; empty when it kept all of it. */
function problemsOf(report: DemoReport, rows: RoundRow[], expected: { rounds: number; drop: number; minAccuracy: number }): string[] {
  const problems: string[] = [];
  if (rows.length !== expected.rounds) problems.push(`${rows.length} of ${expected.rounds} rounds ran.`);
  for (const row of rows) {
    if (row.phase !== "Finalized") problems.push(`round ${row.round} ended ${row.phase}${row.failureReason ? ` (${row.failureReason})` : ""}, not Finalized.`);
  }
  const final = rows.at(-1)?.accuracy ?? null;
  if (final === null || final < expected.minAccuracy) {
    problems.push(`final accuracy ${final?.toFixed(4) ?? "none"} is below ${expected.minAccuracy} (initial ${report.initialAccuracy.toFixed(4)}).`);
  }
  const dropped = rows[0]?.noSubmission ?? 0;
  if (dropped !== expected.drop) problems.push(`round 1 lost ${dropped} client(s) for NoSubmission, not the ${expected.drop} that dropped out.`);
  return problems;
}

const fixed = (value: number | null, digits: number): string => (value === null ? "–" : value.toFixed(digits));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      clients: { type: "string" },
      rounds: { type: "string" },
      drop: { type: "string" },
      "paillier-bits": { type: "string" },
      "min-accuracy": { type: "string" },
    },
  });
  const whole = (least: number) => (value: number) => Number.isInteger(value) && value >= least;
  // 10 clients: a holder and 3 groups of 3, so two dropouts in two different groups still leave one group in.
  const clients = numberFlag("clients", values.clients, 10, whole(4), "a whole number of at least 4");
  const rounds = numberFlag("rounds", values.rounds, 3, whole(1), "a whole number of at least 1");
  const drop = numberFlag("drop", values.drop, 2, whole(0), "a whole number");
  const paillierBits = numberFlag("paillier-bits", values["paillier-bits"], 1024, (v) => v === 1024 || v === 2048, "1024 or 2048") as 1024 | 2048;
  const minAccuracy = numberFlag("min-accuracy", values["min-accuracy"], 0.9, (v) => v >= 0 && v <= 1, "between 0 and 1");

  const workspace = integrationWorkspace("bench-demo");
  const loadBefore = loadavg()[0]!;
  const started = Date.now();
  let report: DemoReport;
  try {
    report = await runDemo({
      ...DEMO_DEFAULTS,
      mode: "mash",
      clients,
      rounds,
      paillierBits,
      dropClients: drop,
      dropPhase: "submit",
      ...workspace.demoOptions,
      // Seconds since the start on every line, to see which phase or deadline a slow round waited for.
      onLine: (line) => process.stderr.write(`[demo +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`),
    });
  } finally {
    workspace.remove();
  }
  const loadAfter = loadavg()[0]!;
  const rows = report.rounds.map(roundRow);
  const problems = problemsOf(report, rows, { rounds, drop, minAccuracy });
  const date = new Date().toISOString();
  const cores = availableParallelism();

  const table = [
    `# Demo benchmark (\`npm run bench:demo\`): mash, ${clients} client processes, ${rounds} rounds, ${drop} drop out at submit in round 1, Paillier ${paillierBits}`,
    "",
    `${date}, load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${cores} cores` +
      `${Math.max(loadBefore, loadAfter) > cores ? " (busy: the demo's own processes load the machine, and other load slows every round)" : ""}. ` +
      `Round time is from openRound to finalization, measured by the task owner; after a dropout every later round waits out Joining (15 s) for the clients that left. ` +
      `Initial accuracy ${report.initialAccuracy.toFixed(4)}; the target is at least ${minAccuracy} after round ${rounds}. Whole run ${(report.totalMs / 1000).toFixed(1)} s.`,
    "",
    "| round | phase | time | test accuracy | joined | included | excluded: no submission / group left out | groups included | verification | settle gas |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ...rows.map(
      (r) =>
        `| ${r.round} | ${r.phase}${r.failureReason ? ` (${r.failureReason})` : ""} | ${r.seconds.toFixed(1)} s | ${fixed(r.accuracy, 4)} | ${r.joined} | ${r.included} | ` +
        `${r.noSubmission} / ${r.groupExcluded} | ${r.groupsIncluded} of ${r.groups} | ${r.verification} | ${r.settleGas?.toLocaleString("en-US") ?? "–"} |`,
    ),
    "",
    ...(problems.length === 0
      ? ["Every round finalized, round 1 lost exactly the dropouts, and the final accuracy reached the target.", ""]
      : ["**FAILED**: the run did not do what the demo promises:", "", ...problems.map((p) => `- ${p}`), ""]),
  ].join("\n");
  process.stdout.write(`${table}\n`);

  const result = {
    mode: "mash",
    clients,
    rounds,
    dropClients: drop,
    dropPhase: "submit",
    paillierBits,
    model: report.model,
    minAccuracy,
    date,
    machine: { cores, node: process.version },
    loadAverage: { before: loadBefore, after: loadAfter },
    initialAccuracy: report.initialAccuracy,
    finalAccuracy: rows.at(-1)?.accuracy ?? null,
    totalMs: report.totalMs,
    rows,
    problems,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "demo.json"), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(RESULTS, "demo.md"), table);
  if (problems.length > 0) {
    process.stderr.write(`\nbench:demo FAILED (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}\n`).join("")}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:demo FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
