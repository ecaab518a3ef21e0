// Test accuracy and loss of a model, in batches so the 10k test set never sits in tensors all at once.
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "./crossEntropy";
import { DatasetInvalidError, EvaluationInvalidParametersError } from "./errors";
import { MNIST_PIXELS, type MnistDataset } from "./loadMnist";
import { validateDataset } from "./validateDataset";

export interface EvaluateModelReturnType {
  /** Fraction of samples whose most probable class is the label. */
  accuracy: number;
  /** Mean cross-entropy. */
  loss: number;
}

const DEFAULT_BATCH_SIZE = 1000;

export function evaluateModel(
  model: tf.LayersModel,
  testSet: Pick<MnistDataset, "images" | "labels">,
  batchSize = DEFAULT_BATCH_SIZE,
): EvaluateModelReturnType {
  const count = validateDataset(testSet.images, testSet.labels);
  if (count === 0) throw new DatasetInvalidError("the test set is empty");
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new EvaluationInvalidParametersError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const [batchCorrect, batchLoss] = tf.tidy(() => {
      const xs = tf.tensor2d(testSet.images.slice(start * MNIST_PIXELS, (start + size) * MNIST_PIXELS), [size, MNIST_PIXELS]);
      const ys = tf.tensor1d(Int32Array.from(testSet.labels.subarray(start, start + size)), "int32");
      const probabilities = model.predict(xs) as tf.Tensor2D;
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, 1), ys), "int32"));
      const losses = tf.sum(crossEntropy(probabilities, ys));
      return [hits.dataSync()[0], losses.dataSync()[0]];
    });
    correct += batchCorrect;
    lossSum += batchLoss;
  }
  return { accuracy: correct / count, loss: lossSum / count };
}
