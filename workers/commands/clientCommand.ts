// `fedmash client`: one client worker. It joins the rounds of its task, trains on its MNIST partition and submits
// in the task's mode (plain, MASH masking, Shamir shares), until SIGINT or SIGTERM.
import { clientConfigSchema, CLIENT_OPTIONS } from "../config/clientConfig";
import { trainingProgressReporter } from "../progress/trainingProgressReporter";
import { workerCommand } from "./workerCommand";

export const clientCommand = workerCommand({
  name: "client",
  summary: "One client worker: joins rounds of --task, trains on its MNIST partition, submits updates",
  notes: [
    "The task's mode picks the protocol. --index I of --clients N picks the partition. Each client needs its own account and --state-dir (the default is per index).",
    "A task may admit only its owner's allowlist, or ask a stake: --max-stake ETH lets the client stake it itself; --withdraw-stake T takes the stake back afterwards (never automatic).",
  ],
  options: CLIENT_OPTIONS,
  schema: clientConfigSchema,
  start: async (config, { runtime, progress }) => {
    if (config.withdrawStake !== undefined) {
      // A one-shot: nothing is ever withdrawn automatically, so a client takes its stake back with this.
      const { withdrawClientStake } = await import("../roles/admitClient");
      await withdrawClientStake(runtime, config.withdrawStake);
      return { stop: async () => undefined, finished: true };
    }
    const { runClient } = await import("../roles/runClient");
    const { runMashClient } = await import("../roles/runMashClient");
    const { runShamirClient } = await import("../roles/runShamirClient");
    const { waitForTask } = await import("../roles/waitForTask");
    const { Mode } = await import("../protocol/enums");
    await waitForTask(runtime, config.taskId);
    const mode = Number((await runtime.coordinator.task(config.taskId)).config.mode);
    // The adversaries are mode-specific; one asked of a task of another mode would silently play honest.
    const { CliUsageError } = await import("../config/errors");
    if (config.maliciousClient !== undefined && mode !== Mode.Mash) {
      throw new CliUsageError(`--malicious-client ${config.maliciousClient} applies to MASH tasks; task ${config.taskId} is not one.`, { details: "leave out --malicious-client (a Shamir client's adversary is --inconsistent-shares)." });
    }
    if (config.inconsistentShares && mode !== Mode.Shamir) {
      throw new CliUsageError(`--inconsistent-shares applies to Shamir tasks; task ${config.taskId} is not one.`, { details: "leave out --inconsistent-shares (a MASH client's adversaries are --malicious-client false-challenge|oversized-payload)." });
    }
    const training = { ...config.training, onProgress: trainingProgressReporter(progress) };
    const common = { runtime, taskId: config.taskId, training, startBlock: config.worker.startBlock, dp: config.dp, expectedClients: config.expectedClients, progress, maxStake: config.maxStake };
    if (mode === Mode.Shamir) return runShamirClient({ ...common, inconsistentShares: config.inconsistentShares });
    if (mode !== Mode.Mash) return runClient({ ...common, fault: config.fault });
    return runMashClient({
      ...common,
      paillierBits: config.paillierBits,
      dropAt: config.dropAt,
      dropCount: config.dropCount,
      allowInsecureMaskGroup: config.allowInsecureMaskGroup,
      minChallengeWindow: config.minChallengeWindow,
      maliciousClient: config.maliciousClient,
      onDrop: (where, roundId) => {
        runtime.logger.warn("dropping out as instructed (--drop-at)", { where, round: roundId });
        process.exit(0);
      },
    });
  },
});
