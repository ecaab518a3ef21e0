// The two model architectures as data: the weight tensors in flat-vector order, with their shapes and the
// fan-in/fan-out of their Glorot initialization. Parameter counts, initial weights and the tfjs models
// are all derived from this one table, so they cannot drift apart.
import { ModelUnknownKindError } from "./errors";

export type ModelKind = "mlp" | "cnn";

export const MODEL_KINDS: readonly ModelKind[] = ["mlp", "cnn"];

export interface ModelWeightSpec {
  /** Human name, for messages and docs. */
  name: string;
  /** tfjs shape: dense kernels are [in, out], conv kernels [height, width, in, out]; row-major. */
  shape: number[];
  /** Glorot-uniform fans for kernels; biases start at zero. */
  init: { kind: "glorotUniform"; fanIn: number; fanOut: number } | { kind: "zeros" };
}

const CONV_FILTERS = 32;
const CONV_KERNEL = 3;
const HIDDEN_UNITS = 128;
const PIXELS = 784;
const CLASSES = 10;
const POOLED_FEATURES = 14 * 14 * CONV_FILTERS;

const LAYOUTS: Record<ModelKind, ModelWeightSpec[]> = {
  mlp: [
    dense("dense1/kernel", PIXELS, HIDDEN_UNITS),
    bias("dense1/bias", HIDDEN_UNITS),
    dense("dense2/kernel", HIDDEN_UNITS, CLASSES),
    bias("dense2/bias", CLASSES),
  ],
  cnn: [
    {
      name: "conv1/kernel",
      shape: [CONV_KERNEL, CONV_KERNEL, 1, CONV_FILTERS],
      // Keras' convention: the receptive field counts in both fans.
      init: { kind: "glorotUniform", fanIn: CONV_KERNEL * CONV_KERNEL * 1, fanOut: CONV_KERNEL * CONV_KERNEL * CONV_FILTERS },
    },
    bias("conv1/bias", CONV_FILTERS),
    dense("dense1/kernel", POOLED_FEATURES, HIDDEN_UNITS),
    bias("dense1/bias", HIDDEN_UNITS),
    dense("dense2/kernel", HIDDEN_UNITS, CLASSES),
    bias("dense2/bias", CLASSES),
  ],
};

/** Returns the weight tensors of `kind` in flat-vector order. Throws ModelUnknownKindError for other strings. */
export function modelLayout(kind: ModelKind): readonly ModelWeightSpec[] {
  if (!isModelKind(kind)) throw new ModelUnknownKindError(String(kind));
  return LAYOUTS[kind];
}

export function isModelKind(value: unknown): value is ModelKind {
  return value === "mlp" || value === "cnn";
}

function dense(name: string, inputs: number, outputs: number): ModelWeightSpec {
  return { name, shape: [inputs, outputs], init: { kind: "glorotUniform", fanIn: inputs, fanOut: outputs } };
}

function bias(name: string, units: number): ModelWeightSpec {
  return { name, shape: [units], init: { kind: "zeros" } };
}
