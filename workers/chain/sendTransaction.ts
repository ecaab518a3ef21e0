// The one way workers send transactions: serialized per account (no nonce races), retried on transport
// failures, never retried on reverts, and reverts decoded into ChainRevertError with the custom error's name.
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { retry } from "../retry";
import { ChainRevertError } from "./errors";

export interface SendTransactionParameters {
  /** Human label for logs and errors, e.g. "join(round 3)". */
  action: string;
  send: () => Promise<ContractTransactionResponse>;
  signal?: AbortSignal;
  attempts?: number;
}

interface RevertInfo {
  name?: string;
  args?: readonly unknown[];
}

function revertOf(error: unknown): RevertInfo | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const candidate = current as { code?: unknown; revert?: RevertInfo | null; shortMessage?: string; cause?: unknown; error?: unknown };
    if (candidate.revert) return { name: candidate.revert.name, args: candidate.revert.args ? [...candidate.revert.args] : [] };
    if (candidate.code === "CALL_EXCEPTION") return {};
    current = candidate.cause ?? candidate.error;
  }
  return undefined;
}

/** True when the failure is the contract saying no (retrying cannot help). */
export function isRevert(error: unknown): boolean {
  return revertOf(error) !== undefined || error instanceof ChainRevertError;
}

export function toChainRevertError(action: string, error: unknown): ChainRevertError {
  if (error instanceof ChainRevertError) return error;
  const revert = revertOf(error) ?? {};
  return new ChainRevertError(action, revert.name, revert.args ?? [], error);
}

const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `task` after every earlier task queued on the same `key` (one key per signer). */
export function serialize<T>(key: object, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  queues.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

export async function sendTransaction(queueKey: object, parameters: SendTransactionParameters): Promise<ContractTransactionReceipt> {
  return serialize(queueKey, () =>
    retry(
      async () => {
        try {
          const response = await parameters.send();
          const receipt = await response.wait();
          if (!receipt) throw new ChainRevertError(parameters.action, undefined, [], "no receipt");
          return receipt;
        } catch (error) {
          if (isRevert(error)) throw toChainRevertError(parameters.action, error);
          throw error;
        }
      },
      {
        attempts: parameters.attempts ?? 4,
        signal: parameters.signal,
        shouldRetry: (error) => !(error instanceof ChainRevertError),
      },
    ),
  );
}
