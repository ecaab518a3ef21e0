// The initial global model as a flat vector, from the task's seed alone. Pure and tfjs-free, so the owner,
// the aggregator and every client derive bit-identical starting weights without exchanging them.
import { createPrng, type PrngSeed } from "./createPrng";
import { modelLayout, type ModelKind } from "./modelLayout";
import { modelParameterCount } from "./modelParameterCount";

/**
 * Glorot-uniform kernels (U(-l, l), l = sqrt(6 / (fanIn + fanOut)), the Keras and tfjs default) and zero
 * biases, drawn from our own PRNG rather than tfjs' so the values do not depend on the tfjs version.
 */
export function initialWeights(kind: ModelKind, seed: PrngSeed = 0): Float32Array {
  const prng = createPrng(seed, `initial-weights/${kind}`);
  const flat = new Float32Array(modelParameterCount(kind));
  let offset = 0;
  for (const spec of modelLayout(kind)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.init.kind === "glorotUniform") {
      const limit = Math.sqrt(6 / (spec.init.fanIn + spec.init.fanOut));
      for (let i = offset; i < offset + size; i++) flat[i] = (2 * prng.nextFloat() - 1) * limit;
    }
    offset += size;
  }
  return flat;
}
