// A long-running worker command (client, aggregator, server) from its settings and how its role starts: the
// command resolves its settings, runs the preflight, opens the runtime, starts the role's event loop, and on
// SIGINT or SIGTERM stops the loop and closes the runtime; a failure on the way closes it too.
import type { z } from "zod";
import type { OptionTable } from "../config/optionSpec";
import type { RawConfig } from "../config/resolveConfig";
import type { WorkerSettings } from "../config/workerConfigOf";
import type { ProgressBars } from "../progress/createProgress";
import type { WorkerRuntime } from "../roles/openWorkerRuntime";
import type { CliCommand } from "./cliCommand";
import { openCliWorker } from "./openCliWorker";
import { resolveCommandConfig } from "./resolveCommandConfig";
import { waitForSignal } from "./waitForSignal";

export interface WorkerCommandParameters<T extends { worker: WorkerSettings; quiet: boolean }> extends Omit<CliCommand, "run"> {
  /** The command's schema for a working directory (relative folders resolve against it). */
  schema(cwd: string): z.ZodType<T, RawConfig>;
  /** Starts the role on the open runtime; its handle is stopped on the signal, unless it says it has `finished` (a one-shot action). */
  start(config: T, opened: { runtime: WorkerRuntime; progress: ProgressBars }): Promise<{ stop(): Promise<void>; finished?: boolean }>;
}

export function workerCommand<T extends { worker: WorkerSettings; quiet: boolean }>(parameters: WorkerCommandParameters<T>): CliCommand {
  const { schema, start, ...command } = parameters;
  return {
    ...command,
    async run(argv, context) {
      const { config, sources } = resolveCommandConfig(command.name, command.options, schema(context.cwd), argv, context);
      const { runtime, progress, close } = await openCliWorker({ worker: config.worker, sources, quiet: config.quiet, context });
      try {
        const loop = await start(config, { runtime, progress });
        if (loop.finished === true) {
          await close();
          return;
        }
        await waitForSignal(async () => {
          await loop.stop();
          await close();
        });
      } catch (error) {
        await close();
        throw error;
      }
    },
  };
}
