// The random weights of the batch sums: w[j·k + b] = uint256(keccak256(abi.encode(weightSeed,
// keccak256(WEIGHT_TAG), j, b))) mod r. The weight seed may be the partition seed, or (stronger, see
// docs/VERIFICATION.md) a second seed fixed only after the aggregator posted its batch sums. They fold the m·k batch sums into one scalar, so a commitment is one point and the contract does
// one ecMul. Reducing a 256-bit hash mod r (~2^253.6) skews the distribution by less than 2^-252 per weight.
import { AbiCoder, id, keccak256 } from "ethers";
import { assertPartitionShape } from "./assertPartitionShape";
import { normalizeSeed } from "./normalizeSeed";
import { BN254_GROUP_ORDER, WEIGHT_TAG, type SampleSeed } from "./types";

const WEIGHT_TAG_HASH = id(WEIGHT_TAG);
const coder = AbiCoder.defaultAbiCoder();

export function batchWeights(weightSeed: SampleSeed, m: number, k: number): bigint[] {
  assertPartitionShape(m, k);
  const seed32 = normalizeSeed(weightSeed);
  const weights: bigint[] = [];
  for (let j = 0; j < m; j++) {
    for (let b = 0; b < k; b++) {
      weights.push(BigInt(keccak256(coder.encode(["bytes32", "bytes32", "uint256", "uint256"], [seed32, WEIGHT_TAG_HASH, j, b]))) % BN254_GROUP_ORDER);
    }
  }
  return weights;
}
