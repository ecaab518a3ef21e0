// A client may start before its task exists (workers start in any order); it waits for the task rather than
// failing, and says so in its log.
import { sleep } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";

export async function waitForTask(runtime: WorkerRuntime, taskId: bigint, pollMs = 1_000): Promise<void> {
  let announced = false;
  while ((await runtime.coordinator.taskCount()) < taskId) {
    if (!announced) runtime.logger.info("waiting for the task to be created", { task: taskId });
    announced = true;
    await sleep(pollMs);
  }
}
