// SPDX-License-Identifier: MIT
// Test-only: the MASH draw as the coordinator made it before issue 14, in the transaction that filled the round, from
// keccak256(blockhash(block.number - 1), prevrandao, contract, roundId, participants). Kept so that a test can show
// that a contract client filling the round could compute that draw in its own join and revert until its Sybil was
// the holder (test/contracts/grinding.test.ts). Never deployed by the Ignition module.
pragma solidity ^0.8.28;

import {GroupingLib} from "../libraries/GroupingLib.sol";

contract LegacyDrawHarness {
    /// @notice The round id the seed mixes in, as the coordinator's did.
    uint256 public immutable roundId;
    /// @notice The join that brings the participants to this count draws.
    uint256 public immutable maxClients;

    address[] private _participants;
    /// @notice The drawn holder; zero until the round is full.
    address public holder;
    /// @notice The seed the holder was drawn from.
    bytes32 public seed;

    /// @notice The round is full.
    error LegacyDrawRoundFull(uint256 maxClients);

    constructor(uint256 roundId_, uint256 maxClients_) {
        roundId = roundId_;
        maxClients = maxClients_;
    }

    /// @notice Adds the caller; the `maxClients`-th join draws the holder in the same transaction, as before.
    function join() external {
        if (_participants.length >= maxClients) revert LegacyDrawRoundFull(maxClients);
        _participants.push(msg.sender);
        if (_participants.length < maxClients) return;
        address[] memory joined = _participants;
        bytes32 drawn = keccak256(
            abi.encode(blockhash(block.number - 1), block.prevrandao, address(this), roundId, joined)
        );
        (uint256 holderIndex, ) = GroupingLib.draw(drawn, joined.length);
        seed = drawn;
        holder = joined[holderIndex];
    }

    /// @notice The joined accounts in joining order.
    function participants() external view returns (address[] memory) {
        return _participants;
    }
}
