// SPDX-License-Identifier: MIT
// The dispute game of a MASH aggregate whose payload a challenger cannot use (withheld, or not matching its root): the
// aggregator opens its own committed tree, 7 levels a step, along a path the challenger picks, down to one leaf, which
// the challenger then proves wrong with {IFedmashVerifier-challenge}. Whoever misses a step's deadline loses. As in an
// optimistic rollup's bisection, the challenger needs only the correct tree (it recomputes the sum from the included
// submissions), never the aggregator's data. docs/VERIFICATION.md ("Disputes") is the specification.
pragma solidity ^0.8.28;

import {IFedmashVerifier} from "../interfaces/IFedmashVerifier.sol";
import {AggregateFraudProof} from "./AggregateFraudProof.sol";

/// @title AggregateDispute
/// @notice The state changes of one dispute, for {FedmashVerifier}; an external library, so that the verifier links
/// it rather than embeds it. Every function checks what it is given against the dispute's current node, so no
/// step can move the dispute off the aggregator's committed tree.
library AggregateDispute {
    /// @notice Levels of the tree one {reveal} opens: up to 2^7 = 128 node hashes (4 KiB of calldata).
    uint256 internal constant REVEAL_LEVELS = 7;

    /// @notice {reveal} was given `count` nodes; the dispute's node has `expected` descendants `levels` below it.
    error DisputeWrongNodeCount(uint256 count, uint256 expected);
    /// @notice The nodes (or the picked child and its proof, or the leaf's values) hash to `opened`, not the dispute's
    /// `node`.
    error DisputeNodeMismatch(bytes32 node, bytes32 opened);
    /// @notice {pick}: child `childIndex` does not exist below the node (there are `count`), or the proof is not
    /// `levels` siblings long.
    error DisputeBadPick(uint256 childIndex, uint256 count, uint256 proofLength);
    /// @notice {pick}: the picked padding leaf is the all-zero leaf, as it must be; nothing is wrong there.
    error DisputePaddingIsZero(uint256 leafIndex);
    /// @notice The step does not fit where the dispute is: nodes are revealed above the leaves (`depth` < the tree's
    /// `treeDepth`), a leaf's values at it.
    error DisputeWrongStep(uint256 depth, uint256 treeDepth);
    /// @notice A leaf's values are 16 int64, 128 bytes.
    error DisputeMalformedLeaf(uint256 length);

    /// @notice Starts a dispute at the aggregate's root: the aggregator moves first.
    function open(IFedmashVerifier.Dispute storage dispute, uint256 roundId, bytes32 root, uint64 stepDuration) external {
        uint64 deadline = uint64(block.timestamp) + stepDuration;
        dispute.node = root;
        dispute.deadline = deadline;
        dispute.depth = 0;
        dispute.position = 0;
        dispute.turn = IFedmashVerifier.DisputeTurn.Aggregator;
        emit IFedmashVerifier.DisputeOpened(roundId, msg.sender, root, deadline);
    }

    /// @notice The aggregator's step above the leaves: the 2^levels descendants of the node, `levels` =
    /// min(REVEAL_LEVELS, treeDepth − depth) below it, left to right, which must hash up to it.
    function reveal(
        IFedmashVerifier.Dispute storage dispute,
        uint256 roundId,
        address challenger,
        bytes32[] calldata nodes,
        uint256 treeDepth,
        uint64 stepDuration
    ) external {
        uint256 depth = dispute.depth;
        if (depth >= treeDepth) revert DisputeWrongStep(depth, treeDepth);
        uint256 expected = uint256(1) << levelsBelow(depth, treeDepth);
        if (nodes.length != expected) revert DisputeWrongNodeCount(nodes.length, expected);
        bytes32 opened = subtreeRoot(nodes);
        if (opened != dispute.node) revert DisputeNodeMismatch(dispute.node, opened);
        uint64 deadline = uint64(block.timestamp) + stepDuration;
        dispute.deadline = deadline;
        dispute.turn = IFedmashVerifier.DisputeTurn.Challenger;
        emit IFedmashVerifier.DisputeNodesRevealed(roundId, challenger, depth, dispute.position, nodes, deadline);
    }

    /// @notice The challenger's step: one of the revealed descendants, with the `levels` siblings from it up to the
    /// node (bottom first). Returns true when the pick reached a padding leaf (index ≥ `leafCount`) that is not the
    /// all-zero leaf: the aggregator's tree is not the canonical tree of any sum, which proves it wrong.
    function pick(
        IFedmashVerifier.Dispute storage dispute,
        uint256 roundId,
        uint256 childIndex,
        bytes32 child,
        bytes32[] calldata proof,
        uint256 modelSize,
        uint64 stepDuration
    ) external returns (bool paddingNotZero) {
        (uint256 leafCount, uint256 treeDepth) = AggregateFraudProof.shape(modelSize);
        if (dispute.depth >= treeDepth) revert DisputeWrongStep(dispute.depth, treeDepth);
        uint256 levels = levelsBelow(dispute.depth, treeDepth);
        _checkPick(dispute.node, childIndex, child, proof, levels);
        uint256 depth = dispute.depth + levels;
        uint256 position = (uint256(dispute.position) << levels) | childIndex;
        if (depth == treeDepth && position >= leafCount) {
            if (child == zeroLeaf()) revert DisputePaddingIsZero(position);
            paddingNotZero = true;
        }
        _descend(dispute, roundId, child, depth, position, stepDuration);
    }

    /// @dev Moves the dispute to the picked node; the aggregator moves next.
    function _descend(
        IFedmashVerifier.Dispute storage dispute,
        uint256 roundId,
        bytes32 child,
        uint256 depth,
        uint256 position,
        uint64 stepDuration
    ) private {
        uint64 deadline = uint64(block.timestamp) + stepDuration;
        dispute.node = child;
        dispute.depth = uint8(depth);
        dispute.position = uint32(position);
        dispute.deadline = deadline;
        dispute.turn = IFedmashVerifier.DisputeTurn.Aggregator;
        emit IFedmashVerifier.DisputeNodePicked(roundId, msg.sender, depth, position, child, deadline);
    }

    /// @notice The aggregator's last step: the 16 values of the leaf the dispute reached, which must hash to it.
    function revealLeaf(
        IFedmashVerifier.Dispute storage dispute,
        uint256 roundId,
        address challenger,
        bytes calldata values,
        uint256 treeDepth,
        uint64 stepDuration
    ) external {
        uint256 depth = dispute.depth;
        if (depth != treeDepth) revert DisputeWrongStep(depth, treeDepth);
        uint256 width = AggregateFraudProof.LEAF_VALUES * AggregateFraudProof.NARROW_WIDTH;
        if (values.length != width) revert DisputeMalformedLeaf(values.length);
        bytes32 opened = keccak256(abi.encodePacked(bytes1(0x00), values));
        if (opened != dispute.node) revert DisputeNodeMismatch(dispute.node, opened);
        uint64 deadline = uint64(block.timestamp) + stepDuration;
        dispute.deadline = deadline;
        dispute.turn = IFedmashVerifier.DisputeTurn.Challenger;
        emit IFedmashVerifier.DisputeLeafRevealed(roundId, challenger, dispute.position, values, deadline);
    }

    /// @notice How many levels the next step opens below depth `depth` of a tree of depth `treeDepth`.
    function levelsBelow(uint256 depth, uint256 treeDepth) internal pure returns (uint256) {
        uint256 remaining = treeDepth - depth;
        return remaining < REVEAL_LEVELS ? remaining : REVEAL_LEVELS;
    }

    /// @notice The hash of the leaf of 16 zero values, which every padding leaf must be.
    function zeroLeaf() internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), new bytes(AggregateFraudProof.LEAF_VALUES * AggregateFraudProof.NARROW_WIDTH)));
    }

    /// @dev Reverts unless `child`, child `childIndex` of `node` `levels` below it, hashes up to `node` with `proof`.
    function _checkPick(
        bytes32 node,
        uint256 childIndex,
        bytes32 child,
        bytes32[] calldata proof,
        uint256 levels
    ) private pure {
        uint256 count = uint256(1) << levels;
        if (childIndex >= count || proof.length != levels) revert DisputeBadPick(childIndex, count, proof.length);
        bytes32 opened = child;
        for (uint256 level = 0; level < levels; ++level) {
            opened = (childIndex >> level) & 1 == 1 ? _node(proof[level], opened) : _node(opened, proof[level]);
        }
        if (opened != node) revert DisputeNodeMismatch(node, opened);
    }

    /// @dev The root of a complete subtree over `nodes` (a power of two of them), hashed level by level in memory.
    function subtreeRoot(bytes32[] calldata nodes) private pure returns (bytes32) {
        bytes32[] memory level = nodes;
        for (uint256 width = level.length; width > 1; width /= 2) {
            for (uint256 i = 0; i < width / 2; ++i) level[i] = _node(level[2 * i], level[2 * i + 1]);
        }
        return level[0];
    }

    function _node(bytes32 left, bytes32 right) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), left, right));
    }
}
