// report.md: the per-round table a person reads after a demo run (mode, phase, verification, accuracy, loss,
// clients included, settle gas, ε with DP) and the accuracy/loss plot beside it; for verified runs (MASH, Shamir)
// the verification of each round: outcome, settle gas, commitments (Shamir), challenges (MASH), rewards paid and who
// was slashed, for what; for
// Shamir runs which servers posted, which the aggregate was reconstructed from and which disagreed; for DP runs
// the privacy spent, round by round.
import { formatEther } from "ethers";
import type { DemoReport } from "./runDemo";
import { formatEpsilon } from "./formatEpsilon";
import { describeAdmission } from "../protocol/admission";
import { REPORT_PLOT_FILE } from "../report/renderReportPlot";

function fixed(value: number | null, digits: number): string {
  return value === null ? "–" : value.toFixed(digits);
}

function indexList(values: number[] | undefined): string {
  return values && values.length ? values.join(", ") : "–";
}

export function renderReportMarkdown(report: DemoReport): string {
  const dp = report.rounds.some((r) => r.privacy);
  const lines = [
    `# fedmash run: ${report.mode} mode, ${report.model}, ${report.clients} clients`,
    "",
    `Chain ${report.chainId} · task ${report.taskId}${report.admission ? ` (admission: ${describeAdmission(report.admission)})` : ""} · ${Object.entries(report.contracts).map(([name, address]) => `${name} \`${address}\``).join(" · ")}`,
    "",
    `Settings: ${Object.entries(report.settings).map(([k, v]) => `${k} ${v}`).join(" · ")} · total ${(report.totalMs / 1000).toFixed(1)} s`,
    "",
    `Test accuracy of the initial model: ${report.initialAccuracy.toFixed(4)}`,
    "",
    `![Test accuracy and loss per round](${REPORT_PLOT_FILE})`,
    "",
    `| round | phase | mode | verification | test accuracy | test loss | mean train loss | included | excluded | settle gas |${dp ? " ε so far |" : ""} duration | model CID | aggregate CID |`,
    `|---:|---|---|---|---:|---:|---:|---:|---|---:|${dp ? "---:|" : ""}---:|---|---|`,
    ...report.rounds.map(
      (r) =>
        `| ${r.round} | ${r.phase}${r.failureReason ? ` (${r.failureReason})` : ""} | ${report.mode} | ${r.verification.status === "none" ? "–" : r.verification.status} | ${fixed(r.accuracy, 4)} | ${fixed(r.loss, 4)} | ${fixed(r.trainLoss, 4)} | ${r.included.length} | ${
          r.excluded.map((e) => `${e.client.slice(0, 10)}… ${e.reason}`).join("<br>") || "–"
        } | ${r.verification.gasUsed ?? "–"} |${dp ? ` ${r.privacy ? formatEpsilon(r.privacy.epsilon) : "–"} |` : ""} ${(r.durationMs / 1000).toFixed(1)} s | \`${r.modelCid}\` | ${r.aggregateCid ? `\`${r.aggregateCid}\`` : "–"} |`,
    ),
    "",
  ];
  if (report.rounds.some((r) => r.servers)) {
    lines.push(
      "## Shamir servers",
      "",
      "| round | posted share-sums | silent servers | reconstructed from | inconsistent |",
      "|---:|---:|---|---|---|",
      ...report.rounds.map((r) => {
        const servers = r.servers ?? [];
        const silent = servers.filter((s) => !s.posted).map((s) => `${s.index} (\`${s.address.slice(0, 10)}…\`)`);
        return `| ${r.round} | ${servers.filter((s) => s.posted).length} / ${servers.length} | ${silent.join(", ") || "–"} | ${indexList(r.reconstructedFrom)} | ${indexList(r.inconsistentServers)} |`;
      }),
      "",
    );
  }
  if (report.rounds.some((r) => r.verification.status !== "none")) {
    lines.push(
      "## Verification",
      "",
      "| round | outcome | settle gas | committed / included | challenges | paid (ETH) | slashed | claims |",
      "|---:|---|---:|---:|---|---:|---|---:|",
      ...report.rounds.map((r) => {
        const v = r.verification;
        const committed = report.mode === "mash" ? `– / ${v.included}` : `${v.committed} / ${v.included}`;
        const challenges =
          r.challenges
            .map((c) =>
              c.kind === "dispute" && c.coordinate === undefined && c.leafIndex === undefined
                ? `\`${c.challenger.slice(0, 10)}…\` dispute ${c.upheld ? "won" : "lost"} (${c.end})`
                : `\`${c.challenger.slice(0, 10)}…\` ${c.kind === "dispute" ? "dispute, " : ""}${c.upheld ? `upheld at coordinate ${c.coordinate}` : `rejected at leaf ${c.leafIndex}`} (gas ${c.gasUsed ?? "–"})`,
            )
            .join("<br>") || "–";
        const slashed = r.slashedParties.map((s) => `**${formatEther(s.wei)}** ${s.role} \`${s.address.slice(0, 10)}…\` (${s.reason})`).join("<br>") || "0";
        return `| ${r.round} | ${v.status} | ${v.gasUsed ?? "–"} | ${committed} | ${challenges} | ${formatEther(r.paid)} | ${slashed} | ${r.claims.length} |`;
      }),
      "",
    );
  }
  if (report.rounds.some((r) => r.privacy)) {
    lines.push(
      "## Privacy",
      "",
      "Each published aggregate is one release of the Gaussian mechanism; ε composes over releases (RDP accountant, docs/PRIVACY.md).",
      "",
      "| round | mechanism | effective z | ε this round | ε so far | δ |",
      "|---:|---|---:|---:|---:|---:|",
      ...report.rounds.map((r) =>
        r.privacy
          ? `| ${r.round} | ${r.privacy.mechanism} | ${r.privacy.noiseMultiplier.toPrecision(3)} | ${formatEpsilon(r.privacy.epsilonRound)} | ${formatEpsilon(r.privacy.epsilon)} | ${r.privacy.delta} |`
          : `| ${r.round} | – | – | – | – | – |`,
      ),
      "",
    );
  }
  return lines.join("\n");
}
