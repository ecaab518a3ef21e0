// Plain-mode aggregation, pure: FedAvg of the valid client deltas applied to the global model. The baseline the
// masked modes are measured against; rejected updates are listed with the reason and change nothing.
import { applyDelta } from "../../ml/applyDelta";
import { fedAvg, type FedAvgWeighting } from "../../ml/fedAvg";

export type PlainUpdate =
  | { client: string; numSamples: number; delta: Float32Array; rejected?: undefined }
  | { client: string; numSamples: number; delta?: undefined; rejected: string };

export interface AggregatePlainParameters {
  global: Float32Array;
  updates: readonly PlainUpdate[];
  weighting: FedAvgWeighting;
}

export interface AggregatePlainReturnType {
  averagedDelta: Float32Array;
  newWeights: Float32Array;
  included: string[];
  excluded: { client: string; reason: string }[];
}

export function aggregatePlain(parameters: AggregatePlainParameters): AggregatePlainReturnType {
  const valid = parameters.updates.filter((u): u is Extract<PlainUpdate, { delta: Float32Array }> => u.delta !== undefined);
  const excluded = parameters.updates.filter((u) => u.delta === undefined).map((u) => ({ client: u.client, reason: u.rejected ?? "rejected" }));
  // With nothing valid the round still closes, with the model unchanged and every exclusion on record.
  const averagedDelta =
    valid.length === 0
      ? new Float32Array(parameters.global.length)
      : fedAvg(
          valid.map((u) => ({ delta: u.delta, numSamples: u.numSamples })),
          parameters.weighting,
        );
  return {
    averagedDelta,
    newWeights: applyDelta(parameters.global, averagedDelta),
    included: valid.map((u) => u.client),
    excluded,
  };
}
