// Proving a Shamir client's inconsistent shares on-chain, I/O only (which client and its proof come from
// protocol/shamir/clientFault.ts, pure):
// - readShareDisputeAnswers: the round's last share-sum dispute as the chain recorded it. Its ShareDisputeOpened (the
//   newest, searched backwards from the latest block), then every ShareDisputeBatchAnswered after it; each batch's
//   transaction calldata, decoded with the FedmashShamir interface, holds that server's openings of included clients
//   next − clients.length … next − 1. A batch sent through another contract cannot be decoded here and is skipped
//   (counted): it can only leave a client unprovable, never make an honest one look faulty.
// - proveClientFaultsIfAny: when the round's last dispute closed in a client fault, sends proveClientFault for every
//   client the answers convict that is not proven yet. Idempotent (isFaultyClient; a proof someone else landed first
//   is taken as done), bounded by faultProofUntil, one client's refusal does not stop the others.
import { getAddress, type Log } from "ethers";
import { MAX_LOG_BLOCK_RANGE } from "../chain/watchCoordinatorEvents";
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { findFaultyClients, type AnswerBatch, type ServerAnswer } from "../protocol/shamir/clientFault";
import type { ClientShareOpening } from "../protocol/shamir/shareDispute";
import { retry } from "../retry";
import { blockRanges, latestBlock } from "./disputeEvents";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** How far back (blocks) from the latest one a round's last dispute opening is searched for, by default. */
export const SHARE_DISPUTE_LOOKBACK_BLOCKS = 10 * MAX_LOG_BLOCK_RANGE;

/** A batch's transaction is not an answerShareDispute of this round by the batch's server. */
export class ShareDisputeCalldataError extends BaseError {
  override name = "ShareDisputeCalldataError" as const;
}

export interface ShareDisputeAnswers {
  leafIndex: number;
  /** The block the dispute opened in. */
  openedBlock: number;
  answers: ServerAnswer[];
  /** Batches whose calldata could not be read as a direct answerShareDispute call (ShareDisputeCalldataError). */
  skippedBatches: number;
}

export interface ReadShareDisputeAnswersParameters {
  runtime: WorkerRuntime;
  roundId: bigint;
  /** The task's servers in index order. */
  servers: readonly string[];
  /** The lowest block searched for the opening (default: SHARE_DISPUTE_LOOKBACK_BLOCKS before the latest). */
  fromBlock?: number;
}

/** The round's last dispute and every answer batch to it, or undefined when no dispute opened from `fromBlock` on. */
export async function readShareDisputeAnswers(parameters: ReadShareDisputeAnswersParameters): Promise<ShareDisputeAnswers | undefined> {
  const { runtime, roundId } = parameters;
  const { shamir, logger } = runtime;
  const latest = (await latestBlock(runtime)).number;
  const floor = Math.max(0, parameters.fromBlock ?? latest - SHARE_DISPUTE_LOOKBACK_BLOCKS);
  const opened = await lastOpening(runtime, roundId, floor, latest);
  if (!opened) return undefined;
  const serverIndexOf = new Map(parameters.servers.map((server, index) => [getAddress(server), index]));
  const batchesOf = new Map<number, AnswerBatch[]>();
  let skippedBatches = 0;
  for (const [from, to] of blockRanges(opened.blockNumber, latest)) {
    const events = await retry(() => shamir.queryFilter(shamir.filters.ShareDisputeBatchAnswered(roundId), from, to));
    for (const event of events.sort(byPosition)) {
      if (byPosition(event, opened) <= 0) continue;
      const server = getAddress(event.args.server);
      const serverIndex = serverIndexOf.get(server);
      try {
        if (serverIndex === undefined) throw new ShareDisputeCalldataError(`Batch answer by ${server}, which is not one of the task's servers.`);
        const clients = await batchCalldata(runtime, roundId, server, event.transactionHash);
        const batch: AnswerBatch = { first: Number(event.args.next) - clients.length, clients };
        batchesOf.set(serverIndex, [...(batchesOf.get(serverIndex) ?? []), batch]);
      } catch (error) {
        if (!(error instanceof ShareDisputeCalldataError)) throw error;
        skippedBatches += 1;
        logger.warn("a share-sum dispute answer batch cannot be read from its calldata; skipped", { round: roundId, server, transaction: event.transactionHash, error });
      }
    }
  }
  const answers = [...batchesOf.entries()].map(([serverIndex, batches]): ServerAnswer => ({ serverIndex, batches }));
  return { leafIndex: Number(opened.args.leafIndex), openedBlock: opened.blockNumber, answers, skippedBatches };
}

/** The round's newest ShareDisputeOpened in floor … latest, searched newest chunk first (a round may have had several). */
async function lastOpening(runtime: WorkerRuntime, roundId: bigint, floor: number, latest: number) {
  const { shamir } = runtime;
  for (const [from, to] of blockRanges(floor, latest).reverse()) {
    const found = await retry(() => shamir.queryFilter(shamir.filters.ShareDisputeOpened(roundId), from, to));
    const last = found.sort(byPosition).at(-1);
    if (last) return last;
  }
  return undefined;
}

/** Chain order of two logs. */
function byPosition(a: Pick<Log, "blockNumber" | "index">, b: Pick<Log, "blockNumber" | "index">): number {
  return a.blockNumber - b.blockNumber || a.index - b.index;
}

/** The client openings of one answerShareDispute transaction, checked to be this round's and this server's. */
async function batchCalldata(runtime: WorkerRuntime, roundId: bigint, server: string, transactionHash: string): Promise<ClientShareOpening[]> {
  const { shamir } = runtime;
  const transaction = await retry(() => runtime.connection.provider.getTransaction(transactionHash));
  if (!transaction) throw new ShareDisputeCalldataError(`Transaction ${transactionHash} is not known to the node.`);
  if (transaction.to === null || getAddress(transaction.to) !== getAddress(runtime.addresses.shamir) || getAddress(transaction.from) !== server) {
    throw new ShareDisputeCalldataError(`Transaction ${transactionHash} is not a direct call of FedmashShamir by ${server}.`, { details: `from ${transaction.from} to ${transaction.to}` });
  }
  const call = shamir.interface.parseTransaction({ data: transaction.data });
  if (!call || call.name !== "answerShareDispute" || call.args[0] !== roundId) {
    throw new ShareDisputeCalldataError(`Transaction ${transactionHash} is not answerShareDispute(round ${roundId}, …).`, { details: `it calls ${call?.name ?? "an unknown function"}` });
  }
  // By position: a Result is an Array, so the struct's `values` field is shadowed by Array.prototype.values.
  const clients = call.args[2] as readonly (readonly [string, readonly string[], string, readonly string[]])[];
  return clients.map(([manifestHash, shareRoots, values, proof]) => ({ manifestHash, shareRoots: [...shareRoots], values, proof: [...proof] }));
}

/** The servers (in share order) and threshold t of a Shamir round's task. */
export async function roundServers(runtime: WorkerRuntime, roundId: bigint): Promise<{ servers: string[]; threshold: number }> {
  const { taskId } = await retry(() => runtime.coordinator.round(roundId));
  const [servers, threshold] = await Promise.all([retry(() => runtime.shamir.servers(taskId)), retry(() => runtime.shamir.threshold(taskId))]);
  return { servers: [...servers], threshold: Number(threshold) };
}

export interface ProvenClientFault {
  client: string;
  leafIndex: number;
  /** Wei: the client's whole stake for the task, and the prover's and the servers' parts of it. */
  stake: bigint;
  toProver: bigint;
  toServers: bigint;
}

export type ClientFaultsOutcome =
  /** No client fault to prove: no dispute ended in one, or it is still open. */
  | { status: "none" }
  /** faultProofUntil passed: nothing can be proven any more. */
  | { status: "expired" }
  /**
   * The convicted clients this call reached are proven now (by it or before); `refused` were reverted otherwise;
   * `remaining` were left for a later call (at most `maxProofs` proofs a call).
   */
  | { status: "done"; proven: ProvenClientFault[]; alreadyProven: string[]; refused: { client: string; error: ChainRevertError }[]; remaining: number };

/** Proofs sent by one call at most: each waits for its receipt on the worker's one transaction queue. */
export const MAX_PROOFS_PER_CALL = 4;

export interface ProveClientFaultsParameters {
  /** The lowest block searched for the dispute's opening (readShareDisputeAnswers). */
  fromBlock?: number;
  /** At most this many proofs (default MAX_PROOFS_PER_CALL), so that many convicted Sybils cannot hold the worker's
   * transaction queue, and its time-critical transactions, for many blocks in one go. */
  maxProofs?: number;
}

/**
 * When the round's last share-sum dispute closed in a client fault, proves every convicted client that is not proven
 * yet (proveClientFault, through sendTransaction so a revert is named), and logs each with the wei it moved. Transport
 * failures throw (the caller tries again on its next tick, until faultProofUntil).
 */
export async function proveClientFaultsIfAny(runtime: WorkerRuntime, roundId: bigint, options: ProveClientFaultsParameters = {}): Promise<ClientFaultsOutcome> {
  const { shamir, coordinator, logger } = runtime;
  const [dispute, clientFault] = await retry(() => shamir.shareDispute(roundId));
  if (!clientFault || dispute.open) return { status: "none" };
  const [until, now] = await Promise.all([retry(() => shamir.faultProofUntil(roundId)), latestBlock(runtime)]);
  if (until !== 0n && BigInt(now.timestamp) >= until) return { status: "expired" };
  const [{ servers, threshold }, included] = await Promise.all([roundServers(runtime, roundId), retry(() => coordinator.includedClients(roundId))]);
  const read = await readShareDisputeAnswers({ runtime, roundId, servers, fromBlock: options.fromBlock });
  if (!read) {
    logger.warn("a client fault is recorded but no share-sum dispute opening was found to read the shares from", { round: roundId, fromBlock: options.fromBlock });
    return { status: "none" };
  }
  const faulty = findFaultyClients({ leafIndex: read.leafIndex, threshold, included: [...included], answers: read.answers });
  const outcome: Extract<ClientFaultsOutcome, { status: "done" }> = { status: "done", proven: [], alreadyProven: [], refused: [], remaining: 0 };
  const maxProofs = options.maxProofs ?? MAX_PROOFS_PER_CALL;
  let sent = 0;
  for (const { client, proof } of faulty) {
    if (await retry(() => shamir.isFaultyClient(roundId, client))) {
      outcome.alreadyProven.push(client);
      continue;
    }
    if (sent >= maxProofs) {
      outcome.remaining += 1;
      continue;
    }
    sent += 1;
    try {
      const receipt = await sendTransaction(runtime.connection.signer, {
        action: `proveClientFault(round ${roundId}, client ${client}, leaf ${proof.leafIndex})`,
        send: () => shamir.proveClientFault(roundId, client, proof),
      });
      const event = receipt.logs.map((log) => shamir.interface.parseLog(log)).find((parsed) => parsed?.name === "ClientFaultProven");
      const proven: ProvenClientFault = {
        client,
        leafIndex: proof.leafIndex,
        stake: (event?.args.stake as bigint | undefined) ?? 0n,
        toProver: (event?.args.toProver as bigint | undefined) ?? 0n,
        toServers: (event?.args.toServers as bigint | undefined) ?? 0n,
      };
      outcome.proven.push(proven);
      logger.warn("client fault proven: its shares of the disputed leaf are off one polynomial; its stake is forfeited", {
        round: roundId,
        client,
        leaf: proof.leafIndex,
        servers: proof.leaves.map((leaf) => leaf.serverIndex),
        stakeWei: proven.stake,
        toProverWei: proven.toProver,
        toServersWei: proven.toServers,
        gasUsed: receipt.gasUsed,
      });
    } catch (error) {
      if (!(error instanceof ChainRevertError)) throw error;
      if (error.errorName === "ShamirClientFaultAlreadyProven") {
        outcome.alreadyProven.push(client);
        continue;
      }
      // Retrying the same evidence cannot change the contract's verdict.
      outcome.refused.push({ client, error });
      logger.error("proving a client fault was refused", { round: roundId, client, error });
    }
  }
  if (faulty.length === 0) logger.warn("the dispute ended in a client fault, but its answers convict no client provably", { round: roundId, leaf: read.leafIndex, skippedBatches: read.skippedBatches });
  return outcome;
}
