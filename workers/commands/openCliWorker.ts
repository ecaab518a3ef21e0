// What every worker command does before its role starts: the preflight checks (one named line per
// misconfiguration), the worker runtime, and the progress output its role reports stages to.
import type { ConfigSource } from "../config/optionSpec";
import type { WorkerSettings } from "../config/workerConfigOf";
import { createProgress, type Progress } from "../progress/createProgress";
import type { WorkerRuntime } from "../roles/openWorkerRuntime";
import type { CliContext } from "./cliCommand";
import { preflightWorker } from "./preflightWorker";

export interface OpenCliWorkerParameters {
  worker: WorkerSettings;
  sources: Record<string, ConfigSource>;
  quiet: boolean;
  context: CliContext;
}

export interface OpenCliWorkerReturnType {
  runtime: WorkerRuntime;
  progress: Progress;
  /** Stops the progress output and closes the runtime. */
  close(): Promise<void>;
}

export async function openCliWorker(parameters: OpenCliWorkerParameters): Promise<OpenCliWorkerReturnType> {
  await preflightWorker({ config: parameters.worker, sources: parameters.sources });
  const { openWorkerRuntime } = await import("../roles/openWorkerRuntime");
  const runtime = await openWorkerRuntime(parameters.worker);
  // The worker's log lines go to stderr too: on a terminal they are printed above the live bars.
  const progress = createProgress({ stream: parameters.context.stderr, quiet: parameters.quiet, interleave: [parameters.context.stdout] });
  return {
    runtime,
    progress,
    close: async () => {
      progress.close();
      await runtime.close();
    },
  };
}
