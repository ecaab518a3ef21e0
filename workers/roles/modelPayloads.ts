// The payloads of plain FedAvg as the storage format carries them: a model (flat float32 weights), a client
// update (flat float32 delta) and an aggregate (averaged delta plus who was included). One place defines their
// tensor names and shapes, so writer and reader cannot drift apart.
import { PayloadKind, type Payload, type PayloadExpectations, type PayloadMetadata } from "../storage/payloadFormat";

export const MODEL_TENSOR = "weights";
export const DELTA_TENSOR = "delta";

export function modelPayload(weights: Float32Array, metadata: PayloadMetadata): Payload {
  return { kind: PayloadKind.Model, metadata, tensors: [{ name: MODEL_TENSOR, dtype: "float32", shape: [weights.length], data: weights }] };
}

export function updatePayload(delta: Float32Array, metadata: PayloadMetadata): Payload {
  return { kind: PayloadKind.Update, metadata, tensors: [{ name: DELTA_TENSOR, dtype: "float32", shape: [delta.length], data: delta }] };
}

export function aggregatePayload(delta: Float32Array, metadata: PayloadMetadata): Payload {
  return { kind: PayloadKind.Aggregate, metadata, tensors: [{ name: DELTA_TENSOR, dtype: "float32", shape: [delta.length], data: delta }] };
}

export function expectFlat(kind: PayloadKind, name: string, size: number): PayloadExpectations {
  return { kind, tensors: [{ name, dtype: "float32", shape: [size] }] };
}

export function flatTensor(payload: Payload): Float32Array {
  const data = payload.tensors[0]?.data;
  if (!(data instanceof Float32Array)) throw new TypeError("payload has no float32 tensor");
  return data;
}

export const MASKED_TENSOR = "masked";
export const SUM_TENSOR = "sum";

/** A masked update: `limbsPerElement` little-endian u32 limbs per model coordinate. */
export function maskedPayload(limbs: Uint32Array, size: number, limbsPerElement: number, metadata: PayloadMetadata): Payload {
  return { kind: PayloadKind.MaskedUpdate, metadata, tensors: [{ name: MASKED_TENSOR, dtype: "uint32", shape: [size, limbsPerElement], data: limbs }] };
}

export function expectMasked(size: number, limbsPerElement: number): PayloadExpectations {
  return { kind: PayloadKind.MaskedUpdate, tensors: [{ name: MASKED_TENSOR, dtype: "uint32", shape: [size, limbsPerElement] }] };
}

/** A MASH aggregate carries the exact integer sum Σg next to the averaged float delta. */
export function maskedAggregatePayload(delta: Float32Array, sum: Int32Array, metadata: PayloadMetadata): Payload {
  return {
    kind: PayloadKind.Aggregate,
    metadata,
    tensors: [
      { name: DELTA_TENSOR, dtype: "float32", shape: [delta.length], data: delta },
      { name: SUM_TENSOR, dtype: "int32", shape: [sum.length], data: sum },
    ],
  };
}

/** The shape maskedAggregatePayload writes: the float delta, then the int32 sum, both of the model's size. */
export function expectMaskedAggregate(size: number): PayloadExpectations {
  return {
    kind: PayloadKind.Aggregate,
    tensors: [
      { name: DELTA_TENSOR, dtype: "float32", shape: [size] },
      { name: SUM_TENSOR, dtype: "int32", shape: [size] },
    ],
  };
}

export function tensorData(payload: Payload, name: string): Payload["tensors"][number]["data"] | undefined {
  return payload.tensors.find((t) => t.name === name)?.data;
}
