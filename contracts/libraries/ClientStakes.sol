// SPDX-License-Identifier: MIT
// The rules on a client's stake for a task, as an external library, so that the verifier, which holds the stakes, links
// them rather than embeds them (the verifier factory's code holds the verifier's, within EIP-170's limit).
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "../interfaces/IFedmashCoordinator.sol";
import {IFedmashShamir} from "../interfaces/IFedmashShamir.sol";
import {IFedmashVerifier} from "../interfaces/IFedmashVerifier.sol";

/// @title ClientStakes
/// @notice Who may join a task, and when a stake may leave it. (`coordinator` parameters are addresses: a library's
/// ABI names contract types in a way ethers cannot read.)
library ClientStakes {
    /// @notice What locks each account's stake for each task.
    /// @param last The last round of the task the account joined.
    /// @param earlierUntil The latest {IFedmashShamir-faultProofUntil} of the rounds it joined before `last`, read when
    /// it joined the next one (those rounds were over by then), so that joining a round that fails fast cannot free a
    /// stake a fault of an earlier round may still take.
    struct Joins {
        mapping(uint256 taskId => mapping(address account => uint256 roundId)) last;
        mapping(uint256 taskId => mapping(address account => uint64)) earlierUntil;
    }

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

    /// @notice Records that `account` joins the task's latest round.
    function recordJoin(Joins storage self, address coordinator, uint256 taskId, address account) external {
        uint256 previous = self.last[taskId][account];
        if (previous != 0) {
            uint64 until = _faultProofUntil(coordinator, previous);
            if (until > self.earlierUntil[taskId][account]) self.earlierUntil[taskId][account] = until;
        }
        self.last[taskId][account] = IFedmashCoordinator(coordinator).latestRound(taskId);
    }

    /// @notice Reverts {IFedmashVerifier-VerifierStakeLocked} (naming the last joined round) while that round is open, or
    /// a client fault of it or of an earlier joined round can still be proven ({IFedmashShamir-faultProofUntil}, 0 for
    /// rounds that are not `Shamir`). Nothing is locked before a first join.
    function requireUnlocked(Joins storage self, address coordinator, uint256 taskId, address account) external view {
        uint256 roundId = self.last[taskId][account];
        if (roundId == 0) return;
        IFedmashCoordinator.Phase current = IFedmashCoordinator(coordinator).phase(roundId);
        bool over = current == IFedmashCoordinator.Phase.Finalized || current == IFedmashCoordinator.Phase.Failed;
        uint64 until = _faultProofUntil(coordinator, roundId);
        uint64 earlier = self.earlierUntil[taskId][account];
        if (!over || block.timestamp <= (until > earlier ? until : earlier)) {
            revert IFedmashVerifier.VerifierStakeLocked(taskId, account, roundId);
        }
    }

    function _faultProofUntil(address coordinator, uint256 roundId) private view returns (uint64) {
        return IFedmashShamir(IFedmashCoordinator(coordinator).shamir()).faultProofUntil(roundId);
    }
}
