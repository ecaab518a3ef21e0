// `fedmash demo`: everything on one machine — Hardhat node, Ignition deploy, aggregator (+ servers) and one
// process per client — with the demo's lines on stdout, a live line for the running round on stderr, and with
// --serve the round explorer page beside it. Ends with the report's paths and the final accuracy.
import { join } from "node:path";
import { CliUsageError } from "../config/errors";
import { demoConfigSchema, DEMO_OPTIONS } from "../config/demoConfig";
import { createProgress } from "../progress/createProgress";
import { createRoundProgressReporter } from "../progress/roundProgressReporter";
import type { CliCommand } from "./cliCommand";
import { resolveCommandConfig } from "./resolveCommandConfig";

export const demoCommand: CliCommand = {
  name: "demo",
  summary: "Run everything on one machine: Hardhat node, Ignition deploy, aggregator (+ servers), one process per client",
  notes: [
    'MASH masks in "rlwr-2048" by default (ring-LWR, docs/MASKING.md); --mask-group paper-compat reproduces the paper: 80-bit, NOT secure.',
    "--malicious-aggregator alters every aggregate. MASH: consistent commits the tampered sum's root (a watcher proves the fraud, the bond is slashed); inconsistent commits the root of a sum nobody else holds (the clients refuse the model; not provable on-chain). Shamir: consistent posts matching batch sums (the check fails, nobody is slashed), inconsistent the true ones (the clients do not commit).",
    "--malicious-client (MASH): false-challenge challenges honest aggregates (its bond is burned); oversized-payload submits twice the task's size (the round fails AggregatorMissing, nobody slashed). (Shamir): inconsistent-shares hands the last server a share off its polynomial; the share-sum dispute convicts client 0 and its stake (--client-stake, 0.05 ETH by default then) is forfeited.",
    "--drop-servers K (Shamir) kills the last K servers once round 1 enters Aggregation; at most --servers − --threshold.",
    "With --serve the round explorer page follows the demo's chain; open the printed URL (it stops with the demo).",
  ],
  options: DEMO_OPTIONS,
  async run(argv, context) {
    const { config } = resolveCommandConfig("demo", DEMO_OPTIONS, demoConfigSchema, argv, context);
    const { runDemo, checkDemoOptions, DemoOptionsError } = await import("../roles/runDemo");
    try {
      checkDemoOptions(config);
    } catch (error) {
      if (error instanceof DemoOptionsError) throw new CliUsageError(error.shortMessage, { cause: error });
      throw error;
    }
    const out = (line: string): void => void context.stdout.write(`${line}\n`);
    const progress = createProgress({ stream: context.stderr, quiet: config.quiet, interleave: [context.stdout] });
    const rounds = createRoundProgressReporter(progress, config.clients + (config.faultyClient ? 1 : 0));
    let explorer: { url: string; close(): Promise<void> } | undefined;
    try {
      const report = await runDemo({
        ...config,
        projectRoot: context.projectRoot,
        onLine: config.quiet ? undefined : out,
        onRoundProgress: (p) => rounds.update(p),
        onChainReady: config.serve
          ? async (chain) => {
              const { startExplorer } = await import("../explorer/startExplorer");
              explorer = await startExplorer({ rpcUrl: chain.rpcUrl, addresses: chain.addresses, deploymentId: chain.deploymentId, projectRoot: context.projectRoot, port: config.port, host: config.host });
              out(`round explorer at ${explorer.url} (open it in a browser; it stops when the demo ends)`);
            }
          : undefined,
      });
      rounds.close();
      progress.close();
      const last = report.rounds.at(-1);
      if (config.maliciousAggregator) {
        const slashed = report.rounds.filter((r) => BigInt(r.slashed) > 0n).length;
        // A demonstration of the failure, so the exit code stays 0; the outcome is spelled out instead.
        out(
          `\nMALICIOUS AGGREGATOR (${config.maliciousAggregator}): ${report.rounds.filter((r) => r.phase !== "Finalized").length} of ${report.rounds.length} rounds failed verification` +
            ` (${report.rounds.map((r) => `round ${r.round} ${r.verification.status}`).join(", ")}); bond slashed in ${slashed} round(s)`,
        );
      }
      if (config.maliciousClient === "inconsistent-shares") {
        const forfeited = report.rounds.flatMap((r) => r.slashedParties.filter((s) => s.reason === "inconsistent-shares"));
        const wei = forfeited.reduce((total, s) => total + BigInt(s.wei), 0n);
        const { formatEther } = await import("ethers");
        out(
          `\nMALICIOUS CLIENT (inconsistent-shares): ${report.rounds.map((r) => `round ${r.round} ${r.phase === "Finalized" ? "finalized" : `failed ${r.failureReason}`}`).join(", ")}` +
            `; client faults proven: ${forfeited.length} (${formatEther(wei)} ETH of stake forfeited); servers slashed: ${report.rounds.flatMap((r) => r.slashedParties.filter((s) => s.role === "server")).length}`,
        );
      } else if (config.maliciousClient) {
        const burned = report.rounds.flatMap((r) => r.slashedParties.filter((s) => s.reason === "challenge-rejected"));
        out(
          `\nMALICIOUS CLIENT (${config.maliciousClient}): ${report.rounds.map((r) => `round ${r.round} ${r.phase === "Finalized" ? "finalized" : `failed ${r.failureReason}`}`).join(", ")}` +
            `; challenge bonds burned: ${burned.length}; aggregator slashed in ${report.rounds.filter((r) => BigInt(r.slashed) > 0n).length} round(s)`,
        );
      }
      const { formatEpsilon } = await import("../roles/formatEpsilon");
      const { REPORT_PLOT_FILE } = await import("../report/renderReportPlot");
      const privacy = last?.privacy ? ` · privacy (ε ${formatEpsilon(last.privacy.epsilon)}, δ ${last.privacy.delta}) after ${report.rounds.length} round(s)` : "";
      out(
        `\ndone in ${(report.totalMs / 1000).toFixed(1)} s · initial accuracy ${report.initialAccuracy.toFixed(4)} · final accuracy ${last?.accuracy?.toFixed(4) ?? "–"}${privacy}` +
          ` · report: ${join(config.outDir, "report.json")}, ${join(config.outDir, "report.md")} and ${join(config.outDir, REPORT_PLOT_FILE)}`,
      );
    } finally {
      rounds.close();
      progress.close();
      await explorer?.close();
    }
  },
};
