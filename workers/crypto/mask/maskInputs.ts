// Input checks every mask group runs before its kernel sees the data: the update, the start index, the
// masked vectors' shape and the aggregate bound, each failure a named error. Both groups use them (paper-compat
// with three limbs per element, rlwr-2048 with two).
import { MaskCiphertextMalformedError, MaskInputError, MaskLengthMismatchError } from "./errors";

/** 2^26 elements (64 Mi) per vector: far above the 804,554 of the CNN, below what memory allows. */
export const MAX_VECTOR_ELEMENTS = 1 << 26;

export function checkQuantized(quantized: unknown): Int32Array {
  if (!(quantized instanceof Int32Array)) {
    throw new MaskInputError("update", "the quantized update must be an Int32Array (see quantize())");
  }
  if (quantized.length > MAX_VECTOR_ELEMENTS) {
    throw new MaskInputError("update", `${quantized.length} elements is more than ${MAX_VECTOR_ELEMENTS}`);
  }
  return quantized;
}

/** start must be an integer with [start, start + length) inside [0, limit). */
export function checkStart(start: unknown, length: number, limit: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof start !== "number" || !Number.isSafeInteger(start) || start < 0 || start + length > limit) {
    throw new MaskInputError("start index", `start must be an integer in [0, ${limit} - d], got ${String(start)}`);
  }
  return start;
}

/** A non-empty array of Uint32Array, each a whole number of `limbs`-limb elements, all the same length. */
export function checkMaskedVectors(masked: unknown, limbs: number): Uint32Array[] {
  if (!Array.isArray(masked) || masked.length === 0) {
    throw new MaskInputError("masked vectors", "expected a non-empty array of Uint32Array");
  }
  const vectors = masked as unknown[];
  vectors.forEach((vector, v) => {
    if (!(vector instanceof Uint32Array)) throw new MaskInputError("masked vectors", `vector ${v} is not a Uint32Array`);
    if (vector.length % limbs !== 0) {
      throw new MaskCiphertextMalformedError(v, Math.floor(vector.length / limbs), `${vector.length} u32 limbs is not a multiple of ${limbs}`);
    }
    if (vector.length > MAX_VECTOR_ELEMENTS * limbs) {
      throw new MaskInputError("masked vectors", `vector ${v} has ${vector.length / limbs} elements, more than ${MAX_VECTOR_ELEMENTS}`);
    }
    if (vector.length !== (vectors[0] as Uint32Array).length) {
      throw new MaskLengthMismatchError(v, (vectors[0] as Uint32Array).length, vector.length);
    }
  });
  return vectors as Uint32Array[];
}

/** An integer bound in [0, max]. */
export function checkBound(bound: unknown, max: number): number {
  if (typeof bound !== "number" || !Number.isSafeInteger(bound) || bound < 0 || bound > max) {
    throw new MaskInputError("bound", `bound must be an integer in [0, ${max}], got ${String(bound)}`);
  }
  return bound;
}
