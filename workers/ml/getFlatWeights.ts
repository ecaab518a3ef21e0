// Reads a tfjs model's parameters as one flat vector, in the order setFlatWeights documents.
import type * as tf from "@tensorflow/tfjs";

export function getFlatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.weights.map((weight) => weight.read().dataSync());
  const flat = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    flat.set(part, offset);
    offset += part.length;
  }
  return flat;
}
