// Named failures of Shamir sharing over GF(2^31 - 1). Errors about a share-sum or a share payload name the
// server index (0-based) they concern, so the protocol layer can blame the right server or client.
import { BaseError } from "../../errors";

/** A parameter or input vector that cannot be used: threshold, server count, bound, secret range, randomness. */
export class ShamirInputError extends BaseError {
  override name = "ShamirInputError" as const;
  constructor(what: string, details: string, parameters: { cause?: unknown } = {}) {
    super(`Invalid ${what} for Shamir sharing.`, { details, cause: parameters.cause });
  }
}

/** A server index outside 0..15 (x = serverIndex + 1 must be a nonzero point of the polynomial). */
export class ShamirServerIndexError extends BaseError {
  override name = "ShamirServerIndexError" as const;
  constructor(
    readonly serverIndex: unknown,
    readonly servers: number,
  ) {
    super("A Shamir server index is out of range.", { details: `got ${String(serverIndex)}, expected an integer in [0, ${servers - 1}]` });
  }
}

/** Two share-sums claim the same server index: one of them would be counted twice in the interpolation. */
export class ShamirDuplicateServerError extends BaseError {
  override name = "ShamirDuplicateServerError" as const;
  constructor(readonly serverIndex: number) {
    super("Two Shamir share-sums have the same server index.", { details: `server index ${serverIndex} appears more than once` });
  }
}

/** Vectors that must be coordinate-aligned have different lengths. */
export class ShamirLengthMismatchError extends BaseError {
  override name = "ShamirLengthMismatchError" as const;
  constructor(
    readonly what: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super("Shamir share vectors differ in length.", { details: `${what} has ${actual} elements, expected ${expected}` });
  }
}

/** A share value that is not a field element (>= p), or a payload that is not a Shamir share at all. */
export class ShamirMalformedShareError extends BaseError {
  override name = "ShamirMalformedShareError" as const;
  constructor(
    reason: string,
    readonly serverIndex: number | undefined = undefined,
    readonly index: number | undefined = undefined,
  ) {
    const where = [serverIndex === undefined ? undefined : `server index ${serverIndex}`, index === undefined ? undefined : `element ${index}`]
      .filter((part) => part !== undefined)
      .join(", ");
    super(`Malformed Shamir share${where ? ` (${where})` : ""}: ${reason}.`);
  }
}

/** Fewer share-sums than the threshold: the degree t - 1 polynomial is not determined. */
export class ShamirNotEnoughSharesError extends BaseError {
  override name = "ShamirNotEnoughSharesError" as const;
  constructor(
    readonly given: number,
    readonly threshold: number,
  ) {
    super("Not enough Shamir share-sums to reconstruct.", { details: `${given} given, the threshold is ${threshold}` });
  }
}

/** No polynomial of degree t - 1 is supported by t + 1 of the given share-sums (or two are, equally well). */
export class ShamirInconsistentSharesError extends BaseError {
  override name = "ShamirInconsistentSharesError" as const;
  constructor(
    reason: string,
    readonly serverIndices: readonly number[],
  ) {
    super("The Shamir share-sums are inconsistent and cannot be reconciled.", { details: `${reason} (servers ${serverIndices.join(", ")})` });
  }
}

/** The reconstructed sum lies outside the task's bound: a lying server, a wrong client set or a bound too small. */
export class ShamirRangeError extends BaseError {
  override name = "ShamirRangeError" as const;
  constructor(
    readonly index: number,
    readonly value: number,
    readonly bound: number,
  ) {
    super("The reconstructed Shamir sum is out of range.", { details: `element ${index} is ${value}, |sum| must be <= ${bound}` });
  }
}

/** A share payload addressed to another server, round, client or vector length than the one decrypting it. */
export class ShamirWrongServerError extends BaseError {
  override name = "ShamirWrongServerError" as const;
  constructor(
    readonly field: "serverIndex" | "roundId" | "client" | "elementCount",
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`This Shamir share is not addressed to this server: its ${field} differs.`, { details: `expected ${field} ${expected}, the payload says ${actual}` });
  }
}

/** The encrypted share does not authenticate, or its encrypted header hash / length differs from the clear header. */
export class ShamirShareTamperedError extends BaseError {
  override name = "ShamirShareTamperedError" as const;
  constructor(reason: string, parameters: { details?: string; cause?: unknown } = {}) {
    super(`The Shamir share payload was tampered with: ${reason}.`, parameters);
  }
}

/** p = 2^31 - 1 cannot hold the task's largest aggregate without wrapping (|sum| must stay below (p - 1) / 2). */
export class ShamirFieldTooSmallError extends BaseError {
  override name = "ShamirFieldTooSmallError" as const;
  constructor(
    readonly bound: number,
    readonly limit: number,
    facts: string,
  ) {
    super("The Shamir field p = 2^31 - 1 is too small for this task's aggregate.", {
      details: `${facts} gives a bound of ${bound}, which must be below (p - 1) / 2 = ${limit}; lower the clip, the scale, the noise or the client count`,
    });
  }
}

/**
 * A decrypted share is not the one its client committed to: its vector Merkle root (fedmash/shamir-commit/v1) differs
 * from the manifest's shareRoots entry for this server, so a share-sum dispute could not open it.
 */
export class ShamirShareCommitmentMismatchError extends BaseError {
  override name = "ShamirShareCommitmentMismatchError" as const;
  constructor(
    readonly serverIndex: number,
    readonly committed: string,
    readonly actual: string,
  ) {
    super("The decrypted Shamir share does not match the root its client committed to.", { details: `server index ${serverIndex}: the manifest commits to ${committed}, the share's root is ${actual}` });
  }
}
