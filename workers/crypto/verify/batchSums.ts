// Batch sums of a quantized vector under the m sampled partitions: sums[j·k + b] = Σ v[i] over the coordinates
// i with batchOf(seed, j, i) = b. One pass per partition, one keccak per (j, block of coordinates).
import { assertPartitionShape } from "./assertPartitionShape";
import { VerificationInputError } from "./errors";
import { normalizeSeed } from "./normalizeSeed";
import { partitionWord, partitionWordBuffer, wordBits } from "./partitionWord";
import { MAX_COORDINATES, type SampleSeed } from "./types";

export type BatchSumsReturnType = BigInt64Array;

export function batchSums(quantized: Int32Array, seed: SampleSeed, m: number, k: number): BatchSumsReturnType {
  const { bitsPerCoordinate, coordinatesPerBlock } = assertPartitionShape(m, k);
  if (!(quantized instanceof Int32Array)) throw new VerificationInputError("vector", "expected an Int32Array of quantized values");
  const d = quantized.length;
  if (d < 1 || d > MAX_COORDINATES) throw new VerificationInputError("vector", `${d} coordinates; expected 1 to ${MAX_COORDINATES}`);
  const buffer = partitionWordBuffer(normalizeSeed(seed));
  // float64 is exact here: |sum| <= d · 2^31 < 2^53 (MAX_COORDINATES), and it is several times faster than BigInt.
  const sums = new Float64Array(m * k);
  const blocks = Math.ceil(d / coordinatesPerBlock);
  const mask = k - 1;
  for (let j = 0; j < m; j++) {
    const base = j * k;
    for (let block = 0; block < blocks; block++) {
      const word = partitionWord(buffer, j, block);
      const first = block * coordinatesPerBlock;
      const end = Math.min(first + coordinatesPerBlock, d);
      if (bitsPerCoordinate === 1) {
        // Halves, the default: read the word bit by bit from its least significant byte (word[31]).
        for (let i = first; i < end; i++) {
          const slot = i - first;
          sums[base + ((word[31 - (slot >> 3)]! >> (slot & 7)) & 1)] += quantized[i]!;
        }
      } else {
        for (let i = first; i < end; i++) sums[base + wordBits(word, bitsPerCoordinate * (i - first), mask)] += quantized[i]!;
      }
    }
  }
  const result = new BigInt64Array(m * k);
  for (let s = 0; s < sums.length; s++) result[s] = BigInt(sums[s]!);
  return result;
}
