// SPDX-License-Identifier: MIT
// Test-only harness exposing Bn254 and SampledVerification so that tests can compare them with the TS side and
// measure their gas; the coordinator wires the libraries in for real. Never deployed by the Ignition module.
pragma solidity ^0.8.28;

import {Bn254} from "../libraries/Bn254.sol";
import {SampledVerification} from "../libraries/SampledVerification.sol";

contract SampledVerificationHarness {
    using SampledVerification for SampledVerification.Accumulator;

    SampledVerification.Accumulator private _accumulator;

    /// @notice Emitted by checkBatchSums, so the final check runs (and is measured) as a transaction.
    event BatchSumsChecked(bytes32 indexed weightSeed, bool matched);

    function add(uint256 ax, uint256 ay, uint256 bx, uint256 by) external view returns (uint256, uint256) {
        Bn254.G1Point memory sum = Bn254.add(Bn254.G1Point(ax, ay), Bn254.G1Point(bx, by));
        return (sum.x, sum.y);
    }

    function mul(uint256 x, uint256 y, uint256 scalar) external view returns (uint256, uint256) {
        Bn254.G1Point memory product = Bn254.mul(Bn254.G1Point(x, y), scalar);
        return (product.x, product.y);
    }

    function isOnCurve(uint256 x, uint256 y) external pure returns (bool) {
        return Bn254.isOnCurve(Bn254.G1Point(x, y));
    }

    function hashToCurve(string calldata domain, uint256 index) external view returns (uint256, uint256, uint256) {
        (Bn254.G1Point memory point, uint256 counter) = Bn254.hashToCurve(bytes(domain), index);
        return (point.x, point.y, counter);
    }

    function generators() external pure returns (uint256 gx, uint256 gy, uint256 hx, uint256 hy, string memory domain) {
        return (
            SampledVerification.G_X,
            SampledVerification.G_Y,
            SampledVerification.H_X,
            SampledVerification.H_Y,
            SampledVerification.GENERATOR_DOMAIN
        );
    }

    function batchOf(bytes32 seed, uint256 partition, uint256 coordinate, uint256 batches) external pure returns (uint256) {
        return SampledVerification.batchOf(seed, partition, coordinate, batches);
    }

    function weight(bytes32 weightSeed, uint256 partition, uint256 batch) external pure returns (uint256) {
        return SampledVerification.weight(weightSeed, partition, batch);
    }

    function batchSumsScalar(
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums
    ) external pure returns (uint256) {
        return SampledVerification.batchSumsScalar(weightSeed, partitions, batches, packedSums);
    }

    function accumulate(uint256 x, uint256 y) external {
        _accumulator.accumulate(Bn254.G1Point(x, y));
    }

    function runningSum() external view returns (uint256, uint256) {
        Bn254.G1Point memory sum = _accumulator.runningSum();
        return (sum.x, sum.y);
    }

    function matches(
        bytes32 weightSeed,
        uint256 partitions,
        uint256 batches,
        bytes calldata packedSums
    ) external view returns (bool) {
        return _accumulator.matches(weightSeed, partitions, batches, packedSums);
    }

    function checkBatchSums(bytes32 weightSeed, uint256 partitions, uint256 batches, bytes calldata packedSums) external {
        emit BatchSumsChecked(weightSeed, _accumulator.matches(weightSeed, partitions, batches, packedSums));
    }
}
