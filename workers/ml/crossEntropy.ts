// Per-sample cross-entropy of predicted class probabilities, shared by training and evaluation.
import * as tf from "@tensorflow/tfjs";

// Keras' epsilon: keeps log() finite when the model is confidently wrong.
const EPSILON = 1e-7;

/** probabilities: [n, classes] softmax output; labels: [n] int32 class indices. Returns [n] losses. */
export function crossEntropy(probabilities: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, probabilities.shape[1]);
    const clipped = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(oneHot, tf.log(clipped)), -1)) as tf.Tensor1D;
  });
}
