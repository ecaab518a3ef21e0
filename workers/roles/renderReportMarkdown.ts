// report.md: the per-round table a person reads after a demo run, and for MASH runs the verification of each
// round: outcome, settle gas, commitments, disputes, rewards paid and bond slashed.
import { formatEther } from "ethers";
import type { DemoReport } from "./runDemo";

function fixed(value: number | null, digits: number): string {
  return value === null ? "–" : value.toFixed(digits);
}

export function renderReportMarkdown(report: DemoReport): string {
  const lines = [
    `# fedmash run: ${report.mode} mode, ${report.model}, ${report.clients} clients`,
    "",
    `Chain ${report.chainId} · task ${report.taskId} · ${Object.entries(report.contracts).map(([name, address]) => `${name} \`${address}\``).join(" · ")}`,
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
  if (report.rounds.some((r) => r.verification.status !== "none")) {
    lines.push(
      "## Verification",
      "",
      "| round | outcome | settle gas | partitions × batches | committed / included | disputes | paid (ETH) | slashed (ETH) | claims |",
      "|---:|---|---:|---|---:|---:|---:|---:|---:|",
      ...report.rounds.map((r) => {
        const v = r.verification;
        return `| ${r.round} | ${v.status} | ${v.gasUsed ?? "–"} | ${v.samples} × ${v.batches} | ${v.committed} / ${v.included} | ${v.disputes} | ${formatEther(r.paid)} | ${BigInt(r.slashed) > 0n ? `**${formatEther(r.slashed)}**` : "0"} | ${r.claims.length} |`;
      }),
      "",
    );
  }
  return lines.join("\n");
}
