// `fedmash owner`: the task owner. It creates a task (or continues --task), funds it, and runs --rounds rounds,
// printing one line per round on stdout while a live line shows the running round's phase and deadline.
import { OWNER_OPTIONS, ownerConfigSchema } from "../config/ownerConfig";
import { createRoundProgressReporter } from "../progress/roundProgressReporter";
import type { CliCommand } from "./cliCommand";
import { openCliWorker } from "./openCliWorker";
import { resolveCommandConfig } from "./resolveCommandConfig";

export const ownerCommand: CliCommand = {
  name: "owner",
  summary: "Task owner: creates a task (or continues --task T) and runs --rounds R rounds, printing accuracy",
  notes: [
    "MASH and Shamir tasks are funded by the owner: rounds × (max clients × client reward + aggregator reward).",
    "Shamir: start the servers first and pass their addresses with --servers in share order.",
    "Admission is open unless --allow (an allowlist) or --client-stake is given: open, one attacker's Sybil accounts may fill a round (README, \"Sybils and admission\").",
  ],
  options: OWNER_OPTIONS,
  async run(argv, context) {
    const { config, sources } = resolveCommandConfig("owner", OWNER_OPTIONS, ownerConfigSchema(context.cwd), argv, context);
    const { runtime, progress, close } = await openCliWorker({ worker: config.worker, sources, quiet: config.quiet, context });
    const rounds = createRoundProgressReporter(progress, config.settings.maxClients);
    const out = (line: string): void => void context.stdout.write(`${line}\n`);
    try {
      const { runTask } = await import("../roles/runTask");
      const { describeAdmission } = await import("../protocol/admission");
      const { initBackend } = await import("../ml/initBackend");
      const { hardhatTestWallet } = await import("../chain/connectChain");
      const { formatEpsilon } = await import("../roles/formatEpsilon");
      const { enumName, Phase } = await import("../protocol/enums");
      await initBackend({ model: config.settings.modelKind });
      const { taskId, rounds: done } = await runTask({
        runtime,
        taskId: config.taskId,
        rounds: config.rounds,
        settings: { ...config.settings, aggregator: config.aggregator ?? hardhatTestWallet(1).address },
        aggregatorWaitMs: 120_000,
        onTaskCreated: (id, cid) => out(`task ${id} created with initial model ${cid}`),
        onAdmission: (admission) => out(`admission: ${describeAdmission(admission)}`),
        onProgress: (p) => rounds.update({ round: p.round, phase: String(enumName(Phase, p.phase)), joined: p.joined, submitted: p.submitted, deadline: Number(p.deadline) }),
        onRoundDone: (r) =>
          out(
            `round ${r.round} (id ${r.roundId}): ${r.phase}${r.failureReason ? ` (${r.failureReason})` : ""} accuracy ${r.accuracy?.toFixed(4) ?? "–"} model ${r.modelCid}` +
              `${r.verification.status === "none" ? "" : ` verification ${r.verification.status} gas ${r.verification.gasUsed ?? "–"} paid ${r.paid} wei slashed ${r.slashed} wei`}` +
              `${r.challenges.length ? ` challenges ${r.challenges.map((c) => `${c.challenger} ${c.upheld ? `upheld at coordinate ${c.coordinate}` : `rejected at leaf ${c.leafIndex}`}`).join(", ")}` : ""}` +
              `${r.slashedParties.some((s) => s.role !== "client") ? ` slashed ${r.slashedParties.filter((s) => s.role !== "client").map((s) => `${s.role} ${s.address} ${s.wei} wei (${s.reason})`).join(", ")}` : ""}` +
              `${r.slashedParties.filter((s) => s.role === "client").map((s) => ` client ${s.address} forfeited ${s.wei} wei (${s.reason})`).join("")}` +
              `${r.servers ? ` servers ${r.servers.filter((s) => s.posted).length}/${r.servers.length} posted, reconstructed from [${(r.reconstructedFrom ?? []).join(", ")}]` : ""}` +
              `${r.privacy ? ` ε ${formatEpsilon(r.privacy.epsilon)} (δ ${r.privacy.delta})` : ""}`,
          ),
      });
      rounds.close();
      out(`task ${taskId}: ${done.length} round(s) done`);
    } finally {
      rounds.close();
      await close();
    }
  },
};
