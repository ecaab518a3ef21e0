// Worker-thread entry of the kernel pool: loads the kernel named in workerData and runs the jobs it is
// sent on shared memory, replying with the kernel's status or the failure's message.
import { parentPort, workerData } from "node:worker_threads";
import type { KernelKind, MashKernel } from "./kernel";
import { loadNativeKernel } from "./nativeKernel";
import { runKernelJob, type KernelJob } from "./runKernelJob";
import { createTsKernel } from "./tsKernel";

export interface KernelWorkerRequest {
  id: number;
  job: KernelJob;
}

export type KernelWorkerReply = { id: number; status: number; error?: undefined } | { id: number; error: string };

function loadKernel(kind: KernelKind): MashKernel | string {
  if (kind === "ts") return createTsKernel();
  const native = loadNativeKernel();
  return native.kernel ?? native.reason;
}

if (parentPort) {
  const port = parentPort;
  const kernel = loadKernel((workerData as { kind: KernelKind }).kind);
  port.on("message", (request: KernelWorkerRequest) => {
    let reply: KernelWorkerReply;
    if (typeof kernel === "string") {
      reply = { id: request.id, error: kernel };
    } else {
      try {
        reply = { id: request.id, status: runKernelJob(kernel, request.job) };
      } catch (error) {
        reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
      }
    }
    port.postMessage(reply);
  });
}
