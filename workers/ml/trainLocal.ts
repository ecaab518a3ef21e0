// A client's local training for one FL round: minibatch SGD over its own sample indices, in an order drawn
// from the seed, so a round can be replayed exactly (on the same backend).
import * as tf from "@tensorflow/tfjs";
import { createPrng, type PrngSeed } from "./createPrng";
import { crossEntropy } from "./crossEntropy";
import { TrainingDivergedError, TrainingInvalidParametersError } from "./errors";
import { getFlatWeights } from "./getFlatWeights";
import { MNIST_PIXELS } from "./loadMnist";
import { shuffleInPlace } from "./shuffleInPlace";
import { validateDataset } from "./validateDataset";

export interface TrainLocalProgress {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** 1-based within the epoch. */
  batch: number;
  batchesPerEpoch: number;
  /** Mean loss of this batch. */
  loss: number;
}

export interface TrainLocalParameters {
  model: tf.LayersModel;
  /** The whole data set, row-major 784 floats per sample; only `indices` are used. */
  images: Float32Array;
  labels: Uint8Array;
  /** This client's samples (e.g. its row of partitionIid). */
  indices: readonly number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the per-epoch shuffle. */
  seed: PrngSeed;
  onProgress?: (progress: TrainLocalProgress) => void;
}

export interface TrainLocalReturnType {
  numSamples: number;
  /** Sample-weighted mean loss over the last epoch, as measured during it. */
  loss: number;
  durationMs: number;
}

// Let timers and socket handlers of the worker run between batches every so often.
const BATCHES_BETWEEN_YIELDS = 25;

/**
 * Plain SGD (no momentum): with lr 0.2 and batch 32 it reaches the FedAvg target (see DEFAULT_TRAINING) and
 * keeps no optimizer state, so a round's result depends only on the global model, the data and the seed.
 * The last batch of an epoch may be smaller. Updates `model` in place.
 */
export async function trainLocal(parameters: TrainLocalParameters): Promise<TrainLocalReturnType> {
  const { model, images, labels, indices, epochs, batchSize, learningRate, seed, onProgress } = parameters;
  const sampleCount = validateDataset(images, labels);
  checkParameters(parameters, sampleCount);

  const started = performance.now();
  const prng = createPrng(seed, "train-local/shuffle");
  const order = Uint32Array.from(indices);
  const batchesPerEpoch = Math.ceil(order.length / batchSize);
  const batchImages = new Float32Array(batchSize * MNIST_PIXELS);
  const batchLabels = new Int32Array(batchSize);
  const optimizer = tf.train.sgd(learningRate);
  let epochLoss = Number.NaN;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      shuffleInPlace(order, prng);
      let lossSum = 0;
      for (let batch = 0; batch < batchesPerEpoch; batch++) {
        const start = batch * batchSize;
        const size = Math.min(batchSize, order.length - start);
        for (let row = 0; row < size; row++) {
          const sample = order[start + row];
          batchImages.set(images.subarray(sample * MNIST_PIXELS, (sample + 1) * MNIST_PIXELS), row * MNIST_PIXELS);
          batchLabels[row] = labels[sample];
        }
        const loss = tf.tidy(() => {
          // slice(): tfjs may keep the array it is given, and these buffers are reused next batch.
          const xs = tf.tensor2d(batchImages.slice(0, size * MNIST_PIXELS), [size, MNIST_PIXELS]);
          const ys = tf.tensor1d(batchLabels.slice(0, size), "int32");
          const cost = optimizer.minimize(() => {
            const probabilities = model.apply(xs, { training: true }) as tf.Tensor2D;
            return tf.mean(crossEntropy(probabilities, ys)) as tf.Scalar;
          }, true);
          return cost === null ? Number.NaN : cost.dataSync()[0];
        });
        lossSum += loss * size;
        onProgress?.({ epoch, epochs, batch: batch + 1, batchesPerEpoch, loss });
        if ((batch + 1) % BATCHES_BETWEEN_YIELDS === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      epochLoss = lossSum / order.length;
      // The loss alone does not show divergence: probabilities are clipped, so NaN weights still give a
      // finite loss. A NaN or infinite weight would poison the aggregate, so it is checked too.
      if (!Number.isFinite(epochLoss) || !getFlatWeights(model).every(Number.isFinite)) {
        throw new TrainingDivergedError(epoch, epochLoss);
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { numSamples: order.length, loss: epochLoss, durationMs: performance.now() - started };
}

function checkParameters(parameters: TrainLocalParameters, sampleCount: number): void {
  const { indices, epochs, batchSize, learningRate } = parameters;
  if (!Number.isSafeInteger(epochs) || epochs < 1) throw new TrainingInvalidParametersError(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new TrainingInvalidParametersError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isFinite(learningRate) || learningRate <= 0) {
    throw new TrainingInvalidParametersError(`learningRate must be a positive finite number, got ${learningRate}`);
  }
  if (indices.length === 0) throw new TrainingInvalidParametersError("indices is empty: the client has no samples");
  const bad = indices.findIndex((index) => !Number.isSafeInteger(index) || index < 0 || index >= sampleCount);
  if (bad >= 0) throw new TrainingInvalidParametersError(`indices[${bad}] = ${indices[bad]} is not a sample index below ${sampleCount}`);
}
