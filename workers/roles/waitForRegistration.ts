// Workers start in any order, so whoever depends on others being registered (the owner on its aggregator, the
// demo on every process it started) waits for them here, with one deadline and one error per caller.
import type { Role } from "../protocol/enums";
import { sleep } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface WaitForRegistrationParameters {
  runtime: WorkerRuntime;
  accounts: readonly string[];
  role: Role;
  timeoutMs: number;
  pollMs?: number;
  /** The error to throw when the deadline passes. */
  onTimeout: () => Error;
  /** Called on every poll; throw from it to stop waiting early (e.g. a worker process died). */
  check?: () => void;
  onWait?: () => void;
}

export async function waitForRegistration(parameters: WaitForRegistrationParameters): Promise<void> {
  const deadline = Date.now() + parameters.timeoutMs;
  for (;;) {
    const active = await Promise.all(parameters.accounts.map((account) => parameters.runtime.registry.isActive(account, parameters.role)));
    if (active.every(Boolean)) return;
    parameters.check?.();
    if (Date.now() >= deadline) throw parameters.onTimeout();
    parameters.onWait?.();
    await sleep(parameters.pollMs ?? 300);
  }
}
