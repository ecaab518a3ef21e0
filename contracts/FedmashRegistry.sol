// SPDX-License-Identifier: MIT
// Permissionless participant registry: one role and one ECIES key per account, read by the coordinator.
pragma solidity ^0.8.28;

import {IFedmashRegistry} from "./interfaces/IFedmashRegistry.sol";
import {Secp256k1} from "./libraries/Secp256k1.sol";

/// @title FedmashRegistry
/// @notice See {IFedmashRegistry}.
contract FedmashRegistry is IFedmashRegistry {
    mapping(address account => Participant) private _participants;
    mapping(Role role => uint256) private _activeCounts;

    /// @inheritdoc IFedmashRegistry
    function register(Role role, bytes calldata encryptionKey) external {
        if (role == Role.None) revert RegistryInvalidRole();
        Participant storage record = _participants[msg.sender];
        if (record.role != Role.None) revert RegistryAlreadyRegistered(msg.sender);
        _validateEncryptionKey(encryptionKey);

        record.role = role;
        record.active = true;
        record.registeredAt = uint64(block.timestamp);
        record.encryptionKey = encryptionKey;
        _activeCounts[role] += 1;

        emit ParticipantRegistered(msg.sender, role, encryptionKey);
    }

    /// @inheritdoc IFedmashRegistry
    function updateEncryptionKey(bytes calldata encryptionKey) external {
        Participant storage record = _activeParticipant(msg.sender);
        _validateEncryptionKey(encryptionKey);
        record.encryptionKey = encryptionKey;
        emit EncryptionKeyUpdated(msg.sender, encryptionKey);
    }

    /// @inheritdoc IFedmashRegistry
    function deactivate() external {
        Participant storage record = _activeParticipant(msg.sender);
        record.active = false;
        _activeCounts[record.role] -= 1;
        emit ParticipantDeactivated(msg.sender);
    }

    /// @inheritdoc IFedmashRegistry
    function participant(address account) external view returns (Participant memory) {
        return _participants[account];
    }

    /// @inheritdoc IFedmashRegistry
    function isActive(address account, Role role) external view returns (bool) {
        Participant storage record = _participants[account];
        return record.active && record.role == role;
    }

    /// @inheritdoc IFedmashRegistry
    function participantCount(Role role) external view returns (uint256) {
        return _activeCounts[role];
    }

    /// @dev The record of `account`, which must have registered and still be active.
    function _activeParticipant(address account) private view returns (Participant storage record) {
        record = _participants[account];
        if (record.role == Role.None) revert RegistryNotRegistered(account);
        if (!record.active) revert RegistryNotActive(account);
    }

    /// @dev Rejects keys that peers could not encrypt to, with the most specific reason first.
    function _validateEncryptionKey(bytes calldata key) private view {
        if (key.length != 33 && key.length != 65) revert RegistryInvalidEncryptionKey(key.length);
        bytes1 prefix = key[0];
        bool prefixMatchesLength = key.length == 33 ? (prefix == 0x02 || prefix == 0x03) : prefix == 0x04;
        if (!prefixMatchesLength) revert RegistryInvalidEncryptionKeyPrefix(prefix);
        if (!Secp256k1.isOnCurve(key)) revert RegistryEncryptionKeyNotOnCurve();
    }
}
