// Builds the tfjs model of a kind with its deterministic initial weights. Both kinds take flat 784-pixel rows
// (the cnn reshapes them itself), so data, training and evaluation code is the same for both.
import * as tf from "@tensorflow/tfjs";
import type { PrngSeed } from "./createPrng";
import { ModelLayoutMismatchError } from "./errors";
import { initialWeights } from "./initialWeights";
import { modelLayout, type ModelKind } from "./modelLayout";
import { setFlatWeights } from "./setFlatWeights";

export type CreateModelReturnType = tf.Sequential;

/**
 * mlp: dense 784→128 relu → dense 10 softmax (101,770 parameters).
 * cnn: RustFL's SimpleCNN: conv 3×3×32 same relu → maxpool 2 → flatten → dense 128 relu → dense 10
 * (804,554 parameters); we end it with a softmax too, so both kinds output class probabilities.
 * Weights come from `initialWeights(kind, seed)`: the same seed gives the same model in every process.
 * Call initBackend first: the weights live on the backend active at creation.
 */
export function createModel(kind: ModelKind, seed: PrngSeed = 0): CreateModelReturnType {
  const layout = modelLayout(kind);
  const flat = initialWeights(kind, seed);
  // tfjs' own initializers would draw from an unseeded generator; zeros are cheap and overwritten below.
  const zeros = { kernelInitializer: "zeros", biasInitializer: "zeros" } as const;
  const model = tf.sequential();
  if (kind === "mlp") {
    model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: "relu", ...zeros }));
    model.add(tf.layers.dense({ units: 10, activation: "softmax", ...zeros }));
  } else {
    model.add(tf.layers.reshape({ inputShape: [784], targetShape: [28, 28, 1] }));
    model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: "same", activation: "relu", ...zeros }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 128, activation: "relu", ...zeros }));
    model.add(tf.layers.dense({ units: 10, activation: "softmax", ...zeros }));
  }
  const shapes = model.weights.map((weight) => weight.shape.join("x")).join(",");
  const expected = layout.map((spec) => spec.shape.join("x")).join(",");
  if (shapes !== expected) throw new ModelLayoutMismatchError(kind, shapes, expected);
  setFlatWeights(model, flat);
  return model;
}
