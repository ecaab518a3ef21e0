// The task owner: publishes the initial model, creates the task, then opens rounds one after another with the
// latest global model, keeps every round moving (advance after a deadline), and measures each new model on
// the MNIST test set. Used by the demo and by `fedmash owner`.
import { ZeroAddress, type ContractTransactionReceipt } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { enumName, FailureReason, isTerminalPhase, Mode, Phase, Role } from "../protocol/enums";
import { isAdvanceDue } from "../protocol/keeper";
import { lossFromFixed } from "../protocol/events";
import { createModel } from "../ml/createModel";
import { evaluateModel } from "../ml/evaluateModel";
import { initialWeights } from "../ml/initialWeights";
import { loadMnist, type MnistDataset } from "../ml/loadMnist";
import { setFlatWeights } from "../ml/setFlatWeights";
import type { ModelKind } from "../ml/modelLayout";
import { modelParameterCount } from "../ml/modelParameterCount";
import { fetchPayload } from "../storage/fetchPayload";
import { putPayload } from "../storage/putPayload";
import { PayloadKind, type JsonValue } from "../storage/payloadFormat";
import { sleep } from "../retry";
import { MODEL_TENSOR, expectFlat, flatTensor, modelPayload } from "./modelPayloads";
import type { WorkerRuntime } from "./openWorkerRuntime";
import { waitForRegistration } from "./waitForRegistration";

export class TaskEventMissingError extends BaseError {
  override name = "TaskEventMissingError" as const;
}

export interface MashSettings {
  groupSize: number;
  clip: number;
  scale: number;
  keyDurationSeconds: number;
  shuffleDurationSeconds: number;
  completionDurationSeconds: number;
}

export interface TaskSettings {
  mode: "plain" | "mash";
  /** Required for mode mash. */
  mash?: MashSettings;
  modelKind: ModelKind;
  aggregator: string;
  minClients: number;
  maxClients: number;
  joinDurationSeconds: number;
  submitDurationSeconds: number;
  aggregateDurationSeconds: number;
  modelSeed: number;
}

export interface RoundReport {
  round: number;
  roundId: string;
  phase: string;
  failureReason?: string;
  accuracy: number | null;
  loss: number | null;
  trainLoss: number | null;
  modelCid: string;
  aggregateCid: string | null;
  included: string[];
  excluded: { client: string; reason: string }[];
  joined: number;
  submitted: number;
  durationMs: number;
  /** MASH rounds: the total-sum holder and every group with its members and outcome. */
  holder?: string | null;
  groups?: { index: number; members: string[]; sumPosted: boolean; included: boolean }[];
}

export interface RoundProgress {
  round: number;
  roundId: bigint;
  phase: Phase;
  joined: number;
  submitted: number;
  deadline: bigint;
}

export interface RunTaskParameters {
  runtime: WorkerRuntime;
  settings: TaskSettings;
  rounds: number;
  /** Existing task to continue; when omitted a new one is created. */
  taskId?: bigint;
  onTaskCreated?: (taskId: bigint, initialModelCid: string) => void | Promise<void>;
  /** How long to wait for the aggregator to register before creating the task (workers start in any order). */
  aggregatorWaitMs?: number;
  onProgress?: (progress: RoundProgress) => void;
  onRoundDone?: (report: RoundReport) => void;
  signal?: AbortSignal;
}

function eventArg(receipt: ContractTransactionReceipt, runtime: WorkerRuntime, eventName: string, arg: string): bigint {
  for (const log of receipt.logs) {
    const parsed = runtime.coordinator.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === eventName) return parsed.args.getValue(arg) as bigint;
  }
  throw new TaskEventMissingError(`The receipt of ${eventName}'s transaction has no ${eventName} event.`);
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function exclusionList(value: JsonValue | undefined): { client: string; reason: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) =>
    entry && typeof entry === "object" && !Array.isArray(entry) && typeof entry.client === "string"
      ? [{ client: entry.client, reason: String(entry.reason ?? "unknown") }]
      : [],
  );
}

export class TaskAggregatorNotRegisteredError extends BaseError {
  override name = "TaskAggregatorNotRegisteredError" as const;
}

async function mashRoundDetails(runtime: WorkerRuntime, roundId: bigint): Promise<Pick<RoundReport, "holder" | "groups">> {
  const view = await runtime.coordinator.mashRound(roundId);
  const groups = await Promise.all(
    Array.from({ length: Number(view.groupCount) }, async (_, index) => {
      const group = await runtime.coordinator.group(roundId, index);
      return { index, members: [...group.members], sumPosted: group.sumPosted, included: group.included };
    }),
  );
  return { holder: view.holder === ZeroAddress ? null : view.holder, groups };
}

export async function runTask(parameters: RunTaskParameters): Promise<{ taskId: bigint; rounds: RoundReport[] }> {
  const { runtime, settings } = parameters;
  const coordinator = runtime.coordinator;
  const modelSize = modelParameterCount(settings.modelKind);
  let testSet: MnistDataset | undefined;
  const evaluator = createModel(settings.modelKind, settings.modelSeed);

  let taskId = parameters.taskId;
  let currentModelCid: string;
  if (taskId === undefined) {
    let announced = false;
    await waitForRegistration({
      runtime,
      accounts: [settings.aggregator],
      role: Role.Aggregator,
      timeoutMs: parameters.aggregatorWaitMs ?? 0,
      pollMs: 1_000,
      onWait: () => {
        if (!announced) runtime.logger.info("waiting for the aggregator to register", { aggregator: settings.aggregator });
        announced = true;
      },
      onTimeout: () =>
        new TaskAggregatorNotRegisteredError(`${settings.aggregator} is not a registered, active aggregator.`, {
          details: "Start `fedmash aggregator` with that account first, or pass --aggregator with the right address.",
        }),
    });
    const initial = await putPayload(runtime.store, modelPayload(initialWeights(settings.modelKind, settings.modelSeed), { round: 0, modelKind: settings.modelKind, seed: settings.modelSeed }));
    currentModelCid = initial.cid;
    const receipt = await sendTransaction(runtime.connection.signer, {
      action: "createTask",
      send: () =>
        coordinator.createTask(
          {
            mode: settings.mode === "mash" ? Mode.Mash : Mode.Plain,
            aggregator: settings.aggregator,
            modelSize,
            minClients: settings.minClients,
            maxClients: settings.maxClients,
            joinDuration: settings.joinDurationSeconds,
            submitDuration: settings.submitDurationSeconds,
            aggregateDuration: settings.aggregateDurationSeconds,
            modelKind: settings.modelKind,
            groupSize: settings.mash?.groupSize ?? 0,
            quantizationScale: settings.mash?.scale ?? 0,
            clipMillionths: settings.mash ? Math.round(settings.mash.clip * 1e6) : 0,
            keyDuration: settings.mash?.keyDurationSeconds ?? 0,
            shuffleDuration: settings.mash?.shuffleDurationSeconds ?? 0,
            completionDuration: settings.mash?.completionDurationSeconds ?? 0,
          },
          initial.cid,
        ),
    });
    taskId = eventArg(receipt, runtime, "TaskCreated", "taskId");
    runtime.logger.info("task created", { task: taskId, initialModelCid: initial.cid });
    await parameters.onTaskCreated?.(taskId, initial.cid);
  } else {
    currentModelCid = (await coordinator.task(taskId)).currentModelCid;
  }

  const reports: RoundReport[] = [];
  for (let r = 0; r < parameters.rounds; r++) {
    if (parameters.signal?.aborted) break;
    const started = Date.now();
    const receipt = await sendTransaction(runtime.connection.signer, {
      action: "openRound",
      send: () => coordinator.openRound(taskId, currentModelCid),
    });
    const roundId = eventArg(receipt, runtime, "RoundOpened", "roundId");
    const index = Number(eventArg(receipt, runtime, "RoundOpened", "index"));
    runtime.logger.info("round opened", { round: index, roundId, modelCid: currentModelCid });

    let lastKey = "";
    let view = await coordinator.round(roundId);
    while (!isTerminalPhase(Number(view.phase) as Phase)) {
      if (parameters.signal?.aborted) break;
      const phase = Number(view.phase) as Phase;
      const key = `${phase}:${view.joinedCount}:${view.submittedCount}`;
      if (key !== lastKey) {
        lastKey = key;
        parameters.onProgress?.({ round: index, roundId, phase, joined: Number(view.joinedCount), submitted: Number(view.submittedCount), deadline: view.deadline });
      }
      if (isAdvanceDue({ phase, deadline: view.deadline, now: BigInt(Math.floor(Date.now() / 1000)) })) {
        await sendTransaction(runtime.connection.signer, { action: `advance(round ${roundId})`, send: () => coordinator.advance(roundId) }).catch((error: unknown) =>
          runtime.logger.debug("advance not accepted", { roundId, error }),
        );
      }
      await sleep(250);
      view = await coordinator.round(roundId);
    }

    const phase = Number(view.phase) as Phase;
    parameters.onProgress?.({ round: index, roundId, phase, joined: Number(view.joinedCount), submitted: Number(view.submittedCount), deadline: 0n });
    const report: RoundReport = {
      round: index,
      roundId: roundId.toString(),
      phase: String(enumName(Phase, phase)),
      accuracy: null,
      loss: null,
      trainLoss: null,
      modelCid: currentModelCid,
      aggregateCid: null,
      included: [],
      excluded: [],
      joined: Number(view.joinedCount),
      submitted: Number(view.submittedCount),
      durationMs: 0,
    };
    if (phase === Phase.Finalized) {
      const newModel = await fetchPayload(runtime.store, view.newModelCid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize));
      const aggregate = await fetchPayload(runtime.store, view.aggregateCid, view.aggregateHash, { kind: PayloadKind.Aggregate });
      testSet ??= await loadMnist({ split: "test" });
      setFlatWeights(evaluator, flatTensor(newModel));
      const metrics = evaluateModel(evaluator, testSet);
      const participants = await coordinator.participants(roundId);
      const losses = await Promise.all(participants.map((p) => coordinator.submission(roundId, p)));
      const submitted = losses.filter((s) => s.submitted);
      const included = stringList(aggregate.metadata.included);
      const excluded = exclusionList(aggregate.metadata.excluded);
      const accounted = new Set([...included, ...excluded.map((e) => e.client)].map((a) => a.toLowerCase()));
      for (const participant of participants) {
        if (!accounted.has(participant.toLowerCase())) excluded.push({ client: participant, reason: "NoSubmission" });
      }
      currentModelCid = view.newModelCid;
      Object.assign(report, {
        accuracy: metrics.accuracy,
        loss: metrics.loss,
        trainLoss: submitted.length ? submitted.reduce((sum, s) => sum + lossFromFixed(s.loss), 0) / submitted.length : null,
        modelCid: view.newModelCid,
        aggregateCid: view.aggregateCid,
        included,
        excluded,
      });
    } else {
      report.failureReason = String(enumName(FailureReason, Number(view.failureReason)));
    }
    if (settings.mode === "mash") Object.assign(report, await mashRoundDetails(runtime, roundId));
    report.durationMs = Date.now() - started;
    reports.push(report);
    parameters.onRoundDone?.(report);
    runtime.logger.info("round closed", { round: index, phase: report.phase, accuracy: report.accuracy, failureReason: report.failureReason });
  }
  return { taskId, rounds: reports };
}
