// The aggregator worker: serves every task that names its account, collects the announced updates, and when a
// round enters Aggregation it aggregates them (plain: FedAvg over the valid updates, a bad one excluded by name;
// MASH: the product of the included masked vectors and its discrete log), stores aggregate and new model, and
// posts both CIDs. In MASH rounds it then tops up its bond first, posts the aggregate's batch sums T under the
// seed of the aggregate's block, settles once every included client committed, and claims its reward. It is
// also a keeper: it advances phases whose deadline passed and settles verifications whose deadline passed.
// `maliciousAggregator` makes it publish a tampered aggregate, for the demo of a failing verification.
import { join } from "node:path";
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
import { tamperAggregateSum } from "../protocol/mash/tamperAggregateSum";
import { modelFromAggregateSum } from "../protocol/mash/modelFromAggregateSum";
import { VerificationStage } from "../protocol/enums";
import { batchSums } from "../crypto/verify/batchSums";
import { encodeBatchSums } from "../crypto/verify/encodeBatchSums";
import { retry } from "../retry";
import { getMaskGroup } from "../crypto/mask/getMaskGroup";
import { UpdateNonFiniteError } from "../ml/errors";
import { fetchPayload } from "../storage/fetchPayload";
import { putPayload } from "../storage/putPayload";
import { PayloadKind, type Payload } from "../storage/payloadFormat";
import { DELTA_TENSOR, MASKED_TENSOR, MODEL_TENSOR, aggregatePayload, expectFlat, expectMasked, flatTensor, maskedAggregatePayload, modelPayload, tensorData } from "./modelPayloads";
import { ensureRegistered, loadOrCreateEciesKeys } from "./ensureRegistered";
import { claimReward } from "./claimReward";
import { deriveVerificationSeed } from "./deriveVerificationSeed";
import { fetchAggregateSum } from "./fetchAggregateSum";
import { readQuantizedUpdate, writeQuantizedUpdate } from "./quantizedUpdateFile";
import { sendSeededTransaction } from "./sendSeededTransaction";
import { existsSync } from "node:fs";
import { runRoundLoop, type RoundLoopHandle } from "./runRoundLoop";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class AggregatorPhaseError extends BaseError {
  override name = "AggregatorPhaseError" as const;
}

export class MashContributionInvalidError extends BaseError {
  override name = "MashContributionInvalidError" as const;
}

/**
 * How the demo's malicious aggregator cheats. Both publish a tampered aggregate (+1 on a few hundred coordinates
 * of Σg, and the float delta and model to match). "consistent" posts T of the tampered sum: the clients' check
 * passes, the contract's fails and the bond is slashed. "inconsistent" posts the true T: the contract's check
 * passes, every honest client disputes, and the round fails as AggregateDisputed.
 */
export type MaliciousAggregatorMode = "consistent" | "inconsistent";

type TaskView = Awaited<ReturnType<WorkerRuntime["coordinator"]["task"]>>;
type AggregationStart =
  | { posted: { aggregateCid: string; modelCid: string } }
  | { posted?: undefined; task: TaskView; modelSize: number; global: Float32Array; started: number };

type AnyAggregatorRound = AggregatorRoundState | MashAggregatorRoundState;
type AnyAggregatorAction = AggregatorAction | MashAggregatorAction;

const isMash = (round: AnyAggregatorRound): round is MashAggregatorRoundState => "mode" in round && round.mode === "mash";

export interface RunAggregatorParameters {
  runtime: WorkerRuntime;
  startBlock?: number;
  weighting?: "samples" | "uniform";
  /** Demo only: cheat in every MASH round (see MaliciousAggregatorMode). */
  maliciousAggregator?: MaliciousAggregatorMode;
}

export async function runAggregator(parameters: RunAggregatorParameters): Promise<RoundLoopHandle<AnyAggregatorRound>> {
  const { runtime } = parameters;
  const { logger } = runtime;
  const keys = loadOrCreateEciesKeys(runtime.config.stateDir);
  await ensureRegistered(runtime, Role.Aggregator, keys);
  const self = runtime.connection.address.toLowerCase();

  const maskGroup = getMaskGroup("paper-compat");
  const malicious = parameters.maliciousAggregator;
  if (malicious) {
    logger.warn("MALICIOUS AGGREGATOR: every MASH aggregate this worker publishes is tampered (demo of a failing verification)", { mode: malicious });
  }
  /** The vector T is computed from, kept from aggregation until T is posted (the true Σg is gone after that). */
  const batchSumsSourcePath = (roundId: bigint): string => join(runtime.config.stateDir, `batch-sums-source-round-${roundId}.bin`);

  /** The verifier locks the bond at postAggregate and reverts the posting when it is short of the round's terms. */
  const topUpBond = async (taskId: bigint, roundId: bigint): Promise<void> => {
    const [verification, funds] = await Promise.all([retry(() => runtime.verifier.verification(roundId)), retry(() => runtime.verifier.taskFunds(taskId))]);
    const required = verification.terms.aggregatorBond;
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
    const modelSize = Number(task.config.modelSize);
    const global = flatTensor(await fetchPayload(runtime.store, modelCid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize)));
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
  ): Promise<{ aggregateCid: string; modelCid: string }> => {
    const storedAggregate = await putPayload(runtime.store, aggregate);
    const model = await putPayload(runtime.store, modelPayload(newWeights, { round: round.index, roundId: round.roundId, parentCid, modelKind }));
    await sendTransaction(runtime.connection.signer, {
      action: `postAggregate(round ${roundId})`,
      send: () => runtime.coordinator.postAggregate(roundId, storedAggregate.cid, model.cid, storedAggregate.contentHash),
    });
    return { aggregateCid: storedAggregate.cid, modelCid: model.cid };
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
    const masked = await Promise.all(
      action.contributors.map(async (submission) => {
        try {
          const payload = await fetchPayload(runtime.store, submission.cid, submission.contentHash, expectMasked(modelSize, maskGroup.limbsPerElement), { timeoutMs: 30_000 });
          return tensorData(payload, MASKED_TENSOR) as Uint32Array;
        } catch (error) {
          throw new MashContributionInvalidError(`Round ${action.roundId}: the masked update of ${submission.client} is unusable, so the masks cannot cancel.`, {
            details: "MASH needs every included vector; the round ends as AggregatorMissing at the deadline.",
            cause: error,
          });
        }
      }),
    );
    const result = await aggregateMasked({ group: maskGroup, masked, global, clip, scale });
    let published = result;
    if (malicious) {
      const sum = tamperAggregateSum(result.sum);
      published = { sum, ...modelFromAggregateSum({ sum, global, scale, count: masked.length }) };
      logger.warn("MALICIOUS AGGREGATOR: publishing a tampered aggregate", {
        round: action.roundId,
        mode: malicious,
        batchSumsOf: malicious === "consistent" ? "the tampered sum" : "the true sum",
      });
    }
    writeQuantizedUpdate(batchSumsSourcePath(action.roundId), malicious === "inconsistent" ? result.sum : published.sum);
    await topUpBond(BigInt(round.taskId), action.roundId);
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
    const posted = await publishAggregate(
      action.roundId,
      round,
      maskedAggregatePayload(published.averagedDelta, published.sum, {
        round: round.index,
        roundId: round.roundId,
        modelKind: task.config.modelKind,
        mode: "mash",
        maskGroup: maskGroup.id,
        holder: round.holder ?? null,
        included,
        excluded,
        includedGroups: round.includedGroups ?? [],
        clip,
        scale,
        weighting: "uniform",
      }),
      published.newWeights,
      action.modelCid,
      task.config.modelKind,
    );
    logger.info("masked aggregate posted", { round: action.roundId, contributors: included.length, excluded: excluded.length, aggregateCid: posted.aggregateCid, ms: Date.now() - started });
    return mashAggregatorHandlers.confirmAggregate(round, posted);
  };

  /** T: the batch sums of the aggregate's exact sum under σ, which only the aggregate's block fixed. */
  const performPostBatchSums = async (action: Extract<MashAggregatorAction, { type: "post-batch-sums" }>, round: MashAggregatorRoundState): Promise<MashAggregatorRoundState | void> => {
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
    return mashAggregatorHandlers.confirmBatchSums(round, packed);
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
    const updates: PlainUpdate[] = await Promise.all(
      action.submissions.map(async (submission): Promise<PlainUpdate> => {
        try {
          const payload = await fetchPayload(runtime.store, submission.cid, submission.contentHash, expectFlat(PayloadKind.Update, DELTA_TENSOR, modelSize), {
            timeoutMs: 30_000,
          });
          const delta = flatTensor(payload);
          if (!delta.every(Number.isFinite)) throw new UpdateNonFiniteError("it contains NaN or Infinity");
          return { client: submission.client, numSamples: Number(submission.numSamples), delta };
        } catch (error) {
          logger.warn("update rejected", { round: action.roundId, client: submission.client, cid: submission.cid, error });
          return { client: submission.client, numSamples: Number(submission.numSamples), rejected: error instanceof Error ? error.name : "Error" };
        }
      }),
    );
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

  return runRoundLoop<AnyAggregatorRound, AnyAggregatorAction>({
    runtime,
    startBlock: parameters.startBlock,
    observe: (state, event) => {
      if (event.type === "TaskCreated" && event.aggregator.toLowerCase() === self && !state.tasks.includes(event.taskId.toString())) {
        state.tasks.push(event.taskId.toString());
        state.taskModes = { ...state.taskModes, [event.taskId.toString()]: event.mode };
        logger.info("serving task", { task: event.taskId, mode: event.mode });
      }
    },
    route: (state, event) => {
      const modeOf = (taskId: string): number | undefined => (state.tasks.includes(taskId) ? (state.taskModes?.[taskId] ?? Mode.Plain) : undefined);
      const mashRounds: Record<string, MashAggregatorRoundState> = {};
      const plainRounds: Record<string, AggregatorRoundState> = {};
      for (const [id, round] of Object.entries(state.rounds)) {
        if (isMash(round)) mashRounds[id] = round;
        else plainRounds[id] = round;
      }
      return (
        routeMashAggregatorEvent(mashRounds, event, (taskId) => modeOf(taskId) === Mode.Mash, self) ??
        routeAggregatorEvent(plainRounds, event, new Set(state.tasks.filter((t) => modeOf(t) === Mode.Plain)))
      );
    },
    pendingAction: (round) => (isMash(round) ? mashAggregatorPendingAction(round) : aggregatorPendingAction(round)),
    actionKey: (action) => `${action.type}:${action.roundId}`,
    perform: async (action, round) => {
      switch (action.type) {
        case "aggregate-masked":
          return performMasked(action, round as MashAggregatorRoundState);
        case "post-batch-sums":
          return performPostBatchSums(action, round as MashAggregatorRoundState);
        case "settle":
          return performSettle(action);
        case "claim":
          await claimReward(runtime, action.roundId);
          return mashAggregatorHandlers.confirmClaim(round as MashAggregatorRoundState);
        default:
          return performPlain(action, round as AggregatorRoundState);
      }
    },
    keeper: true,
  });
}
