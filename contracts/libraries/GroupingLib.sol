// SPDX-License-Identifier: MIT
// The arithmetic of MASH groups, without storage: drawing the holder and the shuffled member order from a seed,
// and where the k-th shuffled member lands. Workers can re-derive all of it from the GroupsFormed seed.
pragma solidity ^0.8.28;

/// @title GroupingLib
/// @notice Pure functions over a grouping seed. Members are numbered by their index `k` in the shuffled order; with
/// `groupCount` groups, member `k` is at position `k / groupCount` of group `k % groupCount`, so group sizes differ
/// by at most one and every group is filled in position order.
library GroupingLib {
    /// @notice The fewest members a group may have: with one, the holder could decrypt that member's seed; with two,
    /// each member could subtract its own seed from the group sum the holder decrypts and learn the other's.
    uint256 internal constant MIN_GROUP_MEMBERS = 3;

    /// @notice Picks the holder and shuffles everyone else.
    /// @dev Fisher-Yates over the participant indices other than the holder's, in joining order, driven by a keccak
    /// chain: `r = seed`, then for `i` from `length - 1` down to 1, `r = keccak256(r)` and swap `i` with
    /// `r % (i + 1)`. The modulo bias is below `n / 2^256`, nothing an adversary can use.
    /// @param seed The grouping seed.
    /// @param participantCount `n`, at least 1; at most 2^16, the order is stored as uint16.
    /// @return holderIndex The holder's index among the participants, `seed % n`.
    /// @return order The `n - 1` other participant indices in shuffled order.
    function draw(
        bytes32 seed,
        uint256 participantCount
    ) internal pure returns (uint256 holderIndex, uint16[] memory order) {
        holderIndex = uint256(seed) % participantCount;
        uint256 memberCount = participantCount - 1;
        order = new uint16[](memberCount);
        for (uint256 k = 0; k < memberCount; ++k) {
            order[k] = uint16(k < holderIndex ? k : k + 1);
        }
        bytes32 chain = seed;
        for (uint256 i = memberCount; i > 1; ) {
            --i;
            chain = keccak256(abi.encode(chain));
            uint256 j = uint256(chain) % (i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// @notice How many groups `memberCount` members form with the targeted size.
    /// @param memberCount Participants other than the holder.
    /// @param groupSize The targeted group size, at least `MIN_GROUP_MEMBERS`.
    /// @return `max(1, memberCount / groupSize)`.
    function groupCount(uint256 memberCount, uint256 groupSize) internal pure returns (uint256) {
        uint256 count = memberCount / groupSize;
        return count == 0 ? 1 : count;
    }

    /// @notice The size of group `groupIndex`.
    /// @param memberCount Participants other than the holder.
    /// @param groups The number of groups.
    /// @param groupIndex The group, below `groups`.
    /// @return The number of shuffled indices `k < memberCount` with `k % groups == groupIndex`.
    function sizeOf(uint256 memberCount, uint256 groups, uint256 groupIndex) internal pure returns (uint256) {
        return (memberCount - groupIndex + groups - 1) / groups;
    }

    /// @notice The shuffled index of the member at `position` of group `groupIndex`.
    /// @param groups The number of groups.
    /// @param groupIndex The group.
    /// @param position The position within the group.
    /// @return The index `k` into the shuffled order.
    function orderIndex(uint256 groups, uint256 groupIndex, uint256 position) internal pure returns (uint256) {
        return groupIndex + position * groups;
    }
}
