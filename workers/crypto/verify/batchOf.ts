// The batch of one coordinate under one partition: the reference rule, one hash per call. The contract's
// SampledVerification.batchOf is the same function; batchSums is its bulk form.
import { assertPartitionShape } from "./assertPartitionShape";
import { VerificationInputError } from "./errors";
import { normalizeSeed } from "./normalizeSeed";
import { partitionWord, partitionWordBuffer, wordBits } from "./partitionWord";
import type { SampleSeed } from "./types";

export function batchOf(seed: SampleSeed, partition: number, coordinate: number, k: number): number {
  const { bitsPerCoordinate, coordinatesPerBlock } = assertPartitionShape(1, k);
  if (!Number.isSafeInteger(partition) || partition < 0 || partition > 0xffffffff) {
    throw new VerificationInputError("partition", `j = ${partition}; expected an integer in [0, 2^32)`);
  }
  if (!Number.isSafeInteger(coordinate) || coordinate < 0 || coordinate > 0xffffffff) {
    throw new VerificationInputError("coordinate", `i = ${coordinate}; expected an integer in [0, 2^32)`);
  }
  const block = Math.floor(coordinate / coordinatesPerBlock);
  const word = partitionWord(partitionWordBuffer(normalizeSeed(seed)), partition, block);
  return wordBits(word, bitsPerCoordinate * (coordinate % coordinatesPerBlock), k - 1);
}
