// SPDX-License-Identifier: MIT
// The rules on a client's stake for a task, as an external library, so that the verifier, which holds the stakes, links
// them rather than embeds them (the verifier factory's code holds the verifier's, within EIP-170's limit).
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "../interfaces/IFedmashCoordinator.sol";
import {IFedmashShamir} from "../interfaces/IFedmashShamir.sol";
import {IFedmashVerifier} from "../interfaces/IFedmashVerifier.sol";

/// @title ClientStakes
/// @notice Who may join a task, and when a stake may leave it.
library ClientStakes {
    /// @notice Reverts {IFedmashVerifier-VerifierNotAdmitted} unless an account `allowed` (or not) by the owner and with
    /// `staked` wei may join a task with `policy`.
    function checkAdmission(
        IFedmashVerifier.Admission storage policy,
        uint256 taskId,
        address account,
        bool allowed,
        uint256 staked
    ) external view {
        if ((policy.allowlistOnly && !allowed) || staked < policy.clientStake) {
            revert IFedmashVerifier.VerifierNotAdmitted(taskId, account, allowed, staked, policy.clientStake);
        }
    }

    /// @notice Reverts {IFedmashVerifier-VerifierStakeLocked} while `roundId`, the last round of the task `account`
    /// joined, is open, or is a `Shamir` round in which its client fault can still be proven
    /// ({IFedmashShamir-faultProofUntil}, 0 for other rounds). Nothing is locked before a first join (`roundId` 0).
    /// (`coordinator` is an address: a library's ABI names contract types in a way ethers cannot read.)
    function requireUnlocked(address coordinator, uint256 taskId, address account, uint256 roundId) external view {
        if (roundId == 0) return;
        IFedmashCoordinator.Phase current = IFedmashCoordinator(coordinator).phase(roundId);
        bool over = current == IFedmashCoordinator.Phase.Finalized || current == IFedmashCoordinator.Phase.Failed;
        if (!over || block.timestamp <= IFedmashShamir(IFedmashCoordinator(coordinator).shamir()).faultProofUntil(roundId)) {
            revert IFedmashVerifier.VerifierStakeLocked(taskId, account, roundId);
        }
    }
}
