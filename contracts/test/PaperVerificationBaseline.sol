// SPDX-License-Identifier: MIT
// The MASH paper's verification contract design, rebuilt as a gas baseline for bench/gas.ts: every client stores
// its commitment c_i = g^{s_i} mod q (q = next_prime(2^80), the paper's group) in a storage array, and the check
// multiplies all N stored values mod q in a loop and compares the product with the commitment of the posted batch
// sums. The scalar work (m·k keccak weights over the packed sums, one modexp) runs the same library loop as
// FedmashVerifier's (SampledVerification.weightedSum), so that the measured difference is the design's O(N)
// storage loop. Not secure (an 80-bit group) and never deployed by the Ignition module.
pragma solidity ^0.8.28;

import {SampledVerification} from "../libraries/SampledVerification.sol";

contract PaperVerificationBaseline {
    /// @notice q = next_prime(2^80) = 2^80 + 13, MASH's P.
    uint256 public constant Q = (1 << 80) + 13;
    /// @notice g; the exponents live mod q - 1, so any base works for the check's linearity.
    uint256 public constant GENERATOR = 2;
    /// @notice The same weight tag as SampledVerification (whose loop computes the weights), for the bench.
    bytes32 public constant WEIGHT_TAG = SampledVerification.WEIGHT_TAG;
    address private constant _MODEXP = address(0x05);

    uint256[] private _commitments;
    bool private _checked;
    bool private _passed;

    /// @notice The commitment is not in [1, q).
    error PaperBaselineInvalidCommitment(uint256 commitment);
    /// @notice The modexp precompile failed.
    error PaperBaselineModexpFailed();

    /// @notice A client stored its commitment.
    event CommitmentStored(address indexed client, uint256 commitment, uint256 count);
    /// @notice The check ran over `count` stored commitments.
    event Checked(bool passed, uint256 product, uint256 expected, uint256 count);

    /// @notice A client stores c_i = g^{s_i} mod q.
    function postCommitment(uint256 commitment) external {
        if (commitment == 0 || commitment >= Q) revert PaperBaselineInvalidCommitment(commitment);
        _commitments.push(commitment);
        emit CommitmentStored(msg.sender, commitment, _commitments.length);
    }

    /// @notice Π c_i mod q == g^{Σ w·T mod (q - 1)} mod q, with the weights of `weightSeed`; records the verdict.
    function check(
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums
    ) external returns (bool passed) {
        uint256 count = _commitments.length;
        uint256 product = 1;
        for (uint256 i = 0; i < count; ++i) product = mulmod(product, _commitments[i], Q);

        uint256 expected = _modexp(GENERATOR, exponentOf(weightSeed, partitions, batches, packedSums), Q);
        passed = product == expected;
        _checked = true;
        _passed = passed;
        emit Checked(passed, product, expected, count);
    }

    /// @notice Σ w[j·k + b] · T[j·k + b] mod (q - 1), w = uint256(keccak256(abi.encode(seed, WEIGHT_TAG, j, b))) mod
    /// (q - 1) and negative sums taken mod q - 1: the exponent of the posted sums' commitment. The same library loop
    /// as FedmashVerifier's check, with q - 1 for R.
    function exponentOf(
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums
    ) public pure returns (uint256) {
        return SampledVerification.weightedSum(weightSeed, partitions, batches, packedSums, Q - 1);
    }

    /// @notice How many commitments are stored.
    function commitmentCount() external view returns (uint256) {
        return _commitments.length;
    }

    /// @notice Whether the check ran, and its verdict.
    function verdict() external view returns (bool checked, bool passed) {
        return (_checked, _passed);
    }

    function _modexp(uint256 base, uint256 exponent, uint256 modulus) private view returns (uint256 result) {
        (bool ok, bytes memory output) = _MODEXP.staticcall(abi.encode(32, 32, 32, base, exponent, modulus));
        if (!ok || output.length != 32) revert PaperBaselineModexpFailed();
        result = abi.decode(output, (uint256));
    }
}
