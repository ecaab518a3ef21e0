// Named errors of the mask group: bad seeds, bad inputs, mismatched or malformed masked vectors, and a
// sum the bounded discrete log cannot find.
import { BaseError } from "../../errors";

export class MaskGroupUnknownError extends BaseError {
  override name = "MaskGroupUnknownError" as const;
  constructor(id: string) {
    super(`Unknown mask group "${id}".`, { details: 'the known groups are "rlwr-2048" (secure, the default) and "paper-compat" (80-bit, NOT secure)' });
  }
}

/**
 * A seed, a seed coefficient (rlwr-2048) or a seed's text that is not what the group accepts: `value` is the
 * offending bigint, or the text or value of another type, and every bigint part must stay below `limit` in magnitude.
 */
export class MaskSeedOutOfRangeError extends BaseError {
  override name = "MaskSeedOutOfRangeError" as const;
  constructor(value: unknown, limit: bigint) {
    const shown = typeof value === "bigint" ? value.toString() : typeof value === "string" ? `text of ${value.length} characters` : `a value of type ${typeof value}`;
    super("The mask seed is out of range.", { details: `got ${shown}; the group accepts seeds whose values are bigints with magnitude below ${limit}` });
  }
}

export class MaskInputError extends BaseError {
  override name = "MaskInputError" as const;
  constructor(what: string, details: string) {
    super(`Invalid ${what} for the mask group.`, { details });
  }
}

export class MaskLengthMismatchError extends BaseError {
  override name = "MaskLengthMismatchError" as const;
  readonly expected: number;
  readonly actual: number;
  readonly vector: number;
  constructor(vector: number, expected: number, actual: number) {
    super("Masked vectors differ in length.", { details: `vector ${vector} has ${actual} u32 limbs, expected ${expected}` });
    this.vector = vector;
    this.expected = expected;
    this.actual = actual;
  }
}

export class MaskCiphertextMalformedError extends BaseError {
  override name = "MaskCiphertextMalformedError" as const;
  readonly vector: number;
  readonly index: number;
  constructor(vector: number, index: number, reason: string) {
    super("A masked vector is malformed.", { details: `vector ${vector}, element ${index}: ${reason}` });
    this.vector = vector;
    this.index = index;
  }
}

export class DlogOutOfRangeError extends BaseError {
  override name = "DlogOutOfRangeError" as const;
  readonly index: number;
  readonly bound: number;
  constructor(index: number, bound: number) {
    super("The aggregate has no discrete log within the bound.", {
      details: `element ${index}: no x with |x| <= ${bound} and 2^x = product (seeds that do not sum to zero, a missing or extra client, or a bound too small)`,
    });
    this.index = index;
    this.bound = bound;
  }
}

/** Settings the mask group cannot aggregate exactly, refused before a task starts (docs/MASKING.md). */
export class MaskSettingsUnsupportedError extends BaseError {
  override name = "MaskSettingsUnsupportedError" as const;
  constructor(group: string, what: string, limit: string, fix: string) {
    super(`The ${group} mask group cannot aggregate ${what}: ${limit}.`, { details: `Try ${fix}.` });
  }
}

/**
 * rlwr-2048: a coordinate of the aggregate does not decode (2|e| ≥ N or |G| > bound). That is what a
 * missing or extra vector, a wrong seed or a tampered element gives (docs/MASKING.md).
 */
export class MaskDecodeError extends BaseError {
  override name = "MaskDecodeError" as const;
  readonly index: number;
  readonly residual: number;
  readonly bound: number;
  constructor(index: number, residual: number, bound: number, details: string) {
    super("The aggregate does not decode to a sum within the bound.", {
      details: `element ${index}: residual ${residual}, bound ${bound}; ${details} (seeds that do not sum to zero, a missing or extra vector, or a tampered element)`,
    });
    this.index = index;
    this.residual = residual;
    this.bound = bound;
  }
}
