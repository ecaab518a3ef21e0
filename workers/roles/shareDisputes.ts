// Share-sum disputes and server bonds on FedmashShamir, I/O only (the arguments come from
// protocol/shamir/shareDispute.ts, pure):
// - ensureServerBond: before a server posts, it tops its bond for the task up to what the task requires, and refuses a
//   task whose bond is above the most it accepts (`--max-bond`), withholding instead (ServerBondAboveLimitError).
// - createShareDisputeAnswerer: each tick, for every round in which this server posted and whose disputes can still
//   open or wait, reads the round's dispute; when one waits on this server, it sums its shares again (sumOwnShares
//   keeps each client's committed share) and answers with its leaf. Stateless between ticks, so a restarted server
//   answers what the chain says it owes; a missed answer would slash its whole bond.
// - openShareDisputeIfInconsistent: the aggregator's side. When the posted share-sums do not lie on one polynomial,
//   it opens a dispute at the first such leaf and waits for the servers' answers: until the dispute closes, or t
//   servers answered consistently, or shortly before the Aggregation deadline. The servers that are slashed or have
//   not answered then are left out of the reconstruction.
import { getAddress, hexlify } from "ethers";
import { fieldVectorTree } from "../crypto/commit/shamirCommitments";
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import type { Logger } from "../log";
import { findInconsistentLeaf, shareDisputeAnswer, shareSumOpenings, type CommittedShareSum } from "../protocol/shamir/shareDispute";
import { retry, sleep } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";
import { sumOwnShares } from "./sumOwnShares";

export class ServerBondAboveLimitError extends BaseError {
  override name = "ServerBondAboveLimitError" as const;
}

/**
 * Tops this server's bond for the task up to the task's requirement (FedmashShamir.serverBondOf), at most `maxBond`
 * wei in all; throws ServerBondAboveLimitError when the task asks for more.
 */
export async function ensureServerBond(runtime: WorkerRuntime, taskId: bigint, maxBond: bigint): Promise<void> {
  const { shamir, logger } = runtime;
  const self = getAddress(runtime.connection.address);
  const required = await retry(() => shamir.serverBondOf(taskId));
  if (required > maxBond) {
    throw new ServerBondAboveLimitError(`Task ${taskId} asks its servers for a bond of ${required} wei, above this server's --max-bond of ${maxBond} wei.`, {
      details: "The server withholds its share-sums for the task; raise --max-bond to serve it.",
    });
  }
  const { bond } = await retry(() => shamir.bondOf(taskId, self));
  if (bond >= required) return;
  await sendTransaction(runtime.connection.signer, {
    action: `depositServerBond(task ${taskId})`,
    send: () => shamir.depositServerBond(taskId, { value: required - bond }),
  });
  logger.info("server bond deposited", { task: taskId.toString(), wei: (required - bond).toString(), bond: required.toString() });
}

export interface ShareDisputeRound {
  roundId: bigint;
  taskId: bigint;
}

export interface CreateShareDisputeAnswererParameters {
  runtime: WorkerRuntime;
  serverPrivateKey: Uint8Array;
  /** Demo only (a lying server): turns the true share-sum into the one it posted, which its answer then claims. */
  posted?: (shareSum: Uint32Array) => Uint32Array;
}

export interface ShareDisputeAnswerer {
  /** Answers every open dispute of these rounds that waits on this server; returns the rounds still disputable. */
  tick(rounds: readonly ShareDisputeRound[]): Promise<ShareDisputeRound[]>;
}

export function createShareDisputeAnswerer(parameters: CreateShareDisputeAnswererParameters): ShareDisputeAnswerer {
  const { runtime } = parameters;
  const { shamir, coordinator, logger } = runtime;
  const self = getAddress(runtime.connection.address);

  const answer = async (round: ShareDisputeRound, serverIndex: number, leafIndex: number): Promise<void> => {
    const { roundId, taskId } = round;
    const servers = (await retry(() => shamir.servers(taskId))).map((s) => getAddress(s));
    const { config } = await retry(() => coordinator.task(taskId));
    const included = await retry(() => coordinator.includedClients(roundId));
    const submissions = await Promise.all(
      included.map(async (client) => {
        const submitted = await retry(() => coordinator.submission(roundId, client));
        return { client, cid: submitted.cid, contentHash: submitted.contentHash };
      }),
    );
    const summed = await sumOwnShares({ store: runtime.store, roundId, submissions, servers, serverIndex, serverPrivateKey: parameters.serverPrivateKey, modelSize: Number(config.modelSize) });
    if (summed.status === "unusable") {
      // It posted over these very shares, so they were usable then; nothing it could send now would clear it.
      logger.error("cannot answer the share-sum dispute: a share it summed is no longer usable", { round: roundId, client: summed.client, reason: summed.error });
      return;
    }
    const args = shareDisputeAnswer(leafIndex, serverIndex, summed.shareSum, summed.shares);
    // A lying server can only stand by what it posted (the contract checks the leaf against its commitment).
    if (parameters.posted) args.sumValues = hexlify(fieldVectorTree(parameters.posted(summed.shareSum)).leafValues(leafIndex));
    await sendTransaction(runtime.connection.signer, {
      action: `answerShareDispute(round ${roundId}, leaf ${leafIndex})`,
      send: () => shamir.answerShareDispute(roundId, args.sumValues, args.clients),
    });
    logger.info("share-sum dispute answered", { round: roundId, leaf: leafIndex, clients: args.clients.length });
  };

  return {
    async tick(rounds) {
      const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
      const now = BigInt(latest?.timestamp ?? 0);
      const live: ShareDisputeRound[] = [];
      for (const round of rounds) {
        const [{ lockedUntil, pendingDisputes }, [dispute]] = await Promise.all([
          retry(() => shamir.bondOf(round.taskId, self)),
          retry(() => shamir.shareDispute(round.roundId)),
        ]);
        const [isServer, serverIndex] = await retry(() => shamir.serverIndexOf(round.taskId, self));
        if (isServer && dispute.open && ((Number(dispute.pending) >> Number(serverIndex)) & 1) === 1 && now <= dispute.deadline) {
          try {
            await answer(round, Number(serverIndex), Number(dispute.leafIndex));
          } catch (error) {
            if (!(error instanceof ChainRevertError)) throw error;
            logger.error("the share-sum dispute answer reverted", { round: round.roundId, error });
          }
        }
        // Disputes of the round can still open (or wait on this server) until the bond's lock ends.
        if (now <= lockedUntil || pendingDisputes > 0n) live.push(round);
      }
      return live;
    },
  };
}

export interface OpenShareDisputeParameters {
  runtime: WorkerRuntime;
  roundId: bigint;
  threshold: number;
  /** The posted share-sums this aggregator fetched and checked, with their payload hashes. */
  sums: readonly CommittedShareSum[];
  /** Every server of the task, in index order. */
  servers: readonly string[];
  /** The Aggregation deadline (chain seconds): the answers are waited for until shortly before it. */
  deadline: number;
  logger: Logger;
  /** Poll interval while waiting for the answers (default 1 s). */
  pollMs?: number;
}

export interface ShareDisputeOutcome {
  leafIndex: number;
  /** Servers slashed or still silent when the wait ended: their share-sums are not used. */
  excluded: number[];
  /** True when every server answered consistently: a client's shares are inconsistent. */
  clientFault: boolean;
}

/**
 * When the live share-sums disagree, opens a dispute at the first inconsistent leaf (unless one is open or a client
 * fault was proven) and waits for its answers; undefined when they agree or cannot be disputed (t or fewer live, or a
 * live share-sum this aggregator could not open).
 */
export async function openShareDisputeIfInconsistent(parameters: OpenShareDisputeParameters): Promise<ShareDisputeOutcome | undefined> {
  const { runtime, roundId, threshold, servers, logger } = parameters;
  const { shamir } = runtime;
  const slashed = await Promise.all(servers.map((server) => retry(() => shamir.isSlashed(roundId, server))));
  const posted = await Promise.all(servers.map((server) => retry(() => shamir.shareSum(roundId, server))));
  const live = parameters.sums.filter((sum) => !slashed[sum.serverIndex]);
  const liveOnChain = posted.filter((entry, index) => entry.posted && !slashed[index]).length;
  if (live.length <= threshold) return undefined;
  const leafIndex = findInconsistentLeaf(live, threshold);
  if (leafIndex === undefined) return undefined;
  if (live.length !== liveOnChain) {
    logger.error("share-sums disagree, but a posted share-sum could not be fetched, so no dispute can open it", { round: roundId, leaf: leafIndex, fetched: live.length, posted: liveOnChain });
    return undefined;
  }
  const [current, clientFault] = await retry(() => shamir.shareDispute(roundId));
  if (clientFault) return { leafIndex: Number(current.leafIndex), excluded: [], clientFault: true };
  if (!current.open) {
    try {
      await sendTransaction(runtime.connection.signer, {
        action: `openShareDispute(round ${roundId}, leaf ${leafIndex})`,
        send: () => shamir.openShareDispute(roundId, leafIndex, shareSumOpenings(live, leafIndex)),
      });
      logger.warn("share-sums disagree: share-sum dispute opened", { round: roundId, leaf: leafIndex, servers: live.map((sum) => sum.serverIndex) });
    } catch (error) {
      // Someone else's dispute got in first (ShamirDisputeAlreadyOpen); wait for it like for our own.
      if (!(error instanceof ChainRevertError)) throw error;
      logger.warn("could not open a share-sum dispute; following the open one", { round: roundId, error });
    }
  }
  for (;;) {
    const [dispute, fault] = await retry(() => shamir.shareDispute(roundId));
    const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
    const now = Math.max(latest?.timestamp ?? 0, Date.now() / 1000);
    const flagged = (mask: bigint, index: number): boolean => ((Number(mask) >> index) & 1) === 1;
    const excluded = servers.flatMap((_, index) => (flagged(dispute.slashed, index) || flagged(dispute.pending, index) ? [index] : []));
    // The servers whose answer matched what their clients committed at the disputed leaf; t of them reconstruct.
    const consistent = live.filter((sum) => !excluded.includes(sum.serverIndex)).length;
    // Leave time to reconstruct and post before the Aggregation deadline.
    if (!dispute.open || (!fault && consistent >= threshold) || now >= parameters.deadline - 5) {
      logger.info("share-sum dispute result", { round: roundId, leaf: Number(dispute.leafIndex), open: dispute.open, excluded, consistent, clientFault: fault });
      return { leafIndex: Number(dispute.leafIndex), excluded, clientFault: fault };
    }
    await sleep(parameters.pollMs ?? 1_000);
  }
}

/** Closes an expired share-sum dispute of the round (anyone may: its silent servers are slashed). */
export async function closeShareDisputeIfDue(runtime: WorkerRuntime, roundId: bigint): Promise<boolean> {
  const [dispute] = await retry(() => runtime.shamir.shareDispute(roundId));
  if (!dispute.open) return false;
  const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
  if (BigInt(latest?.timestamp ?? 0) <= dispute.deadline) return false;
  await sendTransaction(runtime.connection.signer, { action: `closeShareDispute(round ${roundId})`, send: () => runtime.shamir.closeShareDispute(roundId) });
  runtime.logger.warn("share-sum dispute closed after its deadline: silent servers slashed", { round: roundId });
  return true;
}
