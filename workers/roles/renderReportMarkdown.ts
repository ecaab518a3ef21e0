// report.md: the per-round table a person reads after a demo run.
import type { DemoReport } from "./runDemo";

function fixed(value: number | null, digits: number): string {
  return value === null ? "–" : value.toFixed(digits);
}

export function renderReportMarkdown(report: DemoReport): string {
  const lines = [
    `# fedmash run: ${report.mode} mode, ${report.model}, ${report.clients} clients`,
    "",
    `Chain ${report.chainId} · task ${report.taskId} · FedmashCoordinator \`${report.contracts.FedmashCoordinator}\` · FedmashRegistry \`${report.contracts.FedmashRegistry}\``,
    "",
    `Settings: ${Object.entries(report.settings).map(([k, v]) => `${k} ${v}`).join(" · ")} · total ${(report.totalMs / 1000).toFixed(1)} s`,
    "",
    "| round | phase | test accuracy | test loss | mean train loss | included | excluded | duration | model CID | aggregate CID |",
    "|---:|---|---:|---:|---:|---:|---|---:|---|---|",
    ...report.rounds.map(
      (r) =>
        `| ${r.round} | ${r.phase}${r.failureReason ? ` (${r.failureReason})` : ""} | ${fixed(r.accuracy, 4)} | ${fixed(r.loss, 4)} | ${fixed(r.trainLoss, 4)} | ${r.included.length} | ${
          r.excluded.map((e) => `${e.client.slice(0, 10)}… ${e.reason}`).join("<br>") || "–"
        } | ${(r.durationMs / 1000).toFixed(1)} s | \`${r.modelCid}\` | ${r.aggregateCid ? `\`${r.aggregateCid}\`` : "–"} |`,
    ),
    "",
  ];
  return lines.join("\n");
}
