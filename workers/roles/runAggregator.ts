// The aggregator worker: serves the tasks it accepted (`acceptedTasks`, each with the largest bond it risks) among
// those that name its account, and ignores the others (logged once). It opts in on-chain (FedmashVerifier.acceptTask)
// with that cap when it first sees an accepted MASH or Shamir task, and never bonds past the cap. It collects the
// announced updates, and when a
// round enters Aggregation it aggregates them (plain: FedAvg over the valid updates, a bad one excluded by name;
// MASH: the product of the included masked vectors and its discrete log; Shamir: waits for the servers'
// share-sums, all n or at least t after a grace period, and interpolates Σq at 0), stores aggregate and new
// model, and posts both CIDs. In MASH and Shamir rounds it tops up its bond first. MASH: its aggregateHash is the
// Merkle root of the sum, and the round then waits out its challenge window (the keeper settles it after); it answers
// every aggregate dispute of the round from the tree of the sum it committed (answerAggregateDisputes). Shamir: it posts the aggregate's batch sums T under the seed of the aggregate's block and
// settles once every included client committed; its share-sum disputes it follows from its ticker after that (followShareDispute:
// proves the client fault a dispute ended in, disputes again after a slash). Then it claims its reward. It is also a keeper: it advances phases
// whose deadline passed and settles verifications whose deadline passed. With distributed DP the clients' integer
// noise widens the bound of Σq, so the aggregator is told the DP settings too. `maliciousAggregator` makes it
// publish a tampered aggregate, for the demo of a fraud proof (MASH) or a failing verification (Shamir).
import { join } from "node:path";
import { getAddress } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { Mode, Phase, Role } from "../protocol/enums";
import {
  aggregatorHandlers,
  aggregatorPendingAction,
  routeAggregatorEvent,
  type AggregatorAction,
  type AggregatorRoundState,
} from "../protocol/plain/aggregatorMachine";
import { aggregatePlain, type PlainUpdate } from "../protocol/plain/aggregatePlain";
import {
  mashAggregatorHandlers,
  mashAggregatorPendingAction,
  routeMashAggregatorEvent,
  type MashAggregatorAction,
  type MashAggregatorRoundState,
} from "../protocol/mash/aggregatorMachine";
import { aggregateMasked } from "../protocol/mash/aggregateMasked";
import {
  routeShamirAggregatorEvent,
  shamirAggregatorHandlers,
  shamirAggregatorPendingAction,
  type ShamirAggregatorAction,
  type ShamirAggregatorRoundState,
} from "../protocol/shamir/aggregatorMachine";
import { shareSumsReady } from "../protocol/shamir/shareSumsReady";
import { reconstructSum, type ShamirShareSum } from "../crypto/shamir/reconstructSum";
import { shamirFieldBound } from "../crypto/shamir/shamirFieldBound";
import type { DpSettings } from "../ml/dp/parseDpSettings";
import { integerNoiseBound } from "../ml/dp/integerNoiseBound";
import { tamperAggregateSum } from "../protocol/mash/tamperAggregateSum";
import { aggregateCommitment } from "../crypto/commit/vectorCommitments";
import { modelFromAggregateSum } from "../protocol/mash/modelFromAggregateSum";
import { VerificationStage } from "../protocol/enums";
import { batchSums } from "../crypto/verify/batchSums";
import { encodeBatchSums } from "../crypto/verify/encodeBatchSums";
import { retry, sleep } from "../retry";
import { getMaskGroup } from "../crypto/mask/getMaskGroup";
import { maskGroupInfo, type MaskGroup } from "../crypto/mask/maskGroup";
import { maskGroupIdOf } from "../protocol/maskGroupCode";
import { UpdateNonFiniteError } from "../ml/errors";
import { fetchPayload } from "../storage/fetchPayload";
import { putPayload } from "../storage/putPayload";
import type { ProgressBars } from "../progress/createProgress";
import { trackStage } from "../progress/trackStage";
import { fetchContributions, isSenderFault } from "./fetchContributions";
import { fetchMaskedVectors, MashContributionInvalidError } from "./fetchMaskedVectors";
import { modelByteLimit, updateByteLimit } from "./payloadLimits";
import { PayloadKind, type Payload, type PayloadMetadata } from "../storage/payloadFormat";
import { DELTA_TENSOR, MODEL_TENSOR, aggregatePayload, expectFlat, flatTensor, maskedAggregatePayload, modelPayload } from "./modelPayloads";
import { ensureRegistered, loadOrCreateEciesKeys } from "./ensureRegistered";
import { claimReward } from "./claimReward";
import { deriveVerificationSeed } from "./deriveVerificationSeed";
import { fetchAggregateSum } from "./fetchAggregateSum";
import { fetchShareSum } from "./fetchShareSum";
import { readQuantizedUpdate, writeQuantizedUpdate } from "./quantizedUpdateFile";
import { sendSeededTransaction } from "./sendSeededTransaction";
import { existsSync } from "node:fs";
import { runRoundLoop, withTicker, type RoundLoopHandle } from "./runRoundLoop";
import { createAggregateDisputeAnswerer, loadCommittedSum } from "./answerAggregateDisputes";
import { closeShareDisputeIfDue, createCreditCollector, followShareDispute, openedShareDisputes, openShareDisputeIfInconsistent, type FollowShareDisputeParameters } from "./shareDisputes";
import { SHARE_DISPUTE_LOOKBACK_BLOCKS } from "./clientFaults";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** A round the ticker follows the share-sum disputes of, and how many ticks in a row failed on it. */
type FollowedShareDispute = Omit<FollowShareDisputeParameters, "runtime"> & { failures: number };

/** Consecutive failed ticks (about a second apart) after which the ticker stops following a round's disputes. */
const MAX_SHARE_DISPUTE_TICK_FAILURES = 120;

export class AggregatorPhaseError extends BaseError {
  override name = "AggregatorPhaseError" as const;
}

export { MashContributionInvalidError } from "./fetchMaskedVectors";

/**
 * The round's terms ask for a larger bond than this aggregator accepted for the task: it neither tops up nor posts
 * (the verifier would refuse the posting anyway, VerifierBondNotAccepted), and the round fails as AggregatorMissing
 * without touching its bond.
 */
/** A MASH round's challenge window is below this aggregator's --min-challenge-window: it does not lock its bond in it. */
export class ChallengeWindowTooShortForAggregatorError extends BaseError {
  override name = "ChallengeWindowTooShortForAggregatorError" as const;
}

export class BondAboveAcceptedError extends BaseError {
  override name = "BondAboveAcceptedError" as const;
}

/** Fewer than t usable share-sums by the Aggregation deadline: the round fails as ServersMissing. */
export class ShamirServersMissingError extends BaseError {
  override name = "ShamirServersMissingError" as const;
}

/**
 * Share-sums disagree and there are too few to tell who lied (e liars need t + 2e share-sums): the aggregate might be
 * wrong, and a wrong aggregate fails verification and costs the aggregator its bond, so it posts nothing.
 */
export class ShamirShareSumsDisagreeError extends BaseError {
  override name = "ShamirShareSumsDisagreeError" as const;
}

/**
 * How the demo's malicious aggregator cheats. MASH: "consistent" publishes a tampered aggregate (+1 on a few hundred
 * coordinates of Σg, and the float delta and model to match) and commits its root, so any watcher proves the fraud
 * on-chain with the published payload (AggregateFraudProven, the bond slashed); "inconsistent" commits the root of a
 * tampered sum but publishes the untampered payload, which does not open the commitment: a watcher opens an aggregate
 * dispute, which this aggregator can only answer from the tampered tree it committed, and the leaf it reaches proves
 * the fraud. Shamir: "consistent" posts T of the tampered sum: the clients' check passes, the contract's fails
 * (VerificationFailed, nobody slashed: the check cannot tell who lied); "inconsistent" posts the true T: the clients
 * refuse to commit and the round fails CommitmentsMissing.
 */
export type MaliciousAggregatorMode = "consistent" | "inconsistent";

type TaskView = Awaited<ReturnType<WorkerRuntime["coordinator"]["task"]>>;
type AggregationStart =
  | { posted: { aggregateCid: string; modelCid: string } }
  | { posted?: undefined; task: TaskView; modelSize: number; global: Float32Array; started: number };

type AnyAggregatorRound = AggregatorRoundState | MashAggregatorRoundState | ShamirAggregatorRoundState;
type AnyAggregatorAction = AggregatorAction | MashAggregatorAction | ShamirAggregatorAction;
/** The rounds that are verified after their aggregate (T, commitments, settlement, claim). */
type VerifiedRound = MashAggregatorRoundState | ShamirAggregatorRoundState;

const isMash = (round: AnyAggregatorRound): round is MashAggregatorRoundState => "mode" in round && round.mode === "mash";
const isShamir = (round: AnyAggregatorRound): round is ShamirAggregatorRoundState => "mode" in round && round.mode === "shamir";

export interface RunAggregatorParameters {
  runtime: WorkerRuntime;
  /**
   * The tasks it serves: task id (decimal) → the largest bond in wei it accepts for that task. A task naming this
   * account that is not here is ignored; an accepted task whose round asks for more is refused (BondAboveAcceptedError).
   */
  acceptedTasks: ReadonlyMap<string, bigint>;
  startBlock?: number;
  weighting?: "samples" | "uniform";
  /**
   * MASH: the shortest challenge window, in seconds, in which it locks its bond (default 600): every dispute step has
   * one window to be answered, and a missed one slashes. A round whose terms give less is refused before posting
   * (ChallengeWindowTooShortForAggregatorError): no bond locked, the round fails as AggregatorMissing.
   */
  minChallengeWindow?: number;
  /** Demo only: cheat in every MASH and Shamir round (see MaliciousAggregatorMode). */
  maliciousAggregator?: MaliciousAggregatorMode;
  /** The clients' DP settings: distributed noise widens the bound of Σq (the MASH discrete log, the Shamir range check). */
  dp?: DpSettings;
  /**
   * Shamir: how long after Aggregation opens to keep waiting for the last share-sums once t are in, in seconds.
   * Default: half the task's aggregate duration.
   */
  shareSumGraceSeconds?: number;
  /** Live lines while a round is aggregated and published (the CLI's progress). */
  progress?: ProgressBars;
}

export async function runAggregator(parameters: RunAggregatorParameters): Promise<RoundLoopHandle<AnyAggregatorRound>> {
  const { runtime } = parameters;
  const { logger } = runtime;
  const keys = loadOrCreateEciesKeys(runtime.config.stateDir);
  await ensureRegistered(runtime, Role.Aggregator, keys);
  const self = runtime.connection.address.toLowerCase();

  const malicious = parameters.maliciousAggregator;
  if (malicious) {
    logger.warn("MALICIOUS AGGREGATOR: every MASH aggregate this worker publishes is tampered (demo of a failing verification)", { mode: malicious });
  }
  /** The vector T is computed from, kept from aggregation until T is posted (the true Σg is gone after that). */
  const batchSumsSourcePath = (roundId: bigint): string => join(runtime.config.stateDir, `batch-sums-source-round-${roundId}.bin`);
  /** MASH: the sum whose root this aggregator committed, kept to answer aggregate disputes (answerAggregateDisputes). */
  const committedSumPath = (roundId: bigint | string): string => join(runtime.config.stateDir, `committed-sum-round-${roundId}.bin`);

  const { acceptedTasks } = parameters;
  /** The largest bond this aggregator accepts for the task; undefined when it does not serve it. */
  const capOf = (taskId: bigint | string): bigint | undefined => acceptedTasks.get(taskId.toString());

  /**
   * The on-chain opt-in: FedmashVerifier.acceptTask(taskId, cap), sent once the chain does not already hold exactly
   * that cap. One attempt in flight per task; a failed one is forgotten, so the next call tries again.
   */
  const acceptances = new Map<string, Promise<void>>();
  const ensureAccepted = (taskId: bigint): Promise<void> => {
    const key = taskId.toString();
    const cap = capOf(key);
    if (cap === undefined) return Promise.resolve();
    const pending =
      acceptances.get(key) ??
      (async () => {
        const funds = await retry(() => runtime.verifier.taskFunds(taskId));
        if (funds.acceptedBond === cap) return;
        await sendTransaction(runtime.connection.signer, { action: `acceptTask(task ${taskId})`, send: () => runtime.verifier.acceptTask(taskId, cap) });
        logger.info("task accepted on-chain", { task: taskId, maxBondWei: cap });
      })();
    acceptances.set(key, pending);
    pending.catch(() => acceptances.delete(key));
    return pending;
  };

  /**
   * Refuses (no transaction) a MASH round whose challenge window (terms; zero means the contract's 5 s minimum) is below
   * --min-challenge-window: each dispute step must be answered within one window, so a short one lets anyone who can
   * keep its answers out of a few blocks slash an honest aggregator.
   */
  const minChallengeWindow = parameters.minChallengeWindow ?? 600;
  const requireWindowLongEnough = (taskId: bigint, roundId: bigint, challengeDuration: number): void => {
    const window = Math.max(challengeDuration, 5);
    if (window >= minChallengeWindow) return;
    const error = new ChallengeWindowTooShortForAggregatorError(
      `Round ${roundId} of task ${taskId}: its challenge window is ${window} s, below this aggregator's --min-challenge-window ${minChallengeWindow} s.`,
      { details: "not posting: no bond is locked, and the round fails as AggregatorMissing. Each dispute step must be answered within one window; lower --min-challenge-window only where blocks come fast and cannot be withheld (a local chain)." },
    );
    logger.error("round refused: its challenge window is too short to answer disputes safely", { task: taskId, round: roundId, windowSeconds: window, minSeconds: minChallengeWindow, error });
    throw error;
  };

  /** Refuses (no transaction) a round whose terms ask for more bond than this aggregator accepted for the task. */
  /**
   * The cap is what the aggregator risks in the task over its whole life, slashes included: until fraud proofs name
   * who failed a check, one Sybil client could fail every round, and topping up after each slash would lose the cap
   * again and again. So a round is served only while burned + its bond stays within the cap.
   */
  const requireBondWithinCap = (taskId: bigint, roundId: bigint, required: bigint, burned: bigint): void => {
    const cap = capOf(taskId) ?? 0n;
    if (required + burned <= cap) return;
    const error = new BondAboveAcceptedError(
      `Round ${roundId} of task ${taskId} requires a bond of ${required} wei${burned > 0n ? ` after ${burned} wei already burned in the task` : ""}; this aggregator risks at most ${cap} wei in the task.`,
      { details: "not topping up and not posting: the round fails as AggregatorMissing and the bond is untouched. Raise the task's cap (--accept-task T:ETH) to serve it." },
    );
    logger.error("round refused: its bond exceeds what the aggregator risks in the task", { task: taskId, round: roundId, requiredWei: required, burnedWei: burned, acceptedWei: cap, error });
    throw error;
  };

  /**
   * The verifier locks the bond at postAggregate and reverts the posting when it is short of the round's terms or above
   * what the aggregator accepted; so: refuse above the cap, make sure the acceptance is on-chain, then deposit what is
   * missing, which never takes the bond past the cap.
   */
  const topUpBond = async (taskId: bigint, roundId: bigint, mode: string): Promise<void> => {
    const [verification, funds] = await Promise.all([retry(() => runtime.verifier.verification(roundId)), retry(() => runtime.verifier.taskFunds(taskId))]);
    if (mode === "mash") requireWindowLongEnough(taskId, roundId, Number(verification.terms.challengeDuration));
    const required = verification.terms.aggregatorBond;
    requireBondWithinCap(taskId, roundId, required, funds.burned);
    if (required > 0n) await ensureAccepted(taskId);
    if (funds.bond >= required) return;
    const missing = required - funds.bond;
    await sendTransaction(runtime.connection.signer, { action: `depositBond(task ${taskId})`, send: () => runtime.verifier.depositBond(taskId, { value: missing }) });
    logger.info("bond topped up", { task: taskId, round: roundId, depositedWei: missing, bondWei: required });
  };

  /** Both modes start alike: already posted (a restart) → confirm; else the task and the round's global model. */
  const beginAggregation = async (roundId: bigint, modelCid: string): Promise<AggregationStart> => {
    const view = await runtime.coordinator.round(roundId);
    if (view.aggregateCid !== "") return { posted: { aggregateCid: view.aggregateCid, modelCid: view.newModelCid } };
    if (Number(view.phase) !== Phase.Aggregation) throw new AggregatorPhaseError(`Round ${roundId} is not in Aggregation.`, { details: `phase ${view.phase}` });
    const task = await runtime.coordinator.task(view.taskId);
    // A verified round asking for more bond than accepted is refused before any work (and again before the top-up).
    if (Number(task.config.mode) !== Mode.Plain) {
      const [verification, funds] = await Promise.all([retry(() => runtime.verifier.verification(roundId)), retry(() => runtime.verifier.taskFunds(view.taskId))]);
      requireBondWithinCap(view.taskId, roundId, verification.terms.aggregatorBond, funds.burned);
    }
    const modelSize = Number(task.config.modelSize);
    const global = flatTensor(await fetchPayload(runtime.store, modelCid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize), { maxBytes: modelByteLimit(modelSize) }));
    return { task, modelSize, global, started: Date.now() };
  };

  /** Both modes end alike: store aggregate and new model, post both CIDs. */
  const publishAggregate = async (
    roundId: bigint,
    round: { index: number; roundId: string },
    aggregate: Payload,
    newWeights: Float32Array,
    parentCid: string,
    modelKind: string,
    /** MASH: the aggregateHash from the payload's hash (a vector commitment); otherwise the payload's hash itself. */
    aggregateHashOf: (payloadHash: string) => string = (payloadHash) => payloadHash,
  ): Promise<{ aggregateCid: string; modelCid: string }> => {
    const { storedAggregate, model } = await trackStage(parameters.progress, `round ${roundId} uploading the aggregate and model`, async () => ({
      storedAggregate: await putPayload(runtime.store, aggregate),
      model: await putPayload(runtime.store, modelPayload(newWeights, { round: round.index, roundId: round.roundId, parentCid, modelKind })),
    }));
    const aggregateHash = aggregateHashOf(storedAggregate.contentHash);
    await sendTransaction(runtime.connection.signer, {
      action: `postAggregate(round ${roundId})`,
      send: () => runtime.coordinator.postAggregate(roundId, storedAggregate.cid, model.cid, aggregateHash),
    });
    return { aggregateCid: storedAggregate.cid, modelCid: model.cid };
  };

  /** The per-coordinate bound the clients' integer DP noise adds to |Σq| (0 without distributed DP). */
  const noiseBoundOf = (scale: number, clients: number): number => (parameters.dp ? integerNoiseBound({ settings: parameters.dp, scale, clients }) : 0);

  /**
   * What a verified round publishes: the exact sum and its model, or (malicious demo) a tampered one; and the vector
   * its T will be computed from, kept until T is posted.
   */
  const publishable = (
    roundId: bigint,
    result: { sum: Int32Array; averagedDelta: Float32Array; newWeights: Float32Array },
    global: Float32Array,
    scale: number,
    count: number,
    mode: "mash" | "shamir",
  ): { sum: Int32Array; averagedDelta: Float32Array; newWeights: Float32Array; committedSum: Int32Array } => {
    let published = result;
    // MASH "inconsistent" publishes the true sum and commits the root of a tampered one.
    const tamperPublished = malicious === "consistent" || (malicious === "inconsistent" && mode === "shamir");
    if (tamperPublished) {
      const sum = tamperAggregateSum(result.sum);
      published = { sum, ...modelFromAggregateSum({ sum, global, scale, count }) };
    }
    if (malicious) {
      logger.warn("MALICIOUS AGGREGATOR: publishing a tampered aggregate", {
        round: roundId,
        mode: malicious,
        ...(mode === "mash"
          ? {
              aggregateHashCommits:
                malicious === "consistent" ? "the tampered sum's root, which the published payload opens" : "the root of a tampered sum; the payload published is the true sum's (a dispute reaches the tampered leaf)",
            }
          : { batchSumsOf: malicious === "consistent" ? "the tampered sum" : "the true sum" }),
      });
    }
    if (mode === "shamir") writeQuantizedUpdate(batchSumsSourcePath(roundId), malicious === "inconsistent" ? result.sum : published.sum);
    const committedSum = mode === "mash" && malicious === "inconsistent" ? tamperAggregateSum(result.sum) : published.sum;
    // MASH: the committed sum is kept until the round leaves its challenge window, to answer aggregate disputes.
    if (mode === "mash") writeQuantizedUpdate(committedSumPath(roundId), committedSum);
    return { ...published, committedSum };
  };

  /**
   * Both verified modes publish alike once they hold Σq (of `count` updates): the sum to publish (publishable), the
   * bond topped up, then the aggregate as a masked-aggregate payload, so clients and the verification read both
   * modes the same way; its metadata names the round, the mode's own facts (read after the top-up) and the
   * quantization.
   */
  const publishVerifiedAggregate = async (
    round: VerifiedRound,
    start: { task: TaskView; global: Float32Array },
    result: { sum: Int32Array; averagedDelta: Float32Array; newWeights: Float32Array },
    count: number,
    modeMetadata: () => PayloadMetadata | Promise<PayloadMetadata>,
  ): Promise<{ aggregateCid: string; modelCid: string }> => {
    const roundId = BigInt(round.roundId);
    const { task, global } = start;
    const scale = Number(task.config.quantizationScale);
    const published = publishable(roundId, result, global, scale, count, round.mode);
    await topUpBond(BigInt(round.taskId), roundId, round.mode);
    const aggregate = maskedAggregatePayload(published.averagedDelta, published.sum, {
      round: round.index,
      roundId: round.roundId,
      modelKind: task.config.modelKind,
      mode: round.mode,
      ...(await modeMetadata()),
      clip: Number(task.config.clipMillionths) / 1e6,
      scale,
      weighting: "uniform",
    });
    // MASH: the aggregateHash is the Merkle root of the sum (fraud proofs and disputes open its leaves).
    const aggregateHashOf = round.mode === "mash" ? () => aggregateCommitment(published.committedSum) : undefined;
    return publishAggregate(roundId, round, aggregate, published.newWeights, round.modelCid, task.config.modelKind, aggregateHashOf);
  };

  /** MASH: the product of exactly the included members' and the holder's vectors; any bad one spoils the sum. */
  const performMasked = async (action: Extract<MashAggregatorAction, { type: "aggregate-masked" }>, round: MashAggregatorRoundState): Promise<MashAggregatorRoundState | void> => {
    const start = await beginAggregation(action.roundId, action.modelCid);
    if (start.posted) return mashAggregatorHandlers.confirmAggregate(round, start.posted);
    if (action.missing.length > 0) {
      throw new MashContributionInvalidError(`Round ${action.roundId}: no submission seen from ${action.missing.join(", ")}.`);
    }
    const { task, modelSize, global, started } = start;
    const clip = Number(task.config.clipMillionths) / 1e6;
    const scale = Number(task.config.quantizationScale);
    // Each task names its own group on-chain; one aggregator may serve tasks of both.
    const maskGroup: MaskGroup = getMaskGroup(maskGroupIdOf(task.config.maskGroup));
    // At most 4 fetches at a time, each capped at the exact size of a masked vector of this task; an unusable
    // included vector is named and fails the round (the masks cannot cancel without it).
    const masked = await fetchMaskedVectors({
      store: runtime.store,
      roundId: action.roundId,
      contributors: action.contributors,
      modelSize,
      limbsPerElement: maskGroup.limbsPerElement,
      onUnusable: (client, cid, reason) => logger.error("masked update unusable", { round: action.roundId, client, cid, reason }),
    });
    const result = await aggregateMasked({ group: maskGroup, masked, global, clip, scale, noiseBound: noiseBoundOf(scale, masked.length) });
    const included = action.contributors.map((c) => c.client);
    const includedSet = new Set(included.map((a) => a.toLowerCase()));
    const sumPosted = new Set(round.sumPostedGroups ?? []);
    const excluded = Object.entries(round.groups).flatMap(([index, members]) =>
      members
        .filter((m) => !includedSet.has(m.toLowerCase()))
        .map((m) => ({
          client: m,
          group: Number(index),
          reason: !sumPosted.has(Number(index)) ? "GroupShuffleIncomplete" : round.submissions[m.toLowerCase()] ? "GroupExcluded" : "NoSubmission",
        })),
    );
    const posted = await publishVerifiedAggregate(round, start, result, masked.length, () => ({
      maskGroup: maskGroupInfo(maskGroup),
      holder: round.holder ?? null,
      included,
      excluded,
      includedGroups: round.includedGroups ?? [],
    }));
    logger.info("masked aggregate posted", { round: action.roundId, contributors: included.length, excluded: excluded.length, aggregateCid: posted.aggregateCid, ms: Date.now() - started });
    return mashAggregatorHandlers.confirmAggregate(round, posted);
  };

  /**
   * Shamir: wait for the share-sums (all n, or t once the grace period passed), check each against its on-chain
   * commitment (keccak256(payload hash ‖ root), fedmash/shamir-commit/v1) and the frozen client set, interpolate Σq
   * at 0 from t of them (the extra ones are checked for consistency), and publish exactly as a MASH aggregate, so
   * clients and the verification read it the same way.
   */
  const performReconstruct = async (action: Extract<ShamirAggregatorAction, { type: "reconstruct" }>, round: ShamirAggregatorRoundState): Promise<ShamirAggregatorRoundState | void> => {
    const { roundId, taskId } = action;
    const start = await beginAggregation(roundId, action.modelCid);
    if (start.posted) return shamirAggregatorHandlers.confirmAggregate(round, start.posted);
    // Disputes of the round open in Aggregation, after this block or (after a restart) shortly before it.
    const reconstructBlock = await retry(() => runtime.connection.provider.getBlockNumber());
    reconstructing.add(roundId.toString());
    try {
      return await reconstructAndPublish(action, round, start, reconstructBlock);
    } finally {
      reconstructing.delete(roundId.toString());
    }
  };

  const reconstructAndPublish = async (
    action: Extract<ShamirAggregatorAction, { type: "reconstruct" }>,
    round: ShamirAggregatorRoundState,
    start: Extract<AggregationStart, { task: TaskView }>,
    reconstructBlock: number,
  ): Promise<ShamirAggregatorRoundState> => {
    const { roundId, taskId } = action;
    const { task, modelSize, global, started } = start;
    const clip = Number(task.config.clipMillionths) / 1e6;
    const scale = Number(task.config.quantizationScale);
    const servers = (await retry(() => runtime.shamir.servers(taskId))).map((s) => getAddress(s));
    const threshold = Number(await retry(() => runtime.shamir.threshold(taskId)));
    // The frozen set is the chain's: every participant that submitted before Aggregation opened.
    const participants = (await retry(() => runtime.coordinator.participants(roundId))).map((p) => getAddress(p));
    const submitted = await Promise.all(participants.map((p) => retry(() => runtime.coordinator.submission(roundId, p))));
    const included = participants.filter((_, i) => submitted[i]!.submitted);
    const includedKey = included.map((a) => a.toLowerCase()).sort().join(",");
    const view = await retry(() => runtime.coordinator.round(roundId));
    const deadline = Number(view.deadline);
    // The grace period runs on the wall clock from when this aggregator saw Aggregation open (a restart starts it
    // again, still bounded by the deadline): chain time cannot measure it, since it only moves when blocks are made.
    const graceUntil = Date.now() / 1000 + (parameters.shareSumGraceSeconds ?? Number(task.config.aggregateDuration) / 2);

    const usable = new Map<number, ShamirShareSum & { payloadHash: string }>();
    const rejected = new Map<number, string>();
    for (;;) {
      const views = await Promise.all(servers.map((s) => retry(() => runtime.shamir.shareSum(roundId, s))));
      for (const [j, posted] of views.entries()) {
        if (!posted.posted || usable.has(j) || rejected.has(j)) continue;
        try {
          // Checked against the commitment keccak256(payload hash ‖ root of the share-sum), not the plain hash;
          // the payload hash stays with the values: a share-sum dispute opens both.
          const fetched = await fetchShareSum({ store: runtime.store, cid: posted.cid, contentHash: posted.contentHash, modelSize, maxClients: Number(task.config.maxClients) });
          const clients = fetched.clients.map((c) => c.toLowerCase()).sort().join(",");
          if (clients !== includedKey) {
            rejected.set(j, "ShareSumClientSetMismatch");
            logger.error("share-sum rejected: it does not cover exactly the submitted clients", { round: roundId, serverIndex: j, server: servers[j] });
            continue;
          }
          usable.set(j, { serverIndex: j, values: fetched.values, payloadHash: fetched.payloadHash });
        } catch (error) {
          if (!isSenderFault(error)) throw error;
          rejected.set(j, (error as Error).name);
          logger.error("share-sum rejected: its payload is not what the chain recorded", { round: roundId, serverIndex: j, server: servers[j], error });
        }
      }
      // The contract compares the deadline with the next block's timestamp, and a busy Hardhat node stamps blocks
      // max(wall clock, previous + 1), so chain time can run ahead of the wall clock: the deadline comes that much sooner.
      const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
      const now = Date.now() / 1000;
      const chainAhead = Math.max(0, (latest?.timestamp ?? 0) + 1 - now);
      const readiness = shareSumsReady({ posted: usable.size, servers: servers.length - rejected.size, threshold, now, graceUntil, deadline: deadline - chainAhead });
      if (readiness.status === "ready") {
        if (usable.size >= threshold) {
          logger.info("share-sums ready", { round: roundId, usable: usable.size, servers: servers.length, threshold, reason: readiness.reason });
          break;
        }
      }
      if (readiness.status === "too-few" || (readiness.status === "ready" && usable.size < threshold)) {
        throw new ShamirServersMissingError(`Round ${roundId}: ${usable.size} usable share-sums of ${servers.length}, the threshold is ${threshold}.`, {
          details: `rejected: ${[...rejected.entries()].map(([j, why]) => `server ${j} (${why})`).join(", ") || "none"}; the round fails at its Aggregation deadline.`,
        });
      }
      await sleep(500);
    }

    // Share-sums that disagree go to a share-sum dispute first: the servers it slashes (or that stay silent until
    // shortly before the deadline) are left out, so one lying server costs its bond, not the round.
    // One dispute per liar at most: after one, the sums left may still disagree (a second liar that was honest at
    // the first leaf), so it disputes again until they agree, a client fault ends the round's disputes, or nothing
    // is left to dispute.
    const fetchedSums = [...usable.values()];
    for (let attempt = 0; attempt < servers.length; attempt++) {
      const dispute = await openShareDisputeIfInconsistent({ runtime, roundId, threshold, sums: [...usable.values()], servers, deadline, logger });
      if (!dispute) break;
      // The ticker follows it from here: closes it, proves a client fault, opens the next one after a slash.
      shareDisputeRounds.set(roundId.toString(), { roundId, threshold, sums: fetchedSums, servers, fromBlock: Math.max(0, reconstructBlock - SHARE_DISPUTE_LOOKBACK_BLOCKS), failures: 0 });
      if (dispute.clientFault) break;
      const before = usable.size;
      for (const index of dispute.excluded) if (usable.delete(index)) rejected.set(index, "ShareSumDisputed");
      if (usable.size === before) break;
    }
    const bound = shamirFieldBound({ clients: included.length, clip, scale, noiseBound: noiseBoundOf(scale, included.length) });
    const reconstructed = reconstructSum([...usable.values()], { threshold, bound });
    const disagreeing = reconstructed.inconsistentServers.length;
    if (disagreeing > 0 && usable.size < threshold + 2 * disagreeing) {
      throw new ShamirShareSumsDisagreeError(`Round ${roundId}: share-sums of servers ${reconstructed.inconsistentServers.join(", ")} disagree with those of ${reconstructed.usedServers.join(", ")}.`, {
        details: `${usable.size} share-sums cannot locate ${disagreeing} wrong one(s) (that takes t + 2e = ${threshold + 2 * disagreeing}); not posting an aggregate that may be wrong.`,
      });
    }
    if (disagreeing > 0) {
      logger.error("share-sums inconsistent with the reconstructed aggregate: those servers' sums are wrong and were not used", {
        round: roundId,
        inconsistentServers: reconstructed.inconsistentServers,
        usedServers: reconstructed.usedServers,
      });
    }
    const result = { sum: reconstructed.sum, ...modelFromAggregateSum({ sum: reconstructed.sum, global, scale, count: included.length }) };
    const posted = await publishVerifiedAggregate(round, start, result, included.length, async () => {
      const postedServers = await Promise.all(servers.map((s) => retry(() => runtime.shamir.shareSum(roundId, s))));
      return {
        included,
        excluded: participants.filter((_, i) => !submitted[i]!.submitted).map((client) => ({ client, reason: "NoSubmission" })),
        threshold,
        servers: servers.map((address, index) => ({ index, address, posted: postedServers[index]!.posted })),
        reconstructedFrom: reconstructed.usedServers,
        inconsistentServers: reconstructed.inconsistentServers,
        rejectedServers: [...rejected.entries()].map(([index, reason]) => ({ index, reason })),
      };
    });
    logger.info("Shamir aggregate posted", {
      round: roundId,
      contributors: included.length,
      reconstructedFrom: reconstructed.usedServers,
      inconsistentServers: reconstructed.inconsistentServers,
      aggregateCid: posted.aggregateCid,
      ms: Date.now() - started,
    });
    return shamirAggregatorHandlers.confirmAggregate(round, posted);
  };

  /** T: the batch sums of the aggregate's exact sum under σ, which only the aggregate's block fixed. */
  const performPostBatchSums = async (action: Extract<MashAggregatorAction, { type: "post-batch-sums" }>, round: VerifiedRound): Promise<VerifiedRound | void> => {
    const roundId = action.roundId;
    const verification = await retry(() => runtime.verifier.verification(roundId));
    // Already posted (a restart after the transaction): its event moves the round on.
    if (Number(verification.stage) !== VerificationStage.BatchSums) return;
    const seed = await deriveVerificationSeed(runtime, { kind: "sample", blockNumber: action.aggregateBlock, roundId });
    const view = await retry(() => runtime.coordinator.round(roundId));
    const task = await retry(() => runtime.coordinator.task(view.taskId));
    const modelSize = Number(task.config.modelSize);
    const sourcePath = batchSumsSourcePath(roundId);
    // Without the kept vector (state folder lost), the published aggregate's own sum is the honest source.
    const sum = existsSync(sourcePath)
      ? readQuantizedUpdate(sourcePath, modelSize)
      : await fetchAggregateSum({ store: runtime.store, aggregateCid: view.aggregateCid, aggregateHash: view.aggregateHash, modelSize });
    const started = Date.now();
    const packed = encodeBatchSums(batchSums(sum, seed, Number(verification.partitions), Number(verification.batches)));
    const computeMs = Date.now() - started;
    const receipt = await sendSeededTransaction(runtime, { action: `postBatchSums(round ${roundId})`, send: () => runtime.verifier.postBatchSums(roundId, packed) });
    logger.info("batch sums posted", { round: roundId, sampleSeed: seed, partitions: Number(verification.partitions), batches: Number(verification.batches), computeMs, gasUsed: receipt.gasUsed });
    if (malicious) logger.warn("MALICIOUS AGGREGATOR: batch sums posted", { round: roundId, mode: malicious, of: malicious === "consistent" ? "the tampered sum" : "the true sum" });
    return isShamir(round) ? shamirAggregatorHandlers.confirmBatchSums(round, packed) : mashAggregatorHandlers.confirmBatchSums(round, packed);
  };

  /** Every included client committed: settle now rather than wait for the deadline. */
  const performSettle = async (action: Extract<MashAggregatorAction, { type: "settle" }>): Promise<void> => {
    const verification = await retry(() => runtime.verifier.verification(action.roundId));
    if (Number(verification.stage) !== VerificationStage.Commitments) return;
    const receipt = await sendTransaction(runtime.connection.signer, { action: `settle(round ${action.roundId})`, send: () => runtime.verifier.settle(action.roundId, action.batchSums) });
    logger.info("verification settled", { round: action.roundId, committed: Number(verification.committedCount), included: Number(verification.includedCount), gasUsed: receipt.gasUsed });
  };

  const performPlain = async (action: AggregatorAction, round: AggregatorRoundState): Promise<AggregatorRoundState | void> => {
    const start = await beginAggregation(action.roundId, action.modelCid);
    if (start.posted) return aggregatorHandlers.confirmAggregate(round, start.posted);
    const { task, modelSize, global, started } = start;
    // At most 4 fetches at a time, each capped at the exact size of an update of this task; a bad one is excluded by name.
    const fetched = await fetchContributions({
      store: runtime.store,
      items: action.submissions,
      expectations: expectFlat(PayloadKind.Update, DELTA_TENSOR, modelSize),
      maxBytes: updateByteLimit(modelSize),
      check: (payload) => {
        if (!flatTensor(payload).every(Number.isFinite)) throw new UpdateNonFiniteError("it contains NaN or Infinity");
      },
    });
    const updates: PlainUpdate[] = fetched.map((outcome): PlainUpdate => {
      const { item: submission } = outcome;
      if (outcome.error === undefined) return { client: submission.client, numSamples: Number(submission.numSamples), delta: flatTensor(outcome.payload) };
      logger.warn("update rejected", { round: action.roundId, client: submission.client, cid: submission.cid, reason: outcome.error, error: outcome.cause });
      return { client: submission.client, numSamples: Number(submission.numSamples), rejected: outcome.error };
    });
    const result = aggregatePlain({ global, updates, weighting: parameters.weighting ?? "samples" });
    const metadata = {
      round: round.index,
      roundId: round.roundId,
      modelKind: task.config.modelKind,
      included: result.included,
      excluded: result.excluded.map((e) => ({ client: e.client, reason: e.reason })),
      weighting: parameters.weighting ?? "samples",
    };
    const posted = await publishAggregate(action.roundId, round, aggregatePayload(result.averagedDelta, metadata), result.newWeights, action.modelCid, task.config.modelKind);
    logger.info("aggregate posted", {
      round: action.roundId,
      included: result.included.length,
      excluded: result.excluded.length,
      ...posted,
      ms: Date.now() - started,
    });
    return aggregatorHandlers.confirmAggregate(round, posted);
  };

  /**
   * MASH: answers the aggregate disputes of its rounds in the challenge stage from the sum it committed: the sum kept
   * in the state folder when its root is the round's aggregateHash, else the published payload's when it opens that
   * root (an honest aggregator's does). The answerer asks again at most once a minute after a failure.
   */
  // Shamir rounds with a share-sum dispute this aggregator follows from its ticker (followShareDispute), with the
  // share-sums it fetched for them; and the rounds it is reconstructing, whose disputes the aggregation path itself
  // opens and waits for meanwhile (the ticker only closes expired ones then).
  const shareDisputeRounds = new Map<string, FollowedShareDispute>();
  let resumedShareDisputes = false;
  const reconstructing = new Set<string>();
  const disputes = createAggregateDisputeAnswerer({
    runtime,
    committedSum: async (roundId) => {
      const view = await retry(() => runtime.coordinator.round(roundId));
      const modelSize = Number((await retry(() => runtime.coordinator.task(view.taskId))).config.modelSize);
      const path = committedSumPath(roundId);
      return loadCommittedSum({
        roundId,
        aggregateHash: view.aggregateHash,
        kept: () => (existsSync(path) ? readQuantizedUpdate(path, modelSize) : undefined),
        // State folder lost or corrupt: the published payload's sum, when it opens the commitment.
        published: () => fetchAggregateSum({ store: runtime.store, aggregateCid: view.aggregateCid, aggregateHash: view.aggregateHash, modelSize, commitment: "vector" }),
        logger,
      });
    },
  });

  const loop = runRoundLoop<AnyAggregatorRound, AnyAggregatorAction>({
    runtime,
    startBlock: parameters.startBlock,
    observe: (state, event) => {
      if (event.type !== "TaskCreated" || event.aggregator.toLowerCase() !== self) return;
      const cap = capOf(event.taskId);
      if (cap === undefined) {
        logger.warn("task not accepted, ignored: it names this aggregator but is not in --accept-task", { task: event.taskId, mode: event.mode });
        return;
      }
      if (!state.tasks.includes(event.taskId.toString())) {
        state.tasks.push(event.taskId.toString());
        state.taskModes = { ...state.taskModes, [event.taskId.toString()]: event.mode };
        logger.info("serving task", { task: event.taskId, mode: event.mode, maxBondWei: cap });
      }
      // Only MASH and Shamir rounds lock a bond; the opt-in goes on-chain as soon as the task is seen.
      if (event.mode !== Mode.Plain) {
        ensureAccepted(event.taskId).catch((error: unknown) => logger.warn("acceptTask failed; retried before the first aggregate", { task: event.taskId, error }));
      }
    },
    route: (state, event) => {
      // A task served before a restart that dropped it from --accept-task is not served any more.
      const modeOf = (taskId: string): number | undefined =>
        state.tasks.includes(taskId) && capOf(taskId) !== undefined ? (state.taskModes?.[taskId] ?? Mode.Plain) : undefined;
      const mashRounds: Record<string, MashAggregatorRoundState> = {};
      const shamirRounds: Record<string, ShamirAggregatorRoundState> = {};
      const plainRounds: Record<string, AggregatorRoundState> = {};
      for (const [id, round] of Object.entries(state.rounds)) {
        if (isMash(round)) mashRounds[id] = round;
        else if (isShamir(round)) shamirRounds[id] = round;
        else plainRounds[id] = round;
      }
      return (
        routeMashAggregatorEvent(mashRounds, event, (taskId) => modeOf(taskId) === Mode.Mash, self) ??
        routeShamirAggregatorEvent(shamirRounds, event, (taskId) => modeOf(taskId) === Mode.Shamir, self) ??
        routeAggregatorEvent(plainRounds, event, new Set(state.tasks.filter((t) => modeOf(t) === Mode.Plain)))
      );
    },
    pendingAction: (round) => (isMash(round) ? mashAggregatorPendingAction(round) : isShamir(round) ? shamirAggregatorPendingAction(round) : aggregatorPendingAction(round)),
    actionKey: (action) => `${action.type}:${action.roundId}`,
    perform: async (action, round) => {
      switch (action.type) {
        case "aggregate-masked":
          return trackStage(parameters.progress, `round ${action.roundId} aggregating masked updates`, () => performMasked(action, round as MashAggregatorRoundState));
        case "reconstruct":
          return trackStage(parameters.progress, `round ${action.roundId} reconstructing from share-sums`, () => performReconstruct(action, round as ShamirAggregatorRoundState));
        case "post-batch-sums":
          return performPostBatchSums(action, round as VerifiedRound);
        case "settle":
          return performSettle(action);
        case "claim": {
          await claimReward(runtime, action.roundId);
          const verified = round as VerifiedRound;
          return isShamir(verified) ? shamirAggregatorHandlers.confirmClaim(verified) : mashAggregatorHandlers.confirmClaim(verified);
        }
        default:
          return trackStage(parameters.progress, `round ${action.roundId} aggregating updates`, () => performPlain(action, round as AggregatorRoundState));
      }
    },
    keeper: true,
  });

  const collectCredit = createCreditCollector(runtime);
  return withTicker(
    loop,
    async () => {
      // MASH dispute answers first: their steps have deadlines that cost the aggregator its bond when missed.
      const rounds = Object.values(loop.state().rounds).filter(isMash);
      for (const round of rounds) if (round.stage !== "challenge") disputes.forget(round.roundId);
      await disputes.tick(rounds.filter((round) => round.stage === "challenge").map((round) => ({ roundId: round.roundId, aggregateBlock: round.aggregateBlock })));
      // Share-sum disputes this aggregator opened or followed: once a dispute's deadline passed, close it, which slashes
      // the servers that never answered; then, off the aggregation path, prove the client faults a closed dispute ended
      // in, and dispute again after a slash. After a (re)start, first the ones it opened before, read back from the chain.
      if (!resumedShareDisputes) {
        for (const followed of await openedShareDisputes(runtime)) {
          const key = followed.roundId.toString();
          if (!shareDisputeRounds.has(key)) shareDisputeRounds.set(key, { ...followed, failures: 0 });
        }
        resumedShareDisputes = true;
      }
      for (const [key, followed] of [...shareDisputeRounds]) {
        try {
          if (reconstructing.has(key)) await closeShareDisputeIfDue(runtime, followed.roundId);
          else if ((await followShareDispute({ runtime, ...followed })) === "done") shareDisputeRounds.delete(key);
          followed.failures = 0;
        } catch (error) {
          // Transport trouble is retried each tick, but not forever: the round's disputes end by releaseAt anyway.
          followed.failures += 1;
          const giveUp = followed.failures >= MAX_SHARE_DISPUTE_TICK_FAILURES;
          logger.error(giveUp ? "following a share-sum dispute keeps failing; giving the round up" : "following a share-sum dispute failed this tick; trying again in 1 s", { round: key, failures: followed.failures, error });
          if (giveUp) shareDisputeRounds.delete(key);
        }
      }
      // Last, so that a failure here holds up nothing above: half of every bond its share-sum disputes slashed and of
      // every stake its client-fault proofs forfeited.
      await collectCredit();
    },
    (error) => logger.error("the dispute tick failed (aggregate disputes, or reading back the share-sum disputes it opened); trying again in 1 s", { error }),
  );
}
