// The MASH watcher's I/O: once a round's challenge window is open, fetch exactly the included masked vectors
// (coordinator.includedClients order, then the holder), each capped and checked against its on-chain commitment
// (fetchMaskedVectors), recompute their sum in the task's mask group, fetch the aggregate payload (checked against
// its aggregateHash commitment) and compare (findWrongLeaf). Equal: nothing to do. Different: challenge the first
// wrong leaf with the bond (buildChallenge), which proves the fraud on-chain. When the included vectors do not decode
// at some coordinate, the contract judges any posted value there wrong, so the watcher judges the posted sum by the
// contract's rule (judgeLikeContract) and challenges that leaf. When the aggregate payload or an included vector
// cannot be used, nothing can be proven: a named warning, and the caller does not train on the model.
// `falseChallenge` (demo only) challenges an honest leaf anyway, to show a rejected challenge burning its bond.
import type { ContractTransactionReceipt } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { ChainRevertError } from "../chain/errors";
import { BaseError } from "../errors";
import { aggregateSumTree, maskedVectorTree } from "../crypto/commit/vectorMerkle";
import { maskedLimbs } from "../crypto/commit/vectorCommitments";
import { getMaskGroup } from "../crypto/mask/getMaskGroup";
import { aggregateBound } from "../crypto/quantize";
import { Mode, VerificationOutcome, VerificationStage } from "../protocol/enums";
import { maskGroupIdOf } from "../protocol/maskGroupCode";
import { buildChallenge, type Challenge } from "../protocol/watch/buildChallenge";
import { findWrongLeaf, type WrongLeaf } from "../protocol/watch/findWrongLeaf";
import { findWrongLeafLikeContract, undecodedCoordinate } from "../protocol/watch/judgeLikeContract";
import { retry } from "../retry";
import { isSenderFault } from "./fetchContributions";
import { fetchAggregateSumWithHash } from "./fetchAggregateSum";
import { fetchCommittedMaskedVectors, MashContributionInvalidError } from "./fetchMaskedVectors";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** The round's aggregate cannot be checked: its payload or an included vector is missing or does not open its commitment. */
export class AggregateUnverifiableError extends BaseError {
  override name = "AggregateUnverifiableError" as const;
}

/** `watchRound` was asked about a round that is not a MASH round with a posted aggregate. */
export class WatchRoundNotMashError extends BaseError {
  override name = "WatchRoundNotMashError" as const;
}

/** Gas limit headroom over the node's estimate for a challenge (its cost depends on the openings' calldata). */
const CHALLENGE_GAS_HEADROOM_PERCENT = 130n;

export type WatchRoundReturnType =
  /** The posted sum is the sum of the included vectors (and, with falseChallenge, the rejected challenge). */
  | { status: "verified"; falseChallenge?: SentChallenge }
  /** The posted sum was wrong; the challenge was sent (upheld unless someone proved it first). */
  | { status: "challenged"; wrong: WrongLeaf; challenge: SentChallenge }
  /** The posted sum is wrong but the challenge could not be sent (another watcher settled it, or the window closed). */
  | { status: "wrong"; wrong: WrongLeaf; error: Error }
  /** Nothing could be checked; the model must not be trained on. */
  | { status: "unverifiable"; error: AggregateUnverifiableError }
  /** The window is not open (not yet, or already settled). */
  | { status: "closed"; stage: VerificationStage };

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
   * Recompute a round whose window already closed and that passed (the input-model gate's check): never challenges,
   * and a wrong sum comes back as "wrong".
   */
  afterWindow?: boolean;
  timeoutMs?: number;
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

  let vectors;
  let posted;
  try {
    [vectors, posted] = await Promise.all([
      fetchCommittedMaskedVectors({ store: runtime.store, roundId, contributors, modelSize, limbsPerElement: limbs, timeoutMs: parameters.timeoutMs }),
      fetchAggregateSumWithHash({
        store: runtime.store,
        aggregateCid: view.aggregateCid,
        aggregateHash: view.aggregateHash,
        modelSize,
        commitment: "vector",
        maxClients: Number(task.config.maxClients),
        timeoutMs: parameters.timeoutMs,
      }),
    ]);
  } catch (error) {
    if (!(error instanceof MashContributionInvalidError) && !isSenderFault(error)) throw error;
    const what = error instanceof MashContributionInvalidError ? "an included masked vector is unusable" : "the aggregate payload does not open its commitment";
    return {
      status: "unverifiable",
      error: new AggregateUnverifiableError(`Round ${roundId}: ${what}, so the aggregate cannot be checked and its model is not trained on.`, {
        details: error instanceof MashContributionInvalidError ? error.shortMessage : `${error.name}: ${error.message}`,
        cause: error,
      }),
    };
  }

  // The contract decodes in the group's whole range (rlwr-2048: |G| ≤ G_max); paper-compat's discrete log searches the
  // task's own bound, N·round(c·S), plus the clients' DP noise when the caller knows it. That bound only sets how far
  // the fast path searches: where the decode fails, the posted sum is judged by the contract's own rule below.
  const count = vectors.length;
  const masked = vectors.map((v) => v.masked);
  const taskBound = aggregateBound(count, Number(task.config.clipMillionths) / 1e6, Number(task.config.quantizationScale)) + Math.ceil(parameters.noiseBound?.(count) ?? 0);
  const bound = group.id === "rlwr-2048" ? group.maxBound : Math.min(group.maxBound, taskBound);
  let wrong: WrongLeaf | undefined;
  try {
    wrong = findWrongLeaf(await group.aggregate({ masked, bound }), posted.sum);
  } catch (error) {
    // A coordinate that does not decode (rlwr-2048: 2|e| ≥ N, |G| > G_max or an element ≥ 2^40; paper-compat: no
    // discrete log within the bound, or an element outside [1, P)) is one the contract judges wrong whatever was
    // posted, so it is a fraud this watcher can prove (audit M3). paper-compat's posted value there is checked against
    // the product (2^posted ≡ Π y), since a discrete log beyond the watcher's bound may still be within the contract's.
    const suspect = undecodedCoordinate(error, modelSize);
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
    wrong = findWrongLeafLikeContract({ groupId: group.id, masked, posted: posted.sum, suspect });
  }
  logger.debug("aggregate recomputed", { round: roundId, vectors: count, ms: Date.now() - started });

  const challengeFor = (leafIndex: number): Challenge =>
    buildChallenge({
      leafIndex,
      vectors: vectors.map((v) => ({ payloadHash: v.payloadHash, tree: () => maskedVectorTree(v.masked, limbs) })),
      sum: { payloadHash: posted.payloadHash, tree: aggregateSumTree(posted.sum) },
    });

  if (!wrong) {
    logger.info("aggregate verified", { round: roundId, vectors: count });
    if (!parameters.falseChallenge || parameters.afterWindow) return { status: "verified" };
    logger.warn("MALICIOUS CLIENT: challenging an honest aggregate (demo of a rejected challenge)", { round: roundId, leafIndex: 0 });
    const sent = await sendChallenge(runtime, roundId, challengeFor(0));
    logger.warn("MALICIOUS CLIENT: false challenge sent", { round: roundId, upheld: sent.upheld, gasUsed: sent.gasUsed });
    return { status: "verified", falseChallenge: sent };
  }

  if (parameters.afterWindow) {
    logger.error("aggregate is wrong, and its challenge window has closed", { round: roundId, coordinate: wrong.coordinate, leafIndex: wrong.leafIndex });
    return { status: "wrong", wrong, error: new AggregateUnverifiableError(`Round ${roundId}: its sum is wrong at coordinate ${wrong.coordinate}, and the window to prove it has closed.`) };
  }
  logger.error("aggregate is wrong: challenging it on-chain", {
    round: roundId,
    coordinate: wrong.coordinate,
    leafIndex: wrong.leafIndex,
    recomputed: wrong.trueValue,
    posted: wrong.postedValue,
  });
  try {
    const sent = await sendChallenge(runtime, roundId, challengeFor(wrong.leafIndex));
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
}

/** Sends the challenge with the bond and a gas limit above the node's estimate; reads `upheld` from the receipt. */
async function sendChallenge(runtime: WorkerRuntime, roundId: bigint, challenge: Challenge): Promise<SentChallenge> {
  const { verifier } = runtime;
  const bond = await retry(() => verifier.CHALLENGE_BOND());
  const args = [roundId, challenge.leafIndex, challenge.openings, challenge.aggregate] as const;
  const receipt: ContractTransactionReceipt = await sendTransaction(runtime.connection.signer, {
    action: `challenge(round ${roundId}, leaf ${challenge.leafIndex})`,
    send: async () => {
      const estimate = await verifier.challenge.estimateGas(...args, { value: bond });
      return verifier.challenge(...args, { value: bond, gasLimit: (estimate * CHALLENGE_GAS_HEADROOM_PERCENT) / 100n });
    },
  });
  const upheld = receipt.logs.some((log) => {
    try {
      return verifier.interface.parseLog({ topics: [...log.topics], data: log.data })?.name === "AggregateFraudProven";
    } catch {
      return false;
    }
  });
  return { leafIndex: challenge.leafIndex, upheld, gasUsed: receipt.gasUsed, transactionHash: receipt.hash };
}
