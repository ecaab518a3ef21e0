// The FedAvg step of a MASH round from its exact integer sum Σg: the uniform mean of the dequantized updates,
// applied to the round's input model. The aggregator computes the new model with it, and a client that checks an
// input model recomputes it with the same function, so the two agree bit for bit.
import { applyDelta } from "../../ml/applyDelta";
import { dequantize } from "../../crypto/quantize";

export interface ModelFromAggregateSumParameters {
  /** Σg over the included clients. */
  sum: Int32Array;
  /** The round's input model. */
  global: Float32Array;
  /** The quantization scale S. */
  scale: number;
  /** How many updates Σg adds up (the divisor of the mean). */
  count: number;
}

export interface ModelFromAggregateSumReturnType {
  averagedDelta: Float32Array;
  newWeights: Float32Array;
}

export function modelFromAggregateSum(parameters: ModelFromAggregateSumParameters): ModelFromAggregateSumReturnType {
  const averagedDelta = dequantize(parameters.sum, { scale: parameters.scale, divisor: parameters.count });
  return { averagedDelta, newWeights: applyDelta(parameters.global, averagedDelta) };
}
