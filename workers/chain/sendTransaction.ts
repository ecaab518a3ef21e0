// The one way workers send transactions: serialized per account (no nonce races), retried on transport
// failures, never retried on reverts, and reverts decoded into ChainRevertError with the custom error's name.
// sendTransaction holds the account's queue until the receipt; submitTransaction holds it only until the node took
// the transaction (so the next one is signed with the next pending nonce) and awaits the receipt outside the queue,
// for a burst of transactions that must all land before one deadline (the aggregator's dispute answers).
import type { ContractTransactionReceipt, ContractTransactionResponse, Interface } from "ethers";
import { retry } from "../retry";
import { ChainRevertError } from "./errors";
import {
  AggregateDispute__factory,
  AggregateFraudProof__factory,
  FedmashCoordinator__factory,
  FedmashRegistry__factory,
  FedmashShamir__factory,
  FedmashVerifier__factory,
  SampledVerificationCheck__factory,
} from "../../typechain-types";

// A signer's estimateGas failure carries only the raw revert data, so the custom error is decoded here
// against every fedmash ABI, the verifier's linked libraries included (their errors bubble up through it).
const FEDMASH_INTERFACES: readonly Interface[] = [
  FedmashCoordinator__factory.createInterface(),
  FedmashRegistry__factory.createInterface(),
  FedmashVerifier__factory.createInterface(),
  FedmashShamir__factory.createInterface(),
  AggregateFraudProof__factory.createInterface(),
  AggregateDispute__factory.createInterface(),
  SampledVerificationCheck__factory.createInterface(),
];

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

function decodeRevertData(data: unknown): RevertInfo | undefined {
  if (typeof data !== "string" || !data.startsWith("0x") || data.length < 10) return undefined;
  for (const contractInterface of FEDMASH_INTERFACES) {
    try {
      const parsed = contractInterface.parseError(data);
      if (parsed) return { name: parsed.name, args: [...parsed.args] };
    } catch {
      // not this ABI's error
    }
  }
  return undefined;
}

function revertOf(error: unknown): RevertInfo | undefined {
  let current: unknown = error;
  let isCallException = false;
  for (let depth = 0; depth < 8 && current && typeof current === "object"; depth++) {
    const candidate = current as { code?: unknown; revert?: RevertInfo | null; data?: unknown; info?: { error?: unknown }; cause?: unknown; error?: unknown };
    if (candidate.revert?.name) return { name: candidate.revert.name, args: candidate.revert.args ? [...candidate.revert.args] : [] };
    // Hardhat's automine rejects a reverted eth_sendRawTransaction with { code: -32603, data: { data, message } }.
    const data = candidate.data && typeof candidate.data === "object" ? (candidate.data as { data?: unknown }).data : candidate.data;
    const decoded = decodeRevertData(data);
    if (decoded) return decoded;
    if (candidate.code === "CALL_EXCEPTION") isCallException = true;
    current = candidate.cause ?? candidate.error ?? candidate.info?.error;
  }
  return isCallException ? {} : undefined;
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

/** Retries `attempt` on transport failures; a revert is never retried, and is named as a ChainRevertError. */
function retryUnlessReverted<T>(parameters: SendTransactionParameters, attempt: () => Promise<T>): Promise<T> {
  return retry(
    async () => {
      try {
        return await attempt();
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
  );
}

async function minedReceipt(parameters: SendTransactionParameters, response: ContractTransactionResponse): Promise<ContractTransactionReceipt> {
  const receipt = await response.wait();
  if (!receipt) throw new ChainRevertError(parameters.action, undefined, [], "no receipt");
  return receipt;
}

export async function sendTransaction(queueKey: object, parameters: SendTransactionParameters): Promise<ContractTransactionReceipt> {
  return serialize(queueKey, () => retryUnlessReverted(parameters, async () => minedReceipt(parameters, await parameters.send())));
}

export interface SubmittedTransaction {
  hash: string;
  /** The mined receipt; rejects with ChainRevertError when the transaction reverted. */
  receipt: Promise<ContractTransactionReceipt>;
}

/**
 * Sends like sendTransaction, in the same per-account queue, but releases the queue as soon as the node accepted the
 * transaction: the wallet signs each with the account's pending nonce, which then counts the one before, so the
 * order is kept while the receipts are awaited in parallel. Resolves once the transaction is sent.
 */
export async function submitTransaction(queueKey: object, parameters: SendTransactionParameters): Promise<SubmittedTransaction> {
  const response = await serialize(queueKey, () => retryUnlessReverted(parameters, () => parameters.send()));
  const receipt = retryUnlessReverted(parameters, () => minedReceipt(parameters, response));
  // A caller that only needs the transaction sent must not leave a rejection unhandled.
  receipt.catch(() => undefined);
  return { hash: response.hash, receipt };
}
