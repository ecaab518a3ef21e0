// Serializes a payload (kind, metadata, named tensors) into the FMSH binary format in one allocation.
// The encoding is canonical (zero padding, no trailing bytes), so equal payloads give equal bytes and hashes.
import { PayloadEncodeError } from "./errors";
import {
  alignUp,
  elementCount,
  IS_LITTLE_ENDIAN_HOST,
  isPayloadKind,
  MAX_PAYLOAD_METADATA_BYTES,
  MAX_TENSOR_DIM,
  MAX_TENSOR_NAME_BYTES,
  MAX_TENSOR_RANK,
  PAYLOAD_DTYPES,
  PAYLOAD_FORMAT_VERSION,
  PAYLOAD_MAGIC,
  type JsonValue,
  type Payload,
} from "./payloadFormat";

export type EncodePayloadParameters = Payload;
export type EncodePayloadReturnType = Uint8Array;

const utf8 = new TextEncoder();

export function encodePayload(payload: EncodePayloadParameters): EncodePayloadReturnType {
  if (!isPayloadKind(payload.kind)) throw new PayloadEncodeError("kind", `${String(payload.kind)} is not a PayloadKind`);
  if (!Array.isArray(payload.tensors)) throw new PayloadEncodeError("tensors", "must be an array");
  const metadataBytes = utf8.encode(JSON.stringify(checkMetadata(payload.metadata)));
  if (metadataBytes.byteLength > MAX_PAYLOAD_METADATA_BYTES) {
    throw new PayloadEncodeError("metadata", `is ${metadataBytes.byteLength} bytes as JSON, over ${MAX_PAYLOAD_METADATA_BYTES}`);
  }

  const seenNames = new Set<string>();
  let size = 4 + 2 + 2 + 4 + metadataBytes.byteLength + 4;
  const layout = payload.tensors.map((tensor, index) => {
    const field = `tensors[${index}]`;
    const spec = PAYLOAD_DTYPES[tensor.dtype];
    if (spec === undefined) throw new PayloadEncodeError(`${field}.dtype`, `"${String(tensor.dtype)}" is not a payload dtype`);
    if (typeof tensor.name !== "string") throw new PayloadEncodeError(`${field}.name`, "must be a string");
    const nameBytes = utf8.encode(tensor.name);
    if (nameBytes.byteLength > MAX_TENSOR_NAME_BYTES) throw new PayloadEncodeError(`${field}.name`, `is over ${MAX_TENSOR_NAME_BYTES} bytes`);
    if (seenNames.has(tensor.name)) throw new PayloadEncodeError(`${field}.name`, `"${tensor.name}" is used twice`);
    seenNames.add(tensor.name);
    if (!Array.isArray(tensor.shape) || tensor.shape.length > MAX_TENSOR_RANK) {
      throw new PayloadEncodeError(`${field}.shape`, `must be an array of at most ${MAX_TENSOR_RANK} dims`);
    }
    for (const dim of tensor.shape) {
      if (!Number.isInteger(dim) || dim < 0 || dim > MAX_TENSOR_DIM) {
        throw new PayloadEncodeError(`${field}.shape`, `has dim ${dim}, expected an integer in [0, ${MAX_TENSOR_DIM}]`);
      }
    }
    if (!spec.matches(tensor.data)) throw new PayloadEncodeError(`${field}.data`, `is not the typed array of dtype ${tensor.dtype}`);
    const count = elementCount(tensor.shape);
    if (tensor.data.length !== count) {
      throw new PayloadEncodeError(`${field}.data`, `has ${tensor.data.length} elements, shape [${tensor.shape.join(", ")}] needs ${count}`);
    }
    size += 2 + nameBytes.byteLength + 1 + 1 + 4 * tensor.shape.length;
    size = alignUp(size, spec.alignment);
    const dataOffset = size;
    size += tensor.data.byteLength;
    return { tensor, spec, nameBytes, dataOffset };
  });

  // Zero-filled, so padding bytes need no explicit writes.
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(PAYLOAD_MAGIC, 0);
  view.setUint16(4, PAYLOAD_FORMAT_VERSION, true);
  view.setUint16(6, payload.kind, true);
  view.setUint32(8, metadataBytes.byteLength, true);
  bytes.set(metadataBytes, 12);
  let offset = 12 + metadataBytes.byteLength;
  view.setUint32(offset, layout.length, true);
  offset += 4;
  for (const { tensor, spec, nameBytes, dataOffset } of layout) {
    view.setUint16(offset, nameBytes.byteLength, true);
    bytes.set(nameBytes, offset + 2);
    offset += 2 + nameBytes.byteLength;
    view.setUint8(offset, spec.code);
    view.setUint8(offset + 1, tensor.shape.length);
    offset += 2;
    for (const dim of tensor.shape) {
      view.setUint32(offset, dim, true);
      offset += 4;
    }
    writeLittleEndian(view, bytes, dataOffset, tensor.data, spec.bytesPerElement);
    offset = dataOffset + tensor.data.byteLength;
  }
  return bytes;
}

function writeLittleEndian(
  view: DataView,
  bytes: Uint8Array,
  offset: number,
  data: Payload["tensors"][number]["data"],
  bytesPerElement: number,
): void {
  if (IS_LITTLE_ENDIAN_HOST || bytesPerElement === 1) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  for (let index = 0; index < data.length; index++) {
    const value = data[index]!;
    const at = offset + index * bytesPerElement;
    if (data instanceof Float32Array) view.setFloat32(at, value, true);
    else if (data instanceof Float64Array) view.setFloat64(at, value, true);
    else if (data instanceof Int32Array) view.setInt32(at, value, true);
    else view.setUint32(at, value, true);
  }
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** JSON.stringify turns NaN into null and drops bigints with a throw; refuse such values with their path. */
function checkMetadata(metadata: unknown): JsonValue {
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new PayloadEncodeError("metadata", "must be a plain object");
  }
  const visit = (value: unknown, path: string, depth: number): void => {
    if (depth > 32) throw new PayloadEncodeError(path, "nests deeper than 32 levels");
    if (value === null || typeof value === "string" || typeof value === "boolean") return;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new PayloadEncodeError(path, `is ${value}, JSON has no such number`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, depth + 1));
      return;
    }
    if (typeof value === "object" && isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) visit(item, `${path}.${key}`, depth + 1);
      }
      return;
    }
    throw new PayloadEncodeError(path, `is a ${typeof value}, not a JSON value`);
  };
  visit(metadata, "metadata", 0);
  return metadata as JsonValue;
}
