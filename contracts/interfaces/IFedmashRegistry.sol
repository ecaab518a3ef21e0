// SPDX-License-Identifier: MIT
// Permissionless registry of fedmash participants: who takes part, in which role, and under which ECIES key
// the others encrypt to them. The coordinator reads it; it never writes to it.
pragma solidity ^0.8.28;

/// @title IFedmashRegistry
/// @notice Every account registers once, with one role and its secp256k1 public key for ECIES. Workers
/// look keys up here instead of trusting a setup node to hand them out.
interface IFedmashRegistry {
    /// @notice What a participant does in a round. `None` marks an account that never registered.
    enum Role {
        None,
        Client,
        Aggregator,
        Server
    }

    /// @notice A registered account.
    /// @param role The role chosen at registration; it never changes.
    /// @param active False once the participant deactivated itself.
    /// @param registeredAt Block timestamp of the registration.
    /// @param encryptionKey secp256k1 public key, SEC1-encoded: 33 bytes compressed or 65 bytes uncompressed.
    struct Participant {
        Role role;
        bool active;
        uint64 registeredAt;
        bytes encryptionKey;
    }

    /// @notice The role `None` cannot be registered.
    error RegistryInvalidRole();

    /// @notice The account registered before; registration is once per account, even after deactivation.
    error RegistryAlreadyRegistered(address account);

    /// @notice The account never registered.
    error RegistryNotRegistered(address account);

    /// @notice The account registered but deactivated itself.
    error RegistryNotActive(address account);

    /// @notice An encryption key must be 33 (compressed) or 65 (uncompressed) bytes long.
    error RegistryInvalidEncryptionKey(uint256 length);

    /// @notice The key's first byte is not the SEC1 prefix for its length (0x02/0x03 for 33 bytes, 0x04 for 65).
    error RegistryInvalidEncryptionKeyPrefix(bytes1 prefix);

    /// @notice The key's coordinates are not a point on secp256k1, so nobody could encrypt to it.
    error RegistryEncryptionKeyNotOnCurve();

    /// @notice Emitted when `account` registers with `role` and its ECIES key.
    event ParticipantRegistered(address indexed account, Role indexed role, bytes encryptionKey);

    /// @notice Emitted when `account` replaces its ECIES key.
    event EncryptionKeyUpdated(address indexed account, bytes encryptionKey);

    /// @notice Emitted when `account` leaves for good.
    event ParticipantDeactivated(address indexed account);

    /// @notice Registers the caller with `role` and its ECIES secp256k1 public key.
    /// @dev Reverts {RegistryInvalidRole} for `Role.None`, {RegistryAlreadyRegistered} on a second call, and
    /// {RegistryInvalidEncryptionKey}, {RegistryInvalidEncryptionKeyPrefix} or {RegistryEncryptionKeyNotOnCurve}
    /// for a key nobody could encrypt to.
    /// @param role The caller's role for good.
    /// @param encryptionKey SEC1 secp256k1 public key, 33 or 65 bytes.
    function register(Role role, bytes calldata encryptionKey) external;

    /// @notice Replaces the caller's ECIES key, e.g. after a key rotation.
    /// @dev Reverts {RegistryNotRegistered} or {RegistryNotActive} for a caller that cannot take part, and the
    /// key errors of {register} for a bad key.
    /// @param encryptionKey SEC1 secp256k1 public key, 33 or 65 bytes.
    function updateEncryptionKey(bytes calldata encryptionKey) external;

    /// @notice Deactivates the caller for good: it is no longer counted nor accepted by the coordinator.
    /// @dev Reverts {RegistryNotRegistered} or {RegistryNotActive}.
    function deactivate() external;

    /// @notice The stored record of `account`; an all-zero record (role `None`) if it never registered.
    /// @param account The account to look up.
    /// @return The participant record.
    function participant(address account) external view returns (Participant memory);

    /// @notice Whether `account` registered with `role` and is still active.
    /// @param account The account to check.
    /// @param role The role it must hold.
    /// @return True if the account may act in that role.
    function isActive(address account, Role role) external view returns (bool);

    /// @notice The number of active participants holding `role`; deactivated ones are not counted.
    /// @param role The role to count.
    /// @return The number of active participants with that role.
    function participantCount(Role role) external view returns (uint256);
}
