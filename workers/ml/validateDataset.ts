// Shape checks shared by training and evaluation, so a wrong array gives DatasetInvalidError, not a tfjs crash.
import { DatasetInvalidError } from "./errors";
import { MNIST_CLASSES, MNIST_PIXELS } from "./loadMnist";

/** Returns the sample count implied by `images`, after checking it against `labels`. */
export function validateDataset(images: Float32Array, labels: Uint8Array): number {
  if (images.length % MNIST_PIXELS !== 0) {
    throw new DatasetInvalidError(`images hold ${images.length} values, not a multiple of ${MNIST_PIXELS}`);
  }
  const count = images.length / MNIST_PIXELS;
  if (labels.length !== count) throw new DatasetInvalidError(`${count} images but ${labels.length} labels`);
  const badLabel = labels.findIndex((label) => label >= MNIST_CLASSES);
  if (badLabel >= 0) throw new DatasetInvalidError(`label ${badLabel} is ${labels[badLabel]}, expected 0..${MNIST_CLASSES - 1}`);
  return count;
}
