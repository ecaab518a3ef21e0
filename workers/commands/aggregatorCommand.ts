// `fedmash aggregator`: the aggregator worker. It serves every task naming its account: averages (plain),
// multiplies and takes the discrete log (MASH) or reconstructs from share-sums (Shamir), posts, bonds, posts the
// batch sums, settles and claims, until SIGINT or SIGTERM.
import { aggregatorConfigSchema, AGGREGATOR_OPTIONS } from "../config/aggregatorConfig";
import { workerCommand } from "./workerCommand";

export const aggregatorCommand = workerCommand({
  name: "aggregator",
  summary: "The aggregator worker: serves every task naming its account, aggregates, posts and settles",
  notes: ["Start it before the owner creates a task naming it (the owner waits 2 minutes for it to register)."],
  options: AGGREGATOR_OPTIONS,
  schema: aggregatorConfigSchema,
  start: async (config, { runtime, progress }) => {
    const { runAggregator } = await import("../roles/runAggregator");
    return runAggregator({
      runtime,
      startBlock: config.worker.startBlock,
      weighting: config.weighting,
      maliciousAggregator: config.maliciousAggregator,
      dp: config.dp,
      shareSumGraceSeconds: config.shareSumGraceSeconds,
      progress,
    });
  },
});
