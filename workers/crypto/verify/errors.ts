// Named errors of sampled verification: bad inputs (seed, shape, lengths, points), a hash-to-curve that found
// no point, and the client-side finding that a downloaded aggregate disagrees with the accepted batch sums.
import { BaseError } from "../../errors";

export class VerificationInputError extends BaseError {
  override name = "VerificationInputError" as const;
  constructor(what: string, details: string, cause?: unknown) {
    super(`Invalid ${what} for sampled verification.`, { details, cause });
  }
}

export class Bn254PointError extends BaseError {
  override name = "Bn254PointError" as const;
  readonly x: bigint;
  readonly y: bigint;
  constructor(x: bigint, y: bigint, cause?: unknown) {
    super("Not a point of BN254 G1.", { details: `(${x}, ${y}) is not on y^2 = x^3 + 3 over p with coordinates < p`, cause });
    this.x = x;
    this.y = y;
  }
}

export class HashToCurveExhaustedError extends BaseError {
  override name = "HashToCurveExhaustedError" as const;
  constructor(domain: string, index: bigint, tries: number) {
    super("Hash-to-curve found no point.", { details: `domain "${domain}", index ${index}: no square x^3 + 3 in ${tries} tries` });
  }
}

export class AggregateVerificationError extends BaseError {
  override name = "AggregateVerificationError" as const;
  /** The first partition j (in order) whose batch sums disagree. */
  readonly partition: number;
  /** The first batch b of that partition that disagrees. */
  readonly batch: number;
  readonly expected: bigint;
  readonly actual: bigint;
  constructor(partition: number, batch: number, expected: bigint, actual: bigint) {
    super("The downloaded aggregate does not match the batch sums the contract accepted.", {
      details: `partition ${partition}, batch ${batch}: accepted ${expected}, the aggregate sums to ${actual}; do not train on it`,
    });
    this.partition = partition;
    this.batch = batch;
    this.expected = expected;
    this.actual = actual;
  }
}
