// `fedmash status`: where a deployment's tasks and rounds stand, read from the chain (collectStatus) and printed
// as text or JSON; with --serve the live round explorer page instead, until Ctrl-C. Read-only: no account.
import { STATUS_OPTIONS, statusConfigSchema } from "../config/statusConfig";
import type { CliCommand } from "./cliCommand";
import { findDeploymentAddresses } from "./findDeploymentAddresses";
import { probeChainId } from "./preflightWorker";
import { resolveCommandConfig } from "./resolveCommandConfig";
import { waitForSignal } from "./waitForSignal";

export const statusCommand: CliCommand = {
  name: "status",
  summary: "Print where the deployment's tasks and rounds stand (--json for the snapshot), or --serve the live round explorer",
  notes: [
    "Reads the chain only (no account): events of the four contracts and their views, pinned to one block.",
    "--serve prints the page's URL; --explorer-url links transactions to a block explorer instead of the page's own view.",
  ],
  options: STATUS_OPTIONS,
  async run(argv, context) {
    const { config } = resolveCommandConfig("status", STATUS_OPTIONS, statusConfigSchema, argv, context);
    const addresses = config.registry !== undefined && config.coordinator !== undefined ? { registry: config.registry, coordinator: config.coordinator } : undefined;
    // One bare request first: a dead RPC or a missing deployment is one line naming the fix.
    const chainId = await probeChainId(config.rpc);
    findDeploymentAddresses({ chainId, projectRoot: context.cwd, deploymentId: config["deployment-id"], addresses });

    if (config.serve) {
      const { startExplorer } = await import("../explorer/startExplorer");
      const explorer = await startExplorer({
        rpcUrl: config.rpc,
        deploymentId: config["deployment-id"],
        projectRoot: context.cwd,
        addresses,
        port: config.port,
        host: config.host,
        txUrlBase: config["explorer-url"],
        pollMs: config["poll-ms"],
        fromBlock: config["from-block"],
        maxBlockRange: config["max-block-range"],
      });
      context.stdout.write(`round explorer at ${explorer.url} (Ctrl-C to stop)\n`);
      await waitForSignal(() => explorer.close());
      return;
    }

    const { connectStatusSource } = await import("../status/connectStatusSource");
    const { collectStatus } = await import("../status/collectStatus");
    const { renderStatusText } = await import("../status/renderStatusText");
    const source = await connectStatusSource({ rpcUrl: config.rpc, projectRoot: context.cwd, deploymentId: config["deployment-id"], addresses, fromBlock: config["from-block"] });
    try {
      const snapshot = await collectStatus({
        provider: source.provider,
        addresses: source.addresses,
        fromBlock: source.fromBlock,
        taskId: config.task,
        roundId: config.round,
        maxBlockRange: config["max-block-range"],
      });
      context.stdout.write(config.json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderStatusText(snapshot, { round: config.round, events: config.events }));
    } finally {
      source.close();
    }
  },
};
