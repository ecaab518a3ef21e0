// The MASH watcher's I/O: once a round's challenge window is open, fetch exactly the included masked vectors
// (coordinator.includedClients order, then the holder), each capped and checked against its on-chain commitment
// (fetchMaskedVectors), and recompute their sum S in the task's mask group. The aggregateHash is the root of the
// committed sum: root(S) equal → verified, without the aggregate payload. Different → open an aggregate dispute at
// once and play it (playAggregateDispute: the aggregator must open its committed tree node by node down to a wrong
// leaf, which is then challenged; it cannot lose, and its bond comes back if the fraud is proven another way), and
// meanwhile fetch the payload: if its sum opens the aggregateHash, challenge the first wrong leaf directly with the
// bond (buildChallenge), which ends the round sooner. A payload that is missing, slow, mismatched or unreachable only
// leaves the proof to the dispute. When the included vectors do not decode, the watcher disputes toward a leaf only
// where the contract accepts no value at all (judgeLikeContract: rlwr-2048's residual check fails for every G, or a
// paper-compat element outside [1, P)); otherwise it judges the payload by the contract's rule, and without one it
// reports the round unverifiable. When an included vector cannot be used, nothing can be proven: a named warning,
// and the caller does not train on the model.
// `falseChallenge` (demo only) challenges an honest leaf anyway, to show a rejected challenge burning its bond.
import { ChainRevertError } from "../chain/errors";
import { BaseError } from "../errors";
import { aggregateSumTree, maskedVectorTree, type VectorMerkleTree } from "../crypto/commit/vectorMerkle";
import { aggregateSumRoot, maskedLimbs } from "../crypto/commit/vectorCommitments";
import { getMaskGroup } from "../crypto/mask/getMaskGroup";
import { aggregateBound } from "../crypto/quantize";
import { IpfsFetchTimeoutError } from "../storage/errors";
import { Mode, VerificationOutcome, VerificationStage } from "../protocol/enums";
import { maskGroupIdOf } from "../protocol/maskGroupCode";
import { buildChallenge, type Challenge, type CommittedVector } from "../protocol/watch/buildChallenge";
import { disputeGeometry } from "../protocol/watch/disputeGame";
import { findWrongLeaf, type WrongLeaf } from "../protocol/watch/findWrongLeaf";
import { contractAcceptsPosted, disputableLeafAfterFailedDecode, findWrongLeafLikeContract, undecodedCoordinate, wrongCoordinateOfLeaf } from "../protocol/watch/judgeLikeContract";
import { retry } from "../retry";
import { isSenderFault } from "./fetchContributions";
import { fetchAggregateSumWithHash, type FetchedAggregateSum } from "./fetchAggregateSum";
import { fetchCommittedMaskedVectors, MashContributionInvalidError } from "./fetchMaskedVectors";
import { playAggregateDispute, sendChallengeTransaction, type PlayedDispute } from "./playAggregateDispute";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** The round's aggregate cannot be checked: an included vector is missing or does not open its commitment. */
export class AggregateUnverifiableError extends BaseError {
  override name = "AggregateUnverifiableError" as const;
}

/** `watchRound` was asked about a round that is not a MASH round with a posted aggregate. */
export class WatchRoundNotMashError extends BaseError {
  override name = "WatchRoundNotMashError" as const;
}

export type WatchRoundReturnType =
  /** The posted sum is the sum of the included vectors (and, with falseChallenge, the rejected challenge). */
  | { status: "verified"; falseChallenge?: SentChallenge }
  /** The posted sum was wrong; the challenge was sent (upheld unless someone proved it first). */
  | { status: "challenged"; wrong: WrongLeaf; challenge: SentChallenge }
  /** The committed sum is not the true one and the aggregate payload does not open it: an aggregate dispute was played. */
  | { status: "disputed"; dispute: PlayedDispute; proven: boolean }
  /** The posted sum is wrong but the challenge could not be sent (another watcher settled it, or the window closed). */
  | { status: "wrong"; wrong: WrongLeaf; error: Error }
  /** Nothing could be checked (or, after the window, the committed sum is not the true one); the model must not be trained on. */
  | { status: "unverifiable"; error: AggregateUnverifiableError }
  /** The window is not open (not yet, or already settled). */
  | { status: "closed"; stage: VerificationStage };

/** How long before the window's deadline a watcher stops waiting for the aggregate payload (a direct challenge must land in the window). */
const DISPUTE_OPEN_MARGIN_SECONDS = 3;
/** fetchAggregateSum's own default. */
const DEFAULT_AGGREGATE_FETCH_MS = 30_000;

export interface SentChallenge {
  leafIndex: number;
  upheld: boolean;
  gasUsed: bigint;
  transactionHash: string;
}

export interface WatchRoundParameters {
  runtime: WorkerRuntime;
  roundId: bigint;
  /**
   * paper-compat: how far the clients' integer DP noise can push a coordinate of the sum (integerNoiseBound, given
   * `count` vectors), which widens the discrete-log search; rlwr-2048 decodes in its whole range and ignores it.
   * It changes no verdict, only the cost: where the search fails, the posted value is checked against the product
   * over the contract's whole range (|G| ≤ 2^31 − 1).
   */
  noiseBound?: (count: number) => number;
  /** Demo only: challenge leaf 0 of an honest aggregate (the challenge is rejected and the bond burned). */
  falseChallenge?: boolean;
  /**
   * Recompute a round whose window already closed and that passed (the input-model gate's check): never challenges
   * nor disputes, and a wrong sum comes back as "wrong" (or "unverifiable" when no payload opens the commitment).
   */
  afterWindow?: boolean;
  timeoutMs?: number;
  /** How often a dispute polls the chain for the aggregator's answers (ms). */
  disputePollMs?: number;
}

export async function watchRound(parameters: WatchRoundParameters): Promise<WatchRoundReturnType> {
  const { runtime, roundId } = parameters;
  const { coordinator, verifier, logger } = runtime;
  const verification = await retry(() => verifier.verification(roundId));
  const stage = Number(verification.stage) as VerificationStage;
  const passedAlready = parameters.afterWindow === true && stage === VerificationStage.Settled && Number(verification.outcome) === VerificationOutcome.Passed;
  if (stage !== VerificationStage.Challenge && !passedAlready) return { status: "closed", stage };
  const view = await retry(() => coordinator.round(roundId));
  const task = await retry(() => coordinator.task(view.taskId));
  if (Number(task.config.mode) !== Mode.Mash) throw new WatchRoundNotMashError(`Round ${roundId} is not a MASH round: nothing to watch.`);
  const modelSize = Number(task.config.modelSize);
  const group = getMaskGroup(maskGroupIdOf(task.config.maskGroup));
  const limbs = maskedLimbs(group.limbsPerElement);
  const [included, mash] = await Promise.all([retry(() => coordinator.includedClients(roundId)), retry(() => coordinator.mashRound(roundId))]);
  const addresses = [...included, mash.holder];
  const contributors = await Promise.all(
    addresses.map(async (client) => {
      const submission = await retry(() => coordinator.submission(roundId, client));
      return { client, cid: submission.cid, contentHash: submission.contentHash };
    }),
  );
  const started = Date.now();
  const aggregateHash = view.aggregateHash.toLowerCase();

  let vectors;
  try {
    vectors = await fetchCommittedMaskedVectors({ store: runtime.store, roundId, contributors, modelSize, limbsPerElement: limbs, timeoutMs: parameters.timeoutMs });
  } catch (error) {
    if (!(error instanceof MashContributionInvalidError)) throw error;
    return {
      status: "unverifiable",
      error: new AggregateUnverifiableError(`Round ${roundId}: an included masked vector is unusable, so the aggregate cannot be checked and its model is not trained on.`, {
        details: error.shortMessage,
        cause: error,
      }),
    };
  }

  /**
   * The aggregate payload, when its sum opens the aggregateHash; otherwise why not (missing, too slow, mismatched).
   * Within the window, the fetch leaves DISPUTE_OPEN_MARGIN_SECONDS before its deadline, by which a direct challenge must land.
   */
  const fetchPosted = async (): Promise<FetchedAggregateSum | Error> => {
    const windowLeftMs = (Number(verification.deadline) - DISPUTE_OPEN_MARGIN_SECONDS) * 1000 - Date.now();
    const timeoutMs = parameters.afterWindow ? parameters.timeoutMs : Math.min(parameters.timeoutMs ?? DEFAULT_AGGREGATE_FETCH_MS, windowLeftMs);
    if (timeoutMs !== undefined && timeoutMs < 1_000) {
      return new AggregateUnverifiableError(`Round ${roundId}: no time left in the challenge window to fetch the aggregate payload before disputing it.`);
    }
    try {
      return await fetchAggregateSumWithHash({
        store: runtime.store,
        aggregateCid: view.aggregateCid,
        aggregateHash: view.aggregateHash,
        modelSize,
        commitment: "vector",
        maxClients: Number(task.config.maxClients),
        timeoutMs,
      });
    } catch (error) {
      // Any failure, the store's own included (unreachable, refused): the caller then disputes, or reports it.
      if (isSenderFault(error) || error instanceof IpfsFetchTimeoutError || error instanceof Error) return error;
      return new AggregateUnverifiableError(`Round ${roundId}: fetching the aggregate payload failed.`, { details: String(error) });
    }
  };

  // The contract decodes in the group's whole range (rlwr-2048: |G| ≤ G_max); paper-compat's discrete log searches the
  // task's own bound, N·round(c·S), plus the clients' DP noise when the caller knows it. That bound only sets how far
  // the fast path searches: where the decode fails, the posted sum is judged by the contract's own rule below.
  const count = vectors.length;
  const masked = vectors.map((v) => v.masked);
  const taskBound = aggregateBound(count, Number(task.config.clipMillionths) / 1e6, Number(task.config.quantizationScale)) + Math.ceil(parameters.noiseBound?.(count) ?? 0);
  const bound = group.id === "rlwr-2048" ? group.maxBound : Math.min(group.maxBound, taskBound);
  let trueSum: Int32Array | undefined;
  let suspect: number | undefined;
  try {
    trueSum = await group.aggregate({ masked, bound });
  } catch (error) {
    // A coordinate that does not decode (rlwr-2048: 2|e| ≥ N, |G| > G_max or an element ≥ 2^40; paper-compat: no
    // discrete log within the bound, or an element outside [1, P)) is one the contract judges wrong whatever was
    // posted, so it is a fraud this watcher can prove (audit M3). paper-compat's posted value there is checked against
    // the product (2^posted ≡ Π y), since a discrete log beyond the watcher's bound may still be within the contract's.
    suspect = undecodedCoordinate(error, modelSize);
    if (suspect === undefined) {
      if (!(error instanceof BaseError)) throw error;
      return {
        status: "unverifiable",
        error: new AggregateUnverifiableError(`Round ${roundId}: the included vectors cannot be summed in ${group.id}, so the aggregate cannot be recomputed.`, {
          details: `${error.name}: ${error.shortMessage}`,
          cause: error,
        }),
      };
    }
    logger.warn("the included vectors do not decode: judging the posted sum by the contract's rule", {
      round: roundId,
      coordinate: suspect,
      error: error instanceof BaseError ? `${error.name}: ${error.shortMessage}` : String(error),
    });
  }
  logger.debug("aggregate recomputed", { round: roundId, vectors: count, ms: Date.now() - started });

  const committedVectors: CommittedVector[] = vectors.map((v) => ({ payloadHash: v.payloadHash, tree: () => maskedVectorTree(v.masked, limbs) }));
  const challengeFor = (leafIndex: number, sumTree: VectorMerkleTree): Challenge => buildChallenge({ leafIndex, vectors: committedVectors, sum: { tree: sumTree } });

  // The committed root is the true sum's: verified, and no payload is needed.
  if (trueSum !== undefined && aggregateSumRoot(trueSum) === aggregateHash) {
    logger.info("aggregate verified", { round: roundId, vectors: count });
    if (!parameters.falseChallenge || parameters.afterWindow) return { status: "verified" };
    logger.warn("MALICIOUS CLIENT: challenging an honest aggregate (demo of a rejected challenge)", { round: roundId, leafIndex: 0 });
    const sent = await sendChallenge(runtime, roundId, challengeFor(0, aggregateSumTree(trueSum)));
    logger.warn("MALICIOUS CLIENT: false challenge sent", { round: roundId, upheld: sent.upheld, gasUsed: sent.gasUsed });
    return { status: "verified", falseChallenge: sent };
  }

  /** The wrong leaf the payload shows, judged like the contract; undefined when the contract accepts the whole sum. */
  const wrongIn = (payload: FetchedAggregateSum): WrongLeaf | undefined =>
    trueSum !== undefined ? findWrongLeaf(trueSum, payload.sum) : findWrongLeafLikeContract({ groupId: group.id, masked, posted: payload.sum, suspect });

  if (parameters.afterWindow) {
    const posted = await fetchPosted();
    const wrong = posted instanceof Error ? undefined : wrongIn(posted);
    if (!(posted instanceof Error) && !wrong) {
      logger.info("aggregate verified by the contract's rule", { round: roundId, vectors: count });
      return { status: "verified" };
    }
    if (wrong) {
      logger.error("aggregate is wrong, and its challenge window has closed", { round: roundId, coordinate: wrong.coordinate, leafIndex: wrong.leafIndex });
      return { status: "wrong", wrong, error: new AggregateUnverifiableError(`Round ${roundId}: its sum is wrong at coordinate ${wrong.coordinate}, and the window to prove it has closed.`) };
    }
    const why = posted instanceof Error ? posted : new AggregateUnverifiableError("no payload");
    return {
      status: "unverifiable",
      error: new AggregateUnverifiableError(`Round ${roundId}: the committed sum is not the sum of the included vectors, and no aggregate payload opens it; its model is not trained on.`, {
        details: `${why.name}: ${why.message}`,
        cause: why,
      }),
    };
  }

  /** A direct challenge of the wrong leaf the payload shows (the payload opens the commitment). */
  const challengeWrong = async (wrong: WrongLeaf, posted: FetchedAggregateSum): Promise<WatchRoundReturnType> => {
    logger.error("aggregate is wrong: challenging it on-chain", {
      round: roundId,
      coordinate: wrong.coordinate,
      leafIndex: wrong.leafIndex,
      recomputed: wrong.trueValue,
      posted: wrong.postedValue,
    });
    try {
      const sent = await sendChallenge(runtime, roundId, challengeFor(wrong.leafIndex, aggregateSumTree(posted.sum)));
      logger.info(sent.upheld ? "fraud proven: the aggregator is slashed" : "challenge rejected", { round: roundId, leafIndex: wrong.leafIndex, gasUsed: sent.gasUsed, tx: sent.transactionHash });
      return { status: "challenged", wrong, challenge: sent };
    } catch (error) {
      // Another watcher proved it first (the round is settled), or the window closed: the fraud is no less real.
      if (!(error instanceof ChainRevertError)) throw error;
      if (error.errorName === "VerifierUnexpectedStage") {
        logger.info("another watcher proved the fraud first: the round is settled", { round: roundId, leafIndex: wrong.leafIndex });
      } else {
        logger.warn("challenge not accepted", { round: roundId, leafIndex: wrong.leafIndex, error });
      }
      return { status: "wrong", wrong, error };
    }
  };

  // Where a dispute cannot lose: this watcher knows the true sum and its root is not the committed one, or, after a
  // failed decode, some coordinate admits no value at all under the contract's rule (its leaf is wrong whatever the
  // aggregator reveals there). Elsewhere a failed decode proves nothing by itself (paper-compat: a discrete log past
  // this watcher's bound may be right), and only a payload that opens the commitment, judged like the contract, can.
  const targetLeaf = trueSum === undefined ? disputableLeafAfterFailedDecode(group.id, masked, modelSize, suspect) : undefined;
  if (trueSum === undefined && targetLeaf === undefined) {
    const posted = await fetchPosted();
    if (posted instanceof Error) {
      logger.warn("the included vectors do not decode, no coordinate is wrong whatever is posted, and no payload opens the commitment: not disputing", { round: roundId, payload: `${posted.name}: ${posted.message}` });
      return {
        status: "unverifiable",
        error: new AggregateUnverifiableError(`Round ${roundId}: the included vectors do not decode at coordinate ${suspect}, and no aggregate payload opens the commitment to judge what was posted there.`, {
          details: `${posted.name}: ${posted.message}. A dispute toward that leaf could reach a value the contract accepts, so none is opened; the model is not trained on.`,
          cause: posted,
        }),
      };
    }
    const wrong = wrongIn(posted);
    if (!wrong) {
      logger.info("aggregate verified by the contract's rule", { round: roundId, vectors: count });
      return { status: "verified" };
    }
    return challengeWrong(wrong, posted);
  }

  // The dispute goes first: it wins whatever the aggregator publishes, and its bond comes back if the fraud is proven
  // another way. The payload is fetched meanwhile, for a direct challenge when it opens the commitment, which ends the
  // round sooner; a payload that is missing, slow, mismatched or unreachable leaves the dispute to prove it.
  logger.error("aggregate commitment is not the true sum's: opening an aggregate dispute, and fetching the payload for a direct challenge meanwhile", {
    round: roundId,
    ...(suspect !== undefined ? { undecodedCoordinate: suspect, targetLeaf } : {}),
  });
  const own = trueSum !== undefined ? aggregateSumTree(trueSum) : undefined;
  const accepts =
    trueSum !== undefined
      ? (coordinate: number, value: bigint): boolean => BigInt(trueSum[coordinate]!) === value
      : contractAcceptsPosted(group.id, masked);
  const disputed = playAggregateDispute({
    runtime,
    roundId,
    geometry: disputeGeometry(modelSize),
    own: own ? (depth, position) => own.nodeAt(depth, position) : undefined,
    targetLeaf,
    judgeLeaf: (leafIndex, values) => wrongCoordinateOfLeaf({ leafIndex, values, modelSize, accepts }),
    vectors: committedVectors,
    root: view.aggregateHash,
    pollMs: parameters.disputePollMs,
  });
  const direct = (async (): Promise<WatchRoundReturnType | undefined> => {
    const posted = await fetchPosted().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    if (posted instanceof Error) {
      logger.info("no payload opens the commitment: the dispute proves the fraud", { round: roundId, payload: `${posted.name}: ${posted.message}` });
      return undefined;
    }
    const wrong = wrongIn(posted);
    return wrong ? challengeWrong(wrong, posted) : undefined;
  })().catch((error: unknown) => {
    logger.warn("the direct challenge failed; the dispute goes on", { round: roundId, error });
    return undefined;
  });
  const [dispute, challenged] = await Promise.all([disputed, direct]);
  if (challenged?.status === "challenged" && challenged.challenge.upheld) {
    logger.info("aggregate dispute over: a direct challenge proved the fraud", { round: roundId, dispute: dispute.status });
    return challenged;
  }
  const proven =
    (dispute.status === "challenged" && dispute.upheld) || dispute.status === "aggregator-timed-out" || dispute.status === "padding-not-zero";
  logger.info("aggregate dispute over", { round: roundId, status: dispute.status, proven });
  return { status: "disputed", dispute, proven };
}

/** Sends the challenge with the bond and a gas limit above the node's estimate; reads `upheld` from the receipt. */
async function sendChallenge(runtime: WorkerRuntime, roundId: bigint, challenge: Challenge): Promise<SentChallenge> {
  const sent = await sendChallengeTransaction(runtime, roundId, challenge.leafIndex, challenge.openings, challenge.aggregate);
  return { leafIndex: challenge.leafIndex, ...sent };
}
