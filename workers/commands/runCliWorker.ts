// The life of a long-running worker command (client, aggregator, server): preflight and open it, start its role's
// event loop, and on SIGINT or SIGTERM stop the loop and close the runtime; a failure on the way closes it too.
import type { ProgressBars } from "../progress/createProgress";
import type { WorkerRuntime } from "../roles/openWorkerRuntime";
import { openCliWorker, type OpenCliWorkerParameters } from "./openCliWorker";
import { waitForSignal } from "./waitForSignal";

export interface RunCliWorkerParameters extends OpenCliWorkerParameters {
  /** Starts the role on the open runtime; its handle is stopped on the signal. */
  start(opened: { runtime: WorkerRuntime; progress: ProgressBars }): Promise<{ stop(): Promise<void> }>;
}

export async function runCliWorker(parameters: RunCliWorkerParameters): Promise<void> {
  const { runtime, progress, close } = await openCliWorker(parameters);
  try {
    const loop = await parameters.start({ runtime, progress });
    await waitForSignal(async () => {
      await loop.stop();
      await close();
    });
  } catch (error) {
    await close();
    throw error;
  }
}
