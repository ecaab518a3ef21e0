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
    const training = { ...config.training, onProgress: trainingProgressReporter(progress) };
    const common = { runtime, taskId: config.taskId, training, startBlock: config.worker.startBlock, dp: config.dp, expectedClients: config.expectedClients, progress, maxStake: config.maxStake };
    if (mode === Mode.Shamir) return runShamirClient(common);
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
