// Number of trainable parameters of a model kind, without building it (the aggregator sizes vectors from it).
import { modelLayout, type ModelKind } from "./modelLayout";

/** mlp: 101,770; cnn: 804,554. */
export function modelParameterCount(kind: ModelKind): number {
  return modelLayout(kind).reduce((total, spec) => total + spec.shape.reduce((a, b) => a * b, 1), 0);
}
