// Types and constants of the FMSH binary payload format, the one format for everything workers put on IPFS
// (models, updates, masked vectors, aggregates, shares). Byte layout: docs/STORAGE.md.

/** "FMSH" in ASCII, the first four bytes of every payload. */
export const PAYLOAD_MAGIC = Uint8Array.of(0x46, 0x4d, 0x53, 0x48);
export const PAYLOAD_FORMAT_VERSION = 1;
/** Metadata is a small descriptive object; a cap keeps a hostile payload from making us parse megabytes of JSON. */
export const MAX_PAYLOAD_METADATA_BYTES = 1024 * 1024;
export const MAX_TENSOR_NAME_BYTES = 0xffff;
export const MAX_TENSOR_RANK = 0xff;
export const MAX_TENSOR_DIM = 0xffff_ffff;

export const PayloadKind = {
  Model: 1,
  Update: 2,
  MaskedUpdate: 3,
  Aggregate: 4,
  Share: 5,
  ShareSum: 6,
  Other: 255,
} as const;
export type PayloadKind = (typeof PayloadKind)[keyof typeof PayloadKind];
export type PayloadKindName = keyof typeof PayloadKind;

export function payloadKindName(kind: number): PayloadKindName | `unknown(${number})` {
  const entry = Object.entries(PayloadKind).find(([, value]) => value === kind);
  return entry === undefined ? `unknown(${kind})` : (entry[0] as PayloadKindName);
}

export function isPayloadKind(kind: number): kind is PayloadKind {
  return Object.values(PayloadKind).includes(kind as PayloadKind);
}

export type PayloadDtype = "float32" | "int32" | "uint32" | "uint8" | "float64";

export interface PayloadTensorDataByDtype {
  float32: Float32Array;
  int32: Int32Array;
  uint32: Uint32Array;
  uint8: Uint8Array;
  float64: Float64Array;
}
export type PayloadTensorData = PayloadTensorDataByDtype[PayloadDtype];

interface DtypeSpec {
  code: number;
  bytesPerElement: number;
  /** Data offsets are multiples of this: 4 per the format, 8 for float64 so its view never needs a copy. */
  alignment: number;
  create(buffer: ArrayBuffer, byteOffset: number, length: number): PayloadTensorData;
  matches(data: unknown): boolean;
}

type TypedArrayClass = { new (buffer: ArrayBuffer, byteOffset: number, length: number): PayloadTensorData; BYTES_PER_ELEMENT: number };

function dtypeSpec(code: number, TypedArray: TypedArrayClass): DtypeSpec {
  return {
    code,
    bytesPerElement: TypedArray.BYTES_PER_ELEMENT,
    alignment: Math.max(4, TypedArray.BYTES_PER_ELEMENT),
    create: (buffer, byteOffset, length) => new TypedArray(buffer, byteOffset, length),
    matches: (data) => data instanceof TypedArray,
  };
}

export const PAYLOAD_DTYPES: Readonly<Record<PayloadDtype, DtypeSpec>> = {
  float32: dtypeSpec(1, Float32Array),
  int32: dtypeSpec(2, Int32Array),
  uint32: dtypeSpec(3, Uint32Array),
  uint8: dtypeSpec(4, Uint8Array),
  float64: dtypeSpec(5, Float64Array),
};

export function dtypeOfCode(code: number): PayloadDtype | undefined {
  return (Object.keys(PAYLOAD_DTYPES) as PayloadDtype[]).find((dtype) => PAYLOAD_DTYPES[dtype].code === code);
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Free-form description of a payload; the named fields are the ones workers share a meaning for. */
export interface PayloadMetadata {
  round?: number;
  modelKind?: string;
  numSamples?: number;
  loss?: number;
  [key: string]: JsonValue | undefined;
}

export interface PayloadTensor<D extends PayloadDtype = PayloadDtype> {
  name: string;
  dtype: D;
  shape: number[];
  data: PayloadTensorDataByDtype[D];
}

export interface Payload {
  kind: PayloadKind;
  metadata: PayloadMetadata;
  tensors: PayloadTensor[];
}

export interface DecodedPayload extends Payload {
  version: number;
}

/** What a caller knows a payload must look like; any difference is a PayloadShapeMismatchError. */
export interface PayloadExpectations {
  kind?: PayloadKind;
  tensors?: { name?: string; dtype: PayloadDtype; shape: readonly number[] }[];
  /** Sum of element counts over all tensors, e.g. the model's parameter count. */
  totalElements?: number;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

export const IS_LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
