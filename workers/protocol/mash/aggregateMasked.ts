// MASH aggregation without I/O: multiply the contributors' masked vectors, take the bounded discrete log to get
// Σ g (the masks cancel because the holder's seed is minus the others' sum), and turn the integer sum into the
// FedAvg step: the uniform mean of the dequantized updates, applied to the global model.
import { aggregateBound } from "../../crypto/quantize";
import { MaskSettingsUnsupportedError } from "../../crypto/mask/errors";
import type { MaskGroup } from "../../crypto/mask/maskGroup";
import { modelFromAggregateSum } from "./modelFromAggregateSum";

export interface AggregateMaskedParameters {
  group: Pick<MaskGroup, "aggregate" | "maxBound" | "id">;
  masked: Uint32Array[];
  global: Float32Array;
  clip: number;
  scale: number;
  /** How far integer DP noise can push a coordinate of the sum (integerNoiseBound); widens the DLOG search. */
  noiseBound?: number;
}

export interface AggregateMaskedReturnType {
  /** Σ g over the contributors: the exact sum of their quantized updates. */
  sum: Int32Array;
  averagedDelta: Float32Array;
  newWeights: Float32Array;
}

export async function aggregateMasked(parameters: AggregateMaskedParameters): Promise<AggregateMaskedReturnType> {
  const count = parameters.masked.length;
  const bound = aggregateBound(count, parameters.clip, parameters.scale) + Math.ceil(parameters.noiseBound ?? 0);
  // A bound past the group's decoding range is refused, never capped: a true sum beyond it would wrap around and
  // decode to a wrong aggregate. checkMaskSettings refuses such settings before the task starts.
  if (bound > parameters.group.maxBound) {
    throw new MaskSettingsUnsupportedError(parameters.group.id, `an aggregate bound of ${bound} (${count} vectors)`, `|Σg| must stay within ${parameters.group.maxBound} to decode`, "fewer clients, a smaller clip or scale, or less DP noise");
  }
  const sum = await parameters.group.aggregate({ masked: parameters.masked, bound });
  return { sum, ...modelFromAggregateSum({ sum, global: parameters.global, scale: parameters.scale, count }) };
}
