// `fedmash watch --task T`: a MASH watcher on its own account. For every round of the task it recomputes the sum of
// the included masked vectors once the challenge window opens, challenges a wrong aggregate with the bond (0.01 ETH,
// returned with half the slash when the fraud is proven), and claims what it is owed; until SIGINT or SIGTERM.
import { watchConfigSchema, WATCH_OPTIONS } from "../config/watchConfig";
import { workerCommand } from "./workerCommand";

export const watchCommand = workerCommand({
  name: "watch",
  summary: "A MASH watcher: recomputes each round's aggregate from the included vectors and challenges a wrong one on-chain",
  notes: [
    "It needs no registration, only a funded account: a challenge sends the verifier's CHALLENGE_BOND (0.01 ETH), burned if the aggregate was right, returned with half the aggregator's slash if it was wrong.",
    "With DP, pass the task's --dp, --noise-multiplier and --clip, as its clients and aggregator run: the noise widens the bound the sum is decoded in.",
  ],
  options: WATCH_OPTIONS,
  schema: watchConfigSchema,
  start: async (config, { runtime }) => {
    const { runWatcher } = await import("../roles/runWatcher");
    const { waitForTask } = await import("../roles/waitForTask");
    await waitForTask(runtime, config.taskId);
    return runWatcher({ runtime, taskId: config.taskId, startBlock: config.worker.startBlock, dp: config.dp });
  },
});
