// Parses and checks an FMSH payload. Every length is checked before it is used, so truncated, over-long or
// corrupted input gives a named error, never a RangeError or a huge allocation. Tensor data is a view into the
// input when its offset is aligned for the dtype (always, for buffers from encodePayload), else a copy.
import {
  PayloadCorruptError,
  PayloadShapeMismatchError,
  PayloadTruncatedError,
  PayloadUnsupportedVersionError,
} from "./errors";
import {
  alignUp,
  dtypeOfCode,
  elementCount,
  IS_LITTLE_ENDIAN_HOST,
  isPayloadKind,
  MAX_PAYLOAD_METADATA_BYTES,
  PAYLOAD_DTYPES,
  PAYLOAD_FORMAT_VERSION,
  PAYLOAD_MAGIC,
  payloadKindName,
  type DecodedPayload,
  type PayloadDtype,
  type PayloadExpectations,
  type PayloadMetadata,
  type PayloadTensor,
  type PayloadTensorData,
} from "./payloadFormat";

export type DecodePayloadReturnType = DecodedPayload;

const SUPPORTED_VERSIONS = [PAYLOAD_FORMAT_VERSION] as const;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function decodePayload(bytes: Uint8Array, expectations?: PayloadExpectations): DecodePayloadReturnType {
  if (!(bytes instanceof Uint8Array)) throw new PayloadCorruptError("input is not a Uint8Array", 0);
  const reader = new Reader(bytes);

  const magic = reader.bytes(4, "magic");
  if (!PAYLOAD_MAGIC.every((byte, index) => magic[index] === byte)) {
    throw new PayloadCorruptError(`magic is ${hex(magic)}, expected ${hex(PAYLOAD_MAGIC)} ("FMSH")`, 0);
  }
  const version = reader.u16("format version");
  if (!SUPPORTED_VERSIONS.includes(version as (typeof SUPPORTED_VERSIONS)[number])) {
    throw new PayloadUnsupportedVersionError(version, SUPPORTED_VERSIONS);
  }
  const kindOffset = reader.offset;
  const kind = reader.u16("payload kind");
  if (!isPayloadKind(kind)) throw new PayloadCorruptError(`unknown payload kind ${kind}`, kindOffset);

  const metadataLength = reader.u32("metadata length");
  if (metadataLength > MAX_PAYLOAD_METADATA_BYTES) {
    throw new PayloadCorruptError(`metadata length ${metadataLength} is over ${MAX_PAYLOAD_METADATA_BYTES}`, reader.offset - 4);
  }
  const metadataOffset = reader.offset;
  const metadata = parseMetadata(reader.bytes(metadataLength, "metadata"), metadataOffset);

  const tensorCount = reader.u32("tensor count");
  // Each tensor takes at least 4 header bytes; a larger count cannot fit and must not size an allocation.
  if (tensorCount > reader.remaining / 4) {
    throw new PayloadTruncatedError(`${tensorCount} tensors`, reader.offset, tensorCount * 4, reader.remaining);
  }
  const tensors: PayloadTensor[] = [];
  const names = new Set<string>();
  for (let index = 0; index < tensorCount; index++) {
    const what = `tensor ${index}`;
    const nameLength = reader.u16(`${what} name length`);
    const nameOffset = reader.offset;
    const name = decodeUtf8(reader.bytes(nameLength, `${what} name`), `${what} name`, nameOffset);
    if (names.has(name)) throw new PayloadCorruptError(`tensor name "${name}" appears twice`, nameOffset);
    names.add(name);
    const dtypeOffset = reader.offset;
    const dtypeCode = reader.u8(`${what} dtype`);
    const dtype = dtypeOfCode(dtypeCode);
    if (dtype === undefined) throw new PayloadCorruptError(`${what} has unknown dtype code ${dtypeCode}`, dtypeOffset);
    const rank = reader.u8(`${what} rank`);
    const shape: number[] = [];
    for (let axis = 0; axis < rank; axis++) shape.push(reader.u32(`${what} dim ${axis}`));
    const spec = PAYLOAD_DTYPES[dtype];
    reader.padding(spec.alignment, `${what} padding`);
    const count = elementCount(shape);
    const byteLength = count * spec.bytesPerElement;
    const dataOffset = reader.offset;
    if (byteLength > reader.remaining) {
      throw new PayloadTruncatedError(`${what} data (${count} x ${dtype})`, dataOffset, byteLength, reader.remaining);
    }
    tensors.push({ name, dtype, shape, data: tensorData(reader.bytes(byteLength, `${what} data`), dtype, count) });
  }
  if (reader.remaining > 0) {
    throw new PayloadCorruptError(`${reader.remaining} unexpected bytes after the last tensor`, reader.offset);
  }

  const payload: DecodedPayload = { version, kind, metadata, tensors };
  if (expectations !== undefined) checkExpectations(payload, expectations);
  return payload;
}

class Reader {
  offset = 0;
  private readonly view: DataView;
  constructor(private readonly source: Uint8Array) {
    this.view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  }
  get remaining(): number {
    return this.source.byteLength - this.offset;
  }
  private need(length: number, what: string): void {
    if (length > this.remaining) throw new PayloadTruncatedError(what, this.offset, length, this.remaining);
  }
  bytes(length: number, what: string): Uint8Array {
    this.need(length, what);
    const slice = this.source.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.offset++);
  }
  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }
  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }
  /** Skips to the next multiple of `alignment`; the bytes skipped must be zero, as the encoder writes them. */
  padding(alignment: number, what: string): void {
    const start = this.offset;
    const padding = this.bytes(alignUp(start, alignment) - start, what);
    if (padding.some((byte) => byte !== 0)) throw new PayloadCorruptError(`non-zero ${what}`, start);
  }
}

function tensorData(bytes: Uint8Array, dtype: PayloadDtype, count: number): PayloadTensorData {
  const spec = PAYLOAD_DTYPES[dtype];
  if (spec.bytesPerElement === 1) return bytes;
  if (!IS_LITTLE_ENDIAN_HOST) return readBigEndianHost(bytes, dtype, count);
  // A payload inside a larger buffer (a Node Buffer pool slice, a network chunk) can sit at any offset.
  const aligned = bytes.byteOffset % spec.bytesPerElement === 0;
  const source = aligned ? bytes : bytes.slice();
  return spec.create(source.buffer as ArrayBuffer, source.byteOffset, count);
}

function readBigEndianHost(bytes: Uint8Array, dtype: PayloadDtype, count: number): PayloadTensorData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spec = PAYLOAD_DTYPES[dtype];
  const out = spec.create(new ArrayBuffer(count * spec.bytesPerElement), 0, count);
  for (let index = 0; index < count; index++) {
    const at = index * spec.bytesPerElement;
    out[index] =
      dtype === "float32" ? view.getFloat32(at, true)
      : dtype === "float64" ? view.getFloat64(at, true)
      : dtype === "int32" ? view.getInt32(at, true)
      : view.getUint32(at, true);
  }
  return out;
}

function decodeUtf8(bytes: Uint8Array, what: string, offset: number): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new PayloadCorruptError(`${what} is not valid UTF-8`, offset, error);
  }
}

function parseMetadata(bytes: Uint8Array, offset: number): PayloadMetadata {
  const text = decodeUtf8(bytes, "metadata", offset);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PayloadCorruptError("metadata is not valid JSON", offset, error);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new PayloadCorruptError("metadata is not a JSON object", offset);
  }
  return value as PayloadMetadata;
}

function checkExpectations(payload: DecodedPayload, expectations: PayloadExpectations): void {
  if (expectations.kind !== undefined && payload.kind !== expectations.kind) {
    throw new PayloadShapeMismatchError("kind", payloadKindName(expectations.kind), payloadKindName(payload.kind));
  }
  if (expectations.tensors !== undefined) {
    if (payload.tensors.length !== expectations.tensors.length) {
      throw new PayloadShapeMismatchError("tensor count", String(expectations.tensors.length), String(payload.tensors.length));
    }
    expectations.tensors.forEach((expected, index) => {
      const actual = payload.tensors[index]!;
      const field = `tensors[${index}]`;
      if (expected.name !== undefined && actual.name !== expected.name) {
        throw new PayloadShapeMismatchError(`${field}.name`, JSON.stringify(expected.name), JSON.stringify(actual.name));
      }
      if (actual.dtype !== expected.dtype) throw new PayloadShapeMismatchError(`${field}.dtype`, expected.dtype, actual.dtype);
      if (actual.shape.length !== expected.shape.length || actual.shape.some((dim, axis) => dim !== expected.shape[axis])) {
        throw new PayloadShapeMismatchError(`${field}.shape`, `[${expected.shape.join(", ")}]`, `[${actual.shape.join(", ")}]`);
      }
    });
  }
  if (expectations.totalElements !== undefined) {
    const total = payload.tensors.reduce((sum, tensor) => sum + tensor.data.length, 0);
    if (total !== expectations.totalElements) {
      throw new PayloadShapeMismatchError("totalElements", String(expectations.totalElements), String(total));
    }
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
