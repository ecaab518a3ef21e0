// SPDX-License-Identifier: MIT
// The two on-chain steps of a Shamir round's sampled verification that carry the BN254 arithmetic, as an external library,
// so that the verifier links them rather than embeds them (the verifier factory's code holds the verifier's, within
// EIP-170's limit). SampledVerification holds the rules; this only calls them.
pragma solidity ^0.8.28;

import {Bn254} from "./Bn254.sol";
import {SampledVerification} from "./SampledVerification.sol";

/// @title SampledVerificationCheck
/// @notice {SampledVerification-accumulate} and {SampledVerification-matches}, linked.
library SampledVerificationCheck {
    /// @notice Adds a client's commitment (x, y) to the running sum; reverts unless it is on the curve.
    function accumulate(SampledVerification.Accumulator storage self, uint256 x, uint256 y) external {
        SampledVerification.accumulate(self, Bn254.G1Point(x, y));
    }

    /// @notice Whether the posted batch sums match the running sum: (Σ w·T mod R)·G == Σ C_i.
    function matches(
        SampledVerification.Accumulator storage self,
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums
    ) external view returns (bool) {
        return SampledVerification.matches(self, weightSeed, partitions, batches, packedSums);
    }
}
