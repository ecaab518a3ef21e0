// Share-sum disputes and server bonds on FedmashShamir, I/O only (the arguments come from
// protocol/shamir/shareDispute.ts, pure):
// - ensureServerBond: before a server posts, it tops its bond for the task up to what the task requires, and refuses a
//   task whose bond is above the most it accepts (`--max-bond`), withholding instead (ServerBondAboveLimitError).
// - createShareDisputeAnswerer: each tick, for every round in which this server posted and whose disputes can still
//   open or wait, reads the round's dispute; when one waits on this server, it answers from what it kept when it
//   posted (receivedSharesFile: the share-sum and the shares it summed; else it fetches and sums them again), in
//   batches from the chain's cursor. Stateless between ticks apart from that file, so a restarted server answers what
//   the chain says it owes; a missed answer would slash its whole bond. It also closes disputes that expired.
// - openShareDisputeIfInconsistent: the aggregator's side. When the posted share-sums do not lie on one polynomial,
//   it opens a dispute at the first such leaf and waits for the servers' answers: until the dispute closes, or t
//   servers answered consistently, or shortly before the Aggregation deadline. The servers that are slashed or have
//   not answered then are left out of the reconstruction.
// - followShareDispute: the aggregator's ticker after that, off the aggregation path: closes an expired dispute, proves
//   the client faults a dispute ended in (clientFaults.ts), and opens the next dispute when a slash extended the window
//   and the live share-sums still disagree.
import { getAddress } from "ethers";
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import type { Logger } from "../log";
import { reconstructSum } from "../crypto/shamir/reconstructSum";
import { SHAMIR_HALF } from "../crypto/shamir/shamirField";
import { answerBatches, findInconsistentLeaf, shareDisputeAnswer, shareSumOpenings, type CommittedShareSum } from "../protocol/shamir/shareDispute";
import { retry, sleep } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";
import { fetchShareSum } from "./fetchShareSum";
import { readReceivedShares, ReceivedSharesFileError, receivedSharesPath, removeReceivedShares, type KeptRound } from "./receivedSharesFile";
import { frozenSubmissions, sumOwnShares } from "./sumOwnShares";
import { proveClientFaultsIfAny, roundServers, SHARE_DISPUTE_LOOKBACK_BLOCKS } from "./clientFaults";
import { blockRanges, latestBlock } from "./disputeEvents";

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
  /** Client openings per answerShareDispute transaction (default ANSWER_BATCH_CLIENTS). */
  batchClients?: number;
}

export interface ShareDisputeAnswerer {
  /**
   * Answers every open dispute of these rounds that waits on this server; returns the rounds still disputable (a
   * failure in one round is logged and keeps that round, without holding up the others).
   */
  tick(rounds: readonly ShareDisputeRound[]): Promise<ShareDisputeRound[]>;
}

export function createShareDisputeAnswerer(parameters: CreateShareDisputeAnswererParameters): ShareDisputeAnswerer {
  const { runtime } = parameters;
  const { shamir, coordinator, logger } = runtime;
  const self = getAddress(runtime.connection.address);

  /** What it posted and the shares it summed: kept at posting (receivedSharesFile), else fetched and decrypted again. */
  const keptRound = async (round: ShareDisputeRound, serverIndex: number, modelSize: number, maxClients: number): Promise<KeptRound | undefined> => {
    try {
      const kept = readReceivedShares(receivedSharesPath(runtime.config.stateDir, round.roundId), modelSize);
      if (kept) return kept;
    } catch (error) {
      if (!(error instanceof ReceivedSharesFileError)) throw error;
      logger.warn("the kept shares are unreadable; fetching them again", { round: round.roundId, error });
    }
    const posted = await retry(() => shamir.shareSum(round.roundId, self));
    const fetched = await fetchShareSum({ store: runtime.store, cid: posted.cid, contentHash: posted.contentHash, modelSize, maxClients });
    const servers = (await retry(() => shamir.servers(round.taskId))).map((s) => getAddress(s));
    const submissions = await frozenSubmissions(coordinator, round.roundId, await retry(() => coordinator.includedClients(round.roundId)));
    const summed = await sumOwnShares({ store: runtime.store, roundId: round.roundId, submissions, servers, serverIndex, serverPrivateKey: parameters.serverPrivateKey, modelSize });
    if (summed.status === "summed") return { payloadHash: fetched.payloadHash, shareSum: fetched.values, shares: summed.shares };
    // It posted over these very shares, so they were usable then; nothing it could send now would clear it.
    logger.error("cannot answer the share-sum dispute: a share it summed is gone and was not kept", { round: round.roundId, client: summed.client, reason: summed.error });
    return undefined;
  };

  const answer = async (round: ShareDisputeRound, serverIndex: number, leafIndex: number): Promise<void> => {
    const { roundId, taskId } = round;
    const { config } = await retry(() => coordinator.task(taskId));
    const kept = await keptRound(round, serverIndex, Number(config.modelSize), Number(config.maxClients));
    if (!kept) return;
    // What it posted (its commitment opens it), whatever it is: a lying server's answer is what slashes it.
    const args = shareDisputeAnswer(leafIndex, { serverIndex, payloadHash: kept.payloadHash, values: kept.shareSum }, kept.shares);
    if (!args.consistent) logger.error("its share-sum is not the sum of its shares at the disputed leaf: this answer slashes its bond", { round: roundId, leaf: leafIndex });
    // A restart mid-answer goes on from exactly where the chain's cursor is.
    const next = Number(await retry(() => shamir.answerProgress(roundId, serverIndex)));
    const batches = answerBatches({ ...args, clients: args.clients.slice(next) }, parameters.batchClients);
    for (const batch of batches) {
      await sendTransaction(runtime.connection.signer, {
        action: `answerShareDispute(round ${roundId}, leaf ${leafIndex}, ${batch.length} clients)`,
        send: () => shamir.answerShareDispute(roundId, args.sum, batch),
      });
    }
    logger.info("share-sum dispute answered", { round: roundId, leaf: leafIndex, clients: args.clients.length, batches: batches.length, consistent: args.consistent });
  };

  return {
    async tick(rounds) {
      const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
      const now = BigInt(latest?.timestamp ?? 0);
      const live: ShareDisputeRound[] = [];
      for (const round of rounds) {
        try {
          const [[, releaseAt], [dispute], [isServer, serverIndex]] = await Promise.all([
            retry(() => shamir.disputeWindow(round.roundId)),
            retry(() => shamir.shareDispute(round.roundId)),
            retry(() => shamir.serverIndexOf(round.taskId, self)),
          ]);
          const waitsOnIt = isServer && dispute.open && ((Number(dispute.pending) >> Number(serverIndex)) & 1) === 1;
          if (waitsOnIt && now <= dispute.deadline) await answer(round, Number(serverIndex), Number(dispute.leafIndex));
          // Anyone may close an expired dispute; the servers do too, so that one never stays open for want of a keeper.
          else if (dispute.open && now > dispute.deadline) await closeShareDispute(runtime, round.roundId);
          // Disputes of the round can still open or wait until its release.
          if (now <= releaseAt || dispute.open) live.push(round);
          else removeReceivedShares(receivedSharesPath(runtime.config.stateDir, round.roundId));
        } catch (error) {
          logger.error("answering a share-sum dispute failed; trying again in 1 s", { round: round.roundId, error });
          live.push(round);
        }
      }
      return live;
    },
  };
}

export interface OpenShareDisputeParameters {
  runtime: WorkerRuntime;
  roundId: bigint;
  threshold: number;
  /** The posted share-sums this aggregator fetched and opened, with their payload hashes (more than t to dispute). */
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
 * When the live share-sums it fetched disagree, opens a dispute at the first inconsistent leaf (unless one is open or a
 * client fault was proven) and waits for its answers; undefined when they agree or t or fewer could be fetched.
 */
export async function openShareDisputeIfInconsistent(parameters: OpenShareDisputeParameters): Promise<ShareDisputeOutcome | undefined> {
  const { runtime, roundId, threshold, servers, logger } = parameters;
  const { shamir } = runtime;
  const slashed = await Promise.all(servers.map((server) => retry(() => shamir.isSlashed(roundId, server))));
  // The share-sums it could fetch and open; every other live server must answer the dispute too.
  const live = parameters.sums.filter((sum) => !slashed[sum.serverIndex]);
  if (live.length <= threshold) return undefined;
  const leafIndex = findInconsistentLeaf(live, threshold);
  if (leafIndex === undefined) return undefined;
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
      // Someone else's dispute got in first (ShamirDisputeAlreadyOpen): wait for it like for our own. Any other
      // refusal leaves no dispute to follow, and an old one's result would say nothing about these sums.
      if (!(error instanceof ChainRevertError)) throw error;
      const [after] = await retry(() => shamir.shareDispute(roundId));
      if (!after.open) {
        logger.error("could not open a share-sum dispute", { round: roundId, leaf: leafIndex, error });
        return undefined;
      }
      logger.warn("could not open a share-sum dispute; following the open one", { round: roundId, error });
    }
  }
  // Whether the aggregator can reconstruct from these share-sums, by its own rule (reconstructSum: they agree, or enough
  // of them agree to outvote the rest, t + 2e for e wrong ones); cached per set, since it reads every coordinate.
  const decodableBySet = new Map<string, boolean>();
  const decodable = (sums: readonly CommittedShareSum[]): boolean => {
    const key = sums.map((sum) => sum.serverIndex).join(",");
    let known = decodableBySet.get(key);
    if (known === undefined) {
      const wrong = sums.length < threshold ? Infinity : reconstructSum(sums, { threshold, bound: SHAMIR_HALF }).inconsistentServers.length;
      known = wrong === 0 || sums.length >= threshold + 2 * wrong;
      decodableBySet.set(key, known);
    }
    return known;
  };
  for (;;) {
    const [dispute, fault] = await retry(() => shamir.shareDispute(roundId));
    const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
    const now = Math.max(latest?.timestamp ?? 0, Date.now() / 1000);
    const flagged = (mask: bigint, index: number): boolean => ((Number(mask) >> index) & 1) === 1;
    const excluded = servers.flatMap((_, index) => (flagged(dispute.slashed, index) || flagged(dispute.pending, index) ? [index] : []));
    // The servers whose complete answer matched what their clients committed at the disputed leaf; t of them reconstruct.
    const consistent = live.filter((sum) => flagged(dispute.answered, sum.serverIndex) && !flagged(dispute.slashed, sum.serverIndex)).length;
    // Leaving out the servers still pending helps only if the share-sums left can be reconstructed: when the disagreement
    // is a client's inconsistent share, every server answers consistently, and dropping a slow honest one could leave the
    // bad share's server among too few to outvote it. Then the dispute's close (a client fault, nobody left out) is worth
    // the wait; a pending liar is left out as soon as the rest decode.
    // Leave time to reconstruct and post before the Aggregation deadline.
    const early = !fault && consistent >= threshold && decodable(live.filter((sum) => !excluded.includes(sum.serverIndex)));
    if (!dispute.open || early || now >= parameters.deadline - 5) {
      logger.info("share-sum dispute result", { round: roundId, leaf: Number(dispute.leafIndex), open: dispute.open, excluded, consistent, clientFault: fault });
      return { leafIndex: Number(dispute.leafIndex), excluded, clientFault: fault };
    }
    await sleep(parameters.pollMs ?? 1_000);
  }
}

/** Closes the round's expired share-sum dispute (anyone may: its silent servers are slashed). */
async function closeShareDispute(runtime: WorkerRuntime, roundId: bigint): Promise<void> {
  await sendTransaction(runtime.connection.signer, { action: `closeShareDispute(round ${roundId})`, send: () => runtime.shamir.closeShareDispute(roundId) });
  runtime.logger.warn("share-sum dispute closed after its deadline: silent servers slashed", { round: roundId });
}

/** Closes the round's share-sum dispute once its deadline passed; true when none is open any more. */
export async function closeShareDisputeIfDue(runtime: WorkerRuntime, roundId: bigint): Promise<boolean> {
  const [dispute] = await retry(() => runtime.shamir.shareDispute(roundId));
  if (!dispute.open) return true;
  const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
  if (BigInt(latest?.timestamp ?? 0) <= dispute.deadline) return false;
  await closeShareDispute(runtime, roundId);
  return true;
}

export interface FollowShareDisputeParameters {
  runtime: WorkerRuntime;
  roundId: bigint;
  threshold: number;
  /** Every share-sum the aggregator fetched for the round (slashed ones are filtered out again before a dispute). */
  sums: readonly CommittedShareSum[];
  /** Every server of the task, in index order. */
  servers: readonly string[];
  /** The lowest block searched for the round's dispute opening when a client fault is to be proven. */
  fromBlock?: number;
}

/**
 * The aggregator's ticker, for a round whose share-sum dispute it opened or followed, off the aggregation path: closes
 * the dispute once its deadline passed; once closed, proves the client faults it ended in (proveClientFaultsIfAny), or,
 * when it slashed a server and the (possibly extended) dispute window is still open, opens the next dispute if the live
 * share-sums still disagree (a second liar behind a silent one). "waiting" while there is more to do; "done" when the
 * round needs nothing more. Each step is bounded: a new dispute needs a new slash, and at most n servers are slashed.
 */
export async function followShareDispute(parameters: FollowShareDisputeParameters): Promise<"waiting" | "done"> {
  const { runtime, roundId } = parameters;
  const { shamir, logger } = runtime;
  if (!(await closeShareDisputeIfDue(runtime, roundId))) return "waiting";
  const [dispute, clientFault] = await retry(() => shamir.shareDispute(roundId));
  if (clientFault) {
    const outcome = await proveClientFaultsIfAny(runtime, roundId, { fromBlock: parameters.fromBlock });
    if (outcome.status === "expired") logger.warn("a client fault of the round can no longer be proven (faultProofUntil passed)", { round: roundId });
    return outcome.status === "done" && outcome.remaining > 0 ? "waiting" : "done";
  }
  if (Number(dispute.slashed) === 0) return "done";
  const [[openUntil], latest] = await Promise.all([retry(() => shamir.disputeWindow(roundId)), retry(() => runtime.connection.provider.getBlock("latest"))]);
  if (BigInt(latest?.timestamp ?? 0) >= openUntil) return "done";
  // Deadline 0: open (or follow) and return at once; the next ticks wait for it, close it and go on from its result.
  const next = await openShareDisputeIfInconsistent({ ...parameters, deadline: 0, logger });
  if (!next) return "done";
  logger.warn("share-sums still disagree after a slash: next share-sum dispute opened from the ticker", { round: roundId, leaf: next.leafIndex, openUntil });
  return "waiting";
}

/**
 * The share-sum disputes this account opened that may still need it, read back from the chain (ShareDisputeOpened by
 * it in the last SHARE_DISPUTE_LOOKBACK_BLOCKS, in rounds whose faultProofUntil has not passed), so that a restarted
 * aggregator still closes them, proves the client faults they end in and disputes again after a slash. The share-sums
 * it fetched then are gone: a further dispute of such a round needs them fetched again, which only the aggregation path
 * does, so these follow with none (proving and closing need none).
 */
export async function openedShareDisputes(runtime: WorkerRuntime): Promise<Omit<FollowShareDisputeParameters, "runtime">[]> {
  const { shamir } = runtime;
  const latest = await latestBlock(runtime);
  const floor = Math.max(0, latest.number - SHARE_DISPUTE_LOOKBACK_BLOCKS);
  const rounds = new Map<string, { roundId: bigint; fromBlock: number }>();
  for (const [from, to] of blockRanges(floor, latest.number)) {
    const opened = await retry(() => shamir.queryFilter(shamir.filters.ShareDisputeOpened(undefined, runtime.connection.address), from, to));
    for (const event of opened) {
      const key = event.args.roundId.toString();
      if (!rounds.has(key)) rounds.set(key, { roundId: event.args.roundId, fromBlock: event.blockNumber });
    }
  }
  const followed: Omit<FollowShareDisputeParameters, "runtime">[] = [];
  for (const { roundId, fromBlock } of rounds.values()) {
    const until = await retry(() => shamir.faultProofUntil(roundId));
    if (until !== 0n && BigInt(latest.timestamp) > until) continue;
    followed.push({ roundId, ...(await roundServers(runtime, roundId)), sums: [], fromBlock });
  }
  return followed;
}

/** How often a worker looks for a Shamir credit to collect (one view call when there is none). */
export const CREDIT_CHECK_INTERVAL_MS = 30_000;

/** Less than this is left on the contract until more comes: a withdrawal's gas would eat most of it. */
export const MIN_CREDIT_WEI = 10n ** 15n;

/**
 * Collects what FedmashShamir owes this worker's account (`creditOf`: half of a bond its dispute slashed, half of a stake
 * its proof forfeited, or a server's share of one), at most once per interval and only from MIN_CREDIT_WEI on: a
 * worker's earnings reach its account without anyone calling `withdrawCredit` by hand. Returns the tick to call last in
 * the worker's ticker; it logs its own failures (named) and never throws, so it holds up nothing.
 */
export function createCreditCollector(runtime: WorkerRuntime, intervalMs = CREDIT_CHECK_INTERVAL_MS, minimumWei = MIN_CREDIT_WEI): () => Promise<void> {
  let nextCheck = 0;
  return async () => {
    if (Date.now() < nextCheck) return;
    nextCheck = Date.now() + intervalMs;
    try {
      const owed = await retry(() => runtime.shamir.creditOf(runtime.connection.address));
      if (owed === 0n || owed < minimumWei) return;
      await sendTransaction(runtime.connection.signer, { action: "withdrawCredit()", send: () => runtime.shamir.withdrawCredit() });
      runtime.logger.info("collected the Shamir credit its disputes and proofs earned", { wei: owed.toString() });
    } catch (error) {
      runtime.logger.error("collecting the Shamir credit failed; trying again later", { inSeconds: intervalMs / 1000, error });
    }
  };
}
