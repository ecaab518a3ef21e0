// Loads a flat parameter vector (the form updates are masked, shared and averaged in) into a tfjs model.
import * as tf from "@tensorflow/tfjs";
import { ModelWeightsLengthError } from "./errors";

/**
 * Order: the model's weights in `model.weights` order, i.e. layer by layer, each layer's kernel then bias,
 * each tensor row-major in its tfjs shape (see modelLayout.ts). Throws ModelWeightsLengthError when
 * `flat` does not have exactly the model's parameter count.
 */
export function setFlatWeights(model: tf.LayersModel, flat: Float32Array): void {
  const sizes = model.weights.map((weight) => weight.shape.reduce<number>((a, b) => a * (b ?? 1), 1));
  const expected = sizes.reduce((a, b) => a + b, 0);
  if (flat.length !== expected) throw new ModelWeightsLengthError(expected, flat.length);
  let offset = 0;
  const tensors = model.weights.map((weight, i) => {
    // slice, not subarray: the cpu backend keeps the array it is given, and the model must not alias `flat`.
    const values = flat.slice(offset, offset + sizes[i]);
    offset += sizes[i];
    return tf.tensor(values, weight.shape as number[], "float32");
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}
