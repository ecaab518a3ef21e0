// SPDX-License-Identifier: MIT
// Test-only attacker: a contract account that registers as an aggregator (and may own a task), forwards its
// controller's calls, and when paid re-enters the payer with a prepared call, to show that FedmashVerifier's
// payouts cannot be entered twice. Never deployed by the Ignition module.
pragma solidity ^0.8.28;

contract ReentrantAggregator {
    address private immutable _controller;
    address private _reentryTarget;
    bytes private _reentryCall;

    /// @notice Only the deployer drives this account.
    error ReentrantAggregatorNotController(address caller);

    /// @notice Emitted when a payment arrives while no re-entry is armed.
    event Paid(uint256 amount);

    constructor() {
        _controller = msg.sender;
    }

    /// @notice Calls `target` with `data` and `msg.value` as this account, bubbling any revert unchanged.
    function execute(address target, bytes calldata data) external payable returns (bytes memory result) {
        if (msg.sender != _controller) revert ReentrantAggregatorNotController(msg.sender);
        bool success;
        (success, result) = target.call{value: msg.value}(data);
        if (!success) _bubble(result);
    }

    /// @notice The next payment re-enters `target` with `data` (once); an empty `data` disarms.
    function arm(address target, bytes calldata data) external {
        if (msg.sender != _controller) revert ReentrantAggregatorNotController(msg.sender);
        _reentryTarget = target;
        _reentryCall = data;
    }

    receive() external payable {
        bytes memory reentry = _reentryCall;
        if (reentry.length == 0) {
            emit Paid(msg.value);
            return;
        }
        delete _reentryCall;
        (bool success, bytes memory result) = _reentryTarget.call(reentry);
        // Bubbling makes the payer's own transfer fail with the guard's error, which the test asserts.
        if (!success) _bubble(result);
    }

    function _bubble(bytes memory revertData) private pure {
        assembly ("memory-safe") {
            revert(add(revertData, 0x20), mload(revertData))
        }
    }
}
