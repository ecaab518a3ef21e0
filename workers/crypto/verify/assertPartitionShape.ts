// Validates the partition shape (m partitions of k batches) once, with the same limits as the contract, and
// returns the bits per batch index and the coordinates one keccak word covers.
import { VerificationInputError } from "./errors";
import { MAX_BATCHES, MAX_BATCH_SUMS } from "./types";

export interface AssertPartitionShapeReturnType {
  /** log2(k): bits of the keccak word per coordinate. */
  readonly bitsPerCoordinate: number;
  /** floor(256 / log2 k): coordinates per keccak word (per block). */
  readonly coordinatesPerBlock: number;
}

export function assertPartitionShape(m: number, k: number): AssertPartitionShapeReturnType {
  if (!Number.isSafeInteger(m) || m < 1) throw new VerificationInputError("partition count", `m = ${m}; expected an integer >= 1`);
  // Powers of two only: a batch index is then an unbiased bit field of the keccak word.
  if (!Number.isSafeInteger(k) || k < 2 || k > MAX_BATCHES || (k & (k - 1)) !== 0) {
    throw new VerificationInputError("batch count", `k = ${k}; expected a power of two in [2, ${MAX_BATCHES}]`);
  }
  if (m * k > MAX_BATCH_SUMS) throw new VerificationInputError("partition shape", `m·k = ${m * k} batch sums; at most ${MAX_BATCH_SUMS}`);
  const bitsPerCoordinate = Math.log2(k);
  return { bitsPerCoordinate, coordinatesPerBlock: Math.floor(256 / bitsPerCoordinate) };
}
