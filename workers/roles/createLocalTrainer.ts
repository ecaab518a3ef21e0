// A client's local training, shared by every mode: pick the TF.js backend, load MNIST, take this client's
// partition, and turn a global model into (delta, sample count, loss). The modes differ only in what they do
// with the delta (send it in the clear, mask it, or share it).
import { createModel } from "../ml/createModel";
import { initBackend, type BackendName } from "../ml/initBackend";
import { loadMnist } from "../ml/loadMnist";
import { partitionIid } from "../ml/partitionIid";
import { partitionDirichlet } from "../ml/partitionDirichlet";
import { setFlatWeights } from "../ml/setFlatWeights";
import { getFlatWeights } from "../ml/getFlatWeights";
import { trainLocal } from "../ml/trainLocal";
import { computeDelta } from "../ml/computeDelta";
import type { ModelKind } from "../ml/modelLayout";
import { BaseError } from "../errors";
import type { TrainingProgressCallback } from "../progress/trainingProgressReporter";

export class ClientConfigError extends BaseError {
  override name = "ClientConfigError" as const;
}

export interface ClientTrainingConfig {
  index: number;
  numClients: number;
  partition: "iid" | "dirichlet";
  alpha: number;
  dataSeed: number;
  samplesPerClient: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  backend?: "auto" | BackendName;
  /** Batch by batch, with the round key trained for: the CLI's live training bar. */
  onProgress?: TrainingProgressCallback;
}

export interface LocalTrainingResult {
  delta: Float32Array;
  numSamples: number;
  loss: number;
  durationMs: number;
}

export interface LocalTrainer {
  backend: BackendName;
  samples: number;
  /** Trains from `globalWeights`; `roundKey` seeds the batch order so a retried round trains identically. */
  train(globalWeights: Float32Array, roundKey: string): Promise<LocalTrainingResult>;
}

export async function createLocalTrainer(modelKind: ModelKind, training: ClientTrainingConfig): Promise<LocalTrainer> {
  const backend = await initBackend({ preferred: training.backend ?? "auto", model: modelKind });
  const trainSet = await loadMnist({ split: "train" });
  const rows =
    training.partition === "dirichlet"
      ? partitionDirichlet(trainSet.labels, training.numClients, training.alpha, training.samplesPerClient, training.dataSeed)
      : partitionIid(trainSet.labels, training.numClients, training.samplesPerClient, training.dataSeed);
  const indices = rows[training.index];
  if (!indices) throw new ClientConfigError(`Client index ${training.index} is outside 0..${training.numClients - 1}.`);
  const model = createModel(modelKind, 0);
  return {
    backend,
    samples: indices.length,
    train: async (globalWeights, roundKey) => {
      setFlatWeights(model, globalWeights);
      const result = await trainLocal({
        model,
        images: trainSet.images,
        labels: trainSet.labels,
        indices,
        epochs: training.epochs,
        batchSize: training.batchSize,
        learningRate: training.learningRate,
        seed: `${training.dataSeed}:${training.index}:${roundKey}`,
        onProgress: training.onProgress && ((progress) => training.onProgress?.(progress, roundKey)),
      });
      return { delta: computeDelta(getFlatWeights(model), globalWeights), numSamples: result.numSamples, loss: result.loss, durationMs: result.durationMs };
    },
  };
}
