// The client worker of plain mode: joins its task's rounds, trains the round's global model on its own MNIST
// partition, clips and noises it when DP is on (privatizeDelta), and submits the update (CID + content hash
// on-chain, bytes in the store). Wires the pure client state machine to events, transactions, the store and
// TensorFlow.js.
import { BaseError } from "../errors";
import { sendTransaction } from "../chain/sendTransaction";
import { Phase, Role } from "../protocol/enums";
import { lossToFixed } from "../protocol/events";
import {
  clientHandlers,
  clientPendingAction,
  routeClientEvent,
  type ClientAction,
  type ClientRoundState,
} from "../protocol/plain/clientMachine";
import type { ModelKind } from "../ml/modelLayout";
import { parseDpSettings, type DpSettings } from "../ml/dp/parseDpSettings";
import { fetchPayload } from "../storage/fetchPayload";
import { modelByteLimit } from "./payloadLimits";
import { putPayload } from "../storage/putPayload";
import type { ProgressBars } from "../progress/createProgress";
import { trackStage } from "../progress/trackStage";
import { encodePayload } from "../storage/encodePayload";
import { PayloadKind } from "../storage/payloadFormat";
import { payloadHash } from "../storage/payloadHash";
import { MODEL_TENSOR, expectFlat, flatTensor, updatePayload } from "./modelPayloads";
import { ensureRegistered, loadOrCreateEciesKeys } from "./ensureRegistered";
import { joinRound } from "./joinRound";
import { createLocalTrainer, type ClientTrainingConfig } from "./createLocalTrainer";
import { runRoundLoop, type RoundLoopHandle } from "./runRoundLoop";
import { privatizeDelta } from "./privatizeUpdate";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class ClientTooLateError extends BaseError {
  override name = "ClientTooLateError" as const;
}

/** Deliberately bad payloads, to show that the aggregator rejects them by name and the round goes on. */
export type ClientFault = "none" | "corrupt-update" | "truncated-update" | "wrong-length";

export interface RunClientParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  training: ClientTrainingConfig;
  startBlock?: number;
  fault?: ClientFault;
  /** Differential privacy: L2 clip + noise (docs/PRIVACY.md); none when absent. */
  dp?: DpSettings;
  /** N for distributed noise: each client adds 1/N of the noise variance; defaults to the task's minClients. */
  expectedClients?: number;
  /** A live line while the update uploads (the CLI's progress). */
  progress?: ProgressBars;
  /** The most wei this client keeps staked for the task (--max-stake): joinRound stakes up to it when the task asks; 0 never. */
  maxStake?: bigint;
}

async function storeFaultyUpdate(runtime: WorkerRuntime, fault: ClientFault, delta: Float32Array): Promise<{ cid: string; hash: string }> {
  const wrong = fault === "wrong-length" ? delta.subarray(0, delta.length - 1) : delta;
  let bytes = encodePayload(updatePayload(wrong, { fault }));
  if (fault === "truncated-update") bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
  if (fault === "corrupt-update") {
    bytes = bytes.slice();
    bytes.fill(0xff, 0, 8);
  }
  const cid = await runtime.store.put(bytes);
  return { cid, hash: payloadHash(bytes) };
}

export async function runClient(parameters: RunClientParameters): Promise<RoundLoopHandle<ClientRoundState>> {
  const { runtime, taskId, training } = parameters;
  const { logger } = runtime;
  const keys = loadOrCreateEciesKeys(runtime.config.stateDir);
  await ensureRegistered(runtime, Role.Client, keys);

  const taskView = await runtime.coordinator.task(taskId);
  const modelKind = taskView.config.modelKind as ModelKind;
  const modelSize = Number(taskView.config.modelSize);
  const trainer = await createLocalTrainer(modelKind, training);
  // Checked before the first round, so bad settings stop the worker with a DpSettingsError instead of a round.
  const dp = parameters.dp === undefined ? undefined : parseDpSettings(parameters.dp);
  const dpClients = parameters.expectedClients ?? Number(taskView.config.minClients);
  logger.info("client ready", { task: taskId, model: modelKind, backend: trainer.backend, samples: trainer.samples, ...(dp ? { dp: dp.mechanism, noiseMultiplier: dp.noiseMultiplier, dpClip: dp.clip, dpClients } : {}) });

  const self = runtime.connection.address;
  const perform = async (action: ClientAction, round: ClientRoundState): Promise<ClientRoundState | void> => {
    if (action.type === "join") {
      // A refused admission sits the round out like a missed join (plain rounds have no refusal stage).
      return (await joinRound({ runtime, taskId, roundId: action.roundId, maxStake: parameters.maxStake })) === "joined" ? clientHandlers.confirmJoin(round) : clientHandlers.missJoin(round);
    }

    const existing = await runtime.coordinator.submission(action.roundId, self);
    if (existing.submitted) return clientHandlers.confirmSubmission(round, existing.cid);
    const phase = Number(await runtime.coordinator.phase(action.roundId));
    if (phase !== Phase.Submission) throw new ClientTooLateError(`Round ${action.roundId} is no longer accepting updates.`, { details: `phase ${phase}` });

    const started = Date.now();
    const globalPayload = await fetchPayload(runtime.store, action.modelCid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize), { maxBytes: modelByteLimit(modelSize) });
    const globalWeights = flatTensor(globalPayload);
    const result = await trainer.train(globalWeights, action.roundId.toString());
    // Plain mode releases each update to the aggregator as is, so all of its noise is added here, in floats.
    const delta = dp ? privatizeDelta(result.delta, { dp, clients: dpClients, secure: false }) : result.delta;
    const fault = parameters.fault ?? "none";
    const stored = await trackStage(parameters.progress, `round ${action.roundId} uploading the update`, () =>
      fault === "none"
        ? putPayload(
            runtime.store,
            updatePayload(delta, { round: round.index, roundId: round.roundId, modelKind, numSamples: result.numSamples, loss: result.loss }),
          ).then((p) => ({ cid: p.cid, hash: p.contentHash }))
        : storeFaultyUpdate(runtime, fault, delta),
    );
    await sendTransaction(runtime.connection.signer, {
      action: `submitUpdate(round ${action.roundId})`,
      send: () => runtime.coordinator.submitUpdate(action.roundId, stored.cid, stored.hash, BigInt(result.numSamples), lossToFixed(result.loss)),
    });
    logger.info("update submitted", {
      round: action.roundId,
      cid: stored.cid,
      loss: Number(result.loss.toFixed(4)),
      trainMs: result.durationMs,
      totalMs: Date.now() - started,
      ...(fault === "none" ? {} : { fault }),
    });
    return clientHandlers.confirmSubmission(round, stored.cid);
  };

  return runRoundLoop<ClientRoundState, ClientAction>({
    runtime,
    startBlock: parameters.startBlock,
    initialTasks: [taskId.toString()],
    route: (state, event) => routeClientEvent(state.rounds, event, { address: self, taskId }),
    pendingAction: clientPendingAction,
    actionKey: (action) => `${action.type}:${action.roundId}`,
    perform,
    onRoundChange: (round) => logger.debug("round stage", { round: round.roundId, stage: round.stage }),
  });
}
