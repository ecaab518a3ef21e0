// SPDX-License-Identifier: MIT
// Sampled verification of an aggregate (MASH's check, on BN254): after the aggregate is posted a seed fixes m
// random partitions of the coordinates into k batches and one random weight per batch. Each included client
// commits C_i = (Σ w·S_i mod r)·G to its batch sums S_i; the contract keeps Σ C_i as they arrive; the aggregator
// posts the aggregate's batch sums T, and the check is (Σ w·T mod r)·G == Σ C_i: one ecMul, whatever N is.
// workers/crypto/verify/ computes the same partitions, weights and points; docs/VERIFICATION.md has the bound.
pragma solidity ^0.8.28;

import {Bn254} from "./Bn254.sol";

/// @title SampledVerification
/// @notice Partitions, weights and the running-sum check. The partition shape (m, k) is the caller's; defaults
/// give a tamper-pass probability of at most 2^-64 + 2^-253.
library SampledVerification {
    /// @notice Default number of partitions m.
    uint256 internal constant DEFAULT_PARTITIONS = 64;
    /// @notice Default batches per partition k (halves, as in the MASH paper).
    uint256 internal constant DEFAULT_BATCHES = 2;
    /// @notice k is a power of two up to this, so a batch index is an unbiased bit field of a keccak word.
    uint256 internal constant MAX_BATCHES = 256;
    /// @notice The most batch sums m·k one check reads.
    uint256 internal constant MAX_BATCH_SUMS = 1024;
    /// @notice Each batch sum is a big-endian two's-complement int64 in the packed calldata.
    uint256 internal constant BATCH_SUM_BYTES = 8;

    /// @notice Domain of the generators: G is hashToCurve(GENERATOR_DOMAIN, 0), H is index 1.
    string internal constant GENERATOR_DOMAIN = "fedmash/sampled-verification/bn254-g1/v1";
    /// @notice G = Bn254.hashToCurve(GENERATOR_DOMAIN, 0), counter 0; stored because the derivation costs a modexp.
    uint256 internal constant G_X = 13386257763661780124365736710598800304850916462302513039941830954938691253714;
    uint256 internal constant G_Y = 887593864009798549038347073534399895120872960831142683245986942316821020356;
    /// @notice H = Bn254.hashToCurve(GENERATOR_DOMAIN, 1), counter 0: the blinding point, unused by the check itself.
    uint256 internal constant H_X = 19479967967851455376932740202125309108688712823442768619421909798553950634656;
    uint256 internal constant H_Y = 13529848800507309896259370248306077025081177117322823326060733642039974918220;

    /// @notice Tag of the partition words: keccak256(abi.encode(seed, PARTITION_TAG, j, block)).
    bytes32 internal constant PARTITION_TAG = keccak256("fedmash/sampled-verification/partition/v1");
    /// @notice Tag of the weights: keccak256(abi.encode(weightSeed, WEIGHT_TAG, j, b)) mod R.
    bytes32 internal constant WEIGHT_TAG = keccak256("fedmash/sampled-verification/weight/v1");

    /// @notice The running sum of the commitments that arrived.
    struct Accumulator {
        Bn254.G1Point sum;
    }

    /// @notice m is 0, k is not a power of two in [2, MAX_BATCHES], or m·k exceeds MAX_BATCH_SUMS.
    error SampledVerificationInvalidShape(uint256 partitions, uint256 batches);
    /// @notice The packed batch sums are not m·k int64 values.
    error SampledVerificationInvalidBatchSums(uint256 length, uint256 expectedLength);

    /// @notice Reverts with SampledVerificationInvalidShape unless (m, k) is a valid shape.
    function requireShape(uint256 partitions, uint256 batches) internal pure {
        if (
            partitions == 0 ||
            batches < 2 ||
            batches > MAX_BATCHES ||
            batches & (batches - 1) != 0 ||
            partitions * batches > MAX_BATCH_SUMS
        ) revert SampledVerificationInvalidShape(partitions, batches);
    }

    /// @notice The batch of `coordinate` under partition `partition` with `batches` = k batches.
    /// @dev With t = log2 k and c = 256 / t coordinates per word, coordinate i reads bits [t·(i mod c), t·(i mod c)
    /// + t) of keccak256(abi.encode(seed, PARTITION_TAG, j, i / c)). Workers hash one word per block of c.
    function batchOf(bytes32 seed, uint256 partition, uint256 coordinate, uint256 batches) internal pure returns (uint256) {
        requireShape(1, batches);
        uint256 bits = _log2(batches);
        uint256 perWord = 256 / bits;
        uint256 word = uint256(keccak256(abi.encode(seed, PARTITION_TAG, partition, coordinate / perWord)));
        return (word >> (bits * (coordinate % perWord))) & (batches - 1);
    }

    /// @notice The weight of batch `batch` of partition `partition`.
    /// @dev `weightSeed` may be the partition seed; a second seed fixed after the aggregator posted its batch sums
    /// also makes a pass prove that those sums are the true ones (docs/VERIFICATION.md).
    function weight(bytes32 weightSeed, uint256 partition, uint256 batch) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(weightSeed, WEIGHT_TAG, partition, batch))) % Bn254.R;
    }

    /// @notice Σ weight(j, b) · S[j·k + b] mod R over the packed batch sums, each int64 taken mod R.
    /// @param packedSums m·k big-endian int64, 8 bytes each, in the order j·k + b.
    function batchSumsScalar(
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums
    ) internal pure returns (uint256) {
        return weightedSum(weightSeed, partitions, batches, packedSums, Bn254.R);
    }

    /// @notice Σ w(j, b) · S[j·k + b] mod `modulus`, with w(j, b) = uint256(keccak256(abi.encode(weightSeed,
    /// WEIGHT_TAG, j, b))) mod `modulus` and each int64 taken mod `modulus`. {batchSumsScalar} is this mod R; the
    /// MASH paper's design (contracts/test/PaperVerificationBaseline.sol) uses it mod q − 1.
    function weightedSum(
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums,
        uint256 modulus
    ) internal pure returns (uint256 scalar) {
        requireShape(partitions, batches);
        uint256 count = partitions * batches;
        if (packedSums.length != count * BATCH_SUM_BYTES) {
            revert SampledVerificationInvalidBatchSums(packedSums.length, count * BATCH_SUM_BYTES);
        }
        bytes32 tag = WEIGHT_TAG;
        assembly ("memory-safe") {
            // Scratch past the free memory pointer for abi.encode(weightSeed, tag, j, b); never allocated.
            let buffer := mload(0x40)
            mstore(buffer, weightSeed)
            mstore(add(buffer, 0x20), tag)
            let offset := packedSums.offset
            for { let j := 0 } lt(j, partitions) { j := add(j, 1) } {
                mstore(add(buffer, 0x40), j)
                for { let b := 0 } lt(b, batches) { b := add(b, 1) } {
                    mstore(add(buffer, 0x60), b)
                    let w := mod(keccak256(buffer, 0x80), modulus)
                    // The top 8 bytes of the word, sign-extended; adding the modulus then reducing maps -x to m - x.
                    let sum := signextend(7, shr(192, calldataload(offset)))
                    scalar := addmod(scalar, mulmod(w, mod(add(sum, modulus), modulus), modulus), modulus)
                    offset := add(offset, 8)
                }
            }
        }
    }

    /// @notice Adds a client's commitment to the running sum, after checking it is on the curve.
    function accumulate(Accumulator storage self, Bn254.G1Point memory commitment) internal {
        Bn254.requireOnCurve(commitment);
        self.sum = Bn254.add(self.sum, commitment);
    }

    /// @notice The running sum of the commitments so far.
    function runningSum(Accumulator storage self) internal view returns (Bn254.G1Point memory) {
        return self.sum;
    }

    /// @notice Whether the posted batch sums match the running sum: (Σ w·T mod R)·G == Σ C_i.
    function matches(
        Accumulator storage self,
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums
    ) internal view returns (bool) {
        uint256 scalar = batchSumsScalar(weightSeed, partitions, batches, packedSums);
        return Bn254.eq(Bn254.mul(Bn254.G1Point(G_X, G_Y), scalar), self.sum);
    }

    function _log2(uint256 powerOfTwo) private pure returns (uint256 bits) {
        while (powerOfTwo > 1) {
            powerOfTwo >>= 1;
            ++bits;
        }
    }
}
