// `fedmash aggregator`: the aggregator worker. It serves the tasks it accepted (--accept-task) among those naming
// its account, never bonding more than it accepted: averages (plain),
// multiplies and takes the discrete log (MASH) or reconstructs from share-sums (Shamir), posts, bonds, posts the
// batch sums, settles and claims, until SIGINT or SIGTERM.
import { aggregatorConfigSchema, AGGREGATOR_OPTIONS } from "../config/aggregatorConfig";
import { workerCommand } from "./workerCommand";

export const aggregatorCommand = workerCommand({
  name: "aggregator",
  summary: "The aggregator worker: serves the tasks it accepted, aggregates, posts and settles",
  notes: [
    "Start it before the owner creates a task naming it (the owner waits 2 minutes for it to register).",
    "It serves only the tasks given with --accept-task, opts in to each on-chain with its bond cap, and never bonds more than that cap; other tasks naming it are logged and ignored.",
  ],
  options: AGGREGATOR_OPTIONS,
  schema: aggregatorConfigSchema,
  start: async (config, { runtime, progress }) => {
    const { runAggregator } = await import("../roles/runAggregator");
    return runAggregator({
      runtime,
      startBlock: config.worker.startBlock,
      acceptedTasks: config.acceptedTasks,
      weighting: config.weighting,
      minChallengeWindow: config.minChallengeWindow,
      maliciousAggregator: config.maliciousAggregator,
      dp: config.dp,
      shareSumGraceSeconds: config.shareSumGraceSeconds,
      progress,
    });
  },
});
