// The aggregator worker of plain mode: serves every task that names its account, collects the announced updates,
// and when a round enters Aggregation it fetches each update, checks its hash and shape, averages the valid
// ones (FedAvg), stores aggregate and new model, and posts both CIDs. A bad update is excluded by name and the
// round goes on. It is also a keeper: it advances phases whose deadline passed.
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { Phase, Role } from "../protocol/enums";
import {
  aggregatorHandlers,
  aggregatorPendingAction,
  routeAggregatorEvent,
  type AggregatorAction,
  type AggregatorRoundState,
} from "../protocol/plain/aggregatorMachine";
import { aggregatePlain, type PlainUpdate } from "../protocol/plain/aggregatePlain";
import { UpdateNonFiniteError } from "../ml/errors";
import { fetchPayload } from "../storage/fetchPayload";
import { putPayload } from "../storage/putPayload";
import { PayloadKind } from "../storage/payloadFormat";
import { DELTA_TENSOR, MODEL_TENSOR, aggregatePayload, expectFlat, flatTensor, modelPayload } from "./modelPayloads";
import { ensureRegistered, loadOrCreateEciesKeys } from "./ensureRegistered";
import { runRoundLoop, type RoundLoopHandle } from "./runRoundLoop";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class AggregatorPhaseError extends BaseError {
  override name = "AggregatorPhaseError" as const;
}

export interface RunAggregatorParameters {
  runtime: WorkerRuntime;
  startBlock?: number;
  weighting?: "samples" | "uniform";
}

export async function runAggregator(parameters: RunAggregatorParameters): Promise<RoundLoopHandle<AggregatorRoundState>> {
  const { runtime } = parameters;
  const { logger } = runtime;
  const keys = loadOrCreateEciesKeys(runtime.config.stateDir);
  await ensureRegistered(runtime, Role.Aggregator, keys);
  const self = runtime.connection.address.toLowerCase();

  const perform = async (action: AggregatorAction, round: AggregatorRoundState): Promise<AggregatorRoundState | void> => {
    const view = await runtime.coordinator.round(action.roundId);
    const phase = Number(view.phase) as Phase;
    if (view.aggregateCid !== "") return aggregatorHandlers.confirmAggregate(round, { aggregateCid: view.aggregateCid, modelCid: view.newModelCid });
    if (phase !== Phase.Aggregation) throw new AggregatorPhaseError(`Round ${action.roundId} is not in Aggregation.`, { details: `phase ${phase}` });
    const task = await runtime.coordinator.task(view.taskId);
    const modelSize = Number(task.config.modelSize);
    const started = Date.now();

    const global = flatTensor(await fetchPayload(runtime.store, action.modelCid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize)));
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
    const aggregate = await putPayload(runtime.store, aggregatePayload(result.averagedDelta, metadata));
    const model = await putPayload(runtime.store, modelPayload(result.newWeights, { round: round.index, roundId: round.roundId, parentCid: action.modelCid, modelKind: task.config.modelKind }));
    await sendTransaction(runtime.connection.signer, {
      action: `postAggregate(round ${action.roundId})`,
      send: () => runtime.coordinator.postAggregate(action.roundId, aggregate.cid, model.cid, aggregate.contentHash),
    });
    logger.info("aggregate posted", {
      round: action.roundId,
      included: result.included.length,
      excluded: result.excluded.length,
      aggregateCid: aggregate.cid,
      modelCid: model.cid,
      ms: Date.now() - started,
    });
    return aggregatorHandlers.confirmAggregate(round, { aggregateCid: aggregate.cid, modelCid: model.cid });
  };

  return runRoundLoop<AggregatorRoundState, AggregatorAction>({
    runtime,
    startBlock: parameters.startBlock,
    observe: (state, event) => {
      if (event.type === "TaskCreated" && event.aggregator.toLowerCase() === self && !state.tasks.includes(event.taskId.toString())) {
        state.tasks.push(event.taskId.toString());
        logger.info("serving task", { task: event.taskId });
      }
    },
    route: (state, event) => routeAggregatorEvent(state.rounds, event, new Set(state.tasks)),
    pendingAction: aggregatorPendingAction,
    actionKey: (action) => `${action.type}:${action.roundId}`,
    perform,
    keeper: true,
  });
}
