// SPDX-License-Identifier: MIT
// The fraud proof of a MASH aggregate: Merkle openings of one leaf (16 coordinates) of every included masked vector and
// of the posted sum, checked against their on-chain commitments, and the sum of that leaf recomputed on-chain in the
// task's mask group. docs/VERIFICATION.md ("Fraud proofs") is the specification.
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "../interfaces/IFedmashCoordinator.sol";

/// @title AggregateFraudProof
/// @notice Pure checks for {IFedmashVerifier-challenge}. A vector of d values is committed by a Merkle tree whose leaves
/// hold 16 values of `w` bytes each (big-endian): leaf = keccak256(0x00 ‖ v_0 ‖ … ‖ v_15), node = keccak256(0x01 ‖ left ‖
/// right), over ⌈d/16⌉ leaves padded with all-zero leaves to a power of two. A MASH submission's payload is committed
/// on-chain as `contentHash` = keccak256(payloadHash ‖ root); a MASH aggregate as `aggregateHash` = the root of its sum
/// alone, so that anyone who recomputes the sum can compare roots without the aggregator's payload.
library AggregateFraudProof {
    /// @notice Values per leaf.
    uint256 internal constant LEAF_VALUES = 16;
    /// @notice Bytes per value: a rlwr-2048 masked element (< 2^40) and a sum (int64, two's complement).
    uint256 internal constant NARROW_WIDTH = 8;
    /// @notice Bytes per value: a paper-compat masked element (< 2^81).
    uint256 internal constant WIDE_WIDTH = 16;
    /// @notice rlwr-2048: p, the modulus of masked elements (docs/MASKING.md).
    uint256 internal constant RLWR_P = 1 << 40;
    /// @notice rlwr-2048: B, the encoding factor.
    int256 internal constant RLWR_B = 2048;
    /// @notice rlwr-2048: G_max, the largest |Σg| that decodes.
    int256 internal constant RLWR_MAX_SUM = (1 << 28) - 1;
    /// @notice paper-compat: P = next_prime(2^80) (docs/KERNEL.md); the sum is the discrete log of the product, base 2.
    uint256 internal constant PAPER_P = (1 << 80) + 13;
    /// @notice paper-compat: sums are int32.
    int256 internal constant PAPER_MAX_SUM = type(int32).max;

    /// @notice One leaf of one committed vector, as a challenger sends it.
    /// @param payloadHash keccak256 of the payload whose vector the tree commits (the commitment's first half); ignored
    /// in the aggregate's opening, whose commitment is the root alone.
    /// @param values The leaf's 16 values, `w` bytes each, big-endian.
    /// @param proof The sibling hashes from the leaf up to the root.
    struct Opening {
        bytes32 payloadHash;
        bytes values;
        bytes32[] proof;
    }

    /// @notice The challenged leaf is past the vector's last leaf.
    error FraudProofLeafOutOfRange(uint256 leafIndex, uint256 leafCount);
    /// @notice Opening `index` (the aggregate's is `type(uint256).max`) has `valuesLength` bytes of values or
    /// `proofLength` siblings, not the 16·w bytes and the tree depth the task's model size fixes.
    error FraudProofMalformedOpening(uint256 index, uint256 valuesLength, uint256 proofLength);
    /// @notice Opening `index` does not hash to its on-chain commitment: it is not the committed vector's leaf.
    error FraudProofOpeningMismatch(uint256 index, bytes32 commitment, bytes32 opened);
    /// @notice The modexp precompile failed (out of gas).
    error FraudProofModExpFailed();

    /// @notice Checks a challenge of leaf `leafIndex` and recomputes it: every opening must be that leaf of its
    /// committed vector (`commitments[v]` for `openings[v]`, the root `sumCommitment` for `sum`), else this reverts.
    /// Returns the first coordinate whose posted sum is not what the masked values decode to (below `modelSize`) or
    /// not zero (at and past it, in the last leaf), or `type(uint256).max` when the whole leaf is right. External, so that the verifier links it rather than embeds it
    /// (the coordinator's creation code, which embeds the verifier's, must fit EIP-3860's limit).
    function firstWrongCoordinate(
        Opening[] calldata openings,
        Opening calldata sum,
        bytes32[] memory commitments,
        bytes32 sumCommitment,
        uint256 leafIndex,
        uint256 modelSize,
        bool paperCompat
    ) external view returns (uint256) {
        (uint256 leafCount, uint256 depth) = shape(modelSize);
        if (leafIndex >= leafCount) revert FraudProofLeafOutOfRange(leafIndex, leafCount);
        uint256 width = paperCompat ? WIDE_WIDTH : NARROW_WIDTH;
        for (uint256 v = 0; v < openings.length; ++v) {
            bytes32 node = openedRoot(openings[v], v, leafIndex, width, depth);
            bytes32 opened = keccak256(abi.encodePacked(openings[v].payloadHash, node));
            if (opened != commitments[v]) revert FraudProofOpeningMismatch(v, commitments[v], opened);
        }
        bytes32 sumRoot = openedRoot(sum, type(uint256).max, leafIndex, NARROW_WIDTH, depth);
        if (sumRoot != sumCommitment) revert FraudProofOpeningMismatch(type(uint256).max, sumCommitment, sumRoot);
        return _firstWrong(openings, sum.values, leafIndex, modelSize, width, paperCompat);
    }

    /// @notice The commitments a challenge of `roundId` opens, in order: every included client's `contentHash`
    /// ({IFedmashCoordinator-includedClients} order), then the holder's. Read from the coordinator here, so that the
    /// verifier does not carry the decoding of its structs.
    /// `coordinator` is an address, not the interface type, so that the library's ABI stays plain for clients.
    function vectorCommitments(
        address coordinatorAddress,
        uint256 roundId
    ) external view returns (bytes32[] memory commitments) {
        IFedmashCoordinator coordinator = IFedmashCoordinator(coordinatorAddress);
        address[] memory included = coordinator.includedClients(roundId);
        commitments = new bytes32[](included.length + 1);
        for (uint256 v = 0; v < included.length; ++v) {
            commitments[v] = coordinator.submission(roundId, included[v]).contentHash;
        }
        address holder = coordinator.mashRound(roundId).holder;
        commitments[included.length] = coordinator.submission(roundId, holder).contentHash;
    }

    function _firstWrong(
        Opening[] calldata openings,
        bytes calldata sumValues,
        uint256 leafIndex,
        uint256 modelSize,
        uint256 width,
        bool paperCompat
    ) private view returns (uint256) {
        uint256[] memory masked = new uint256[](openings.length);
        for (uint256 slot = 0; slot < LEAF_VALUES; ++slot) {
            uint256 coordinate = leafIndex * LEAF_VALUES + slot;
            if (coordinate >= modelSize) {
                // Past the model, the canonical sum is zero: a tree with anything else there is not the sum's tree.
                if (sumAt(sumValues, slot) != 0) return coordinate;
                continue;
            }
            for (uint256 v = 0; v < openings.length; ++v) masked[v] = valueAt(openings[v].values, slot, width);
            int256 claimed = sumAt(sumValues, slot);
            bool right = paperCompat ? paperCompatDecodes(masked, claimed) : rlwrDecodes(masked, claimed);
            if (!right) return coordinate;
        }
        return type(uint256).max;
    }

    /// @notice The number of leaves and the depth of the tree of a vector of `length` values.
    function shape(uint256 length) internal pure returns (uint256 leafCount, uint256 depth) {
        leafCount = (length + LEAF_VALUES - 1) / LEAF_VALUES;
        while ((uint256(1) << depth) < leafCount) ++depth;
    }

    /// @notice The root that `opening`, as leaf `leafIndex` of a tree of depth `depth`, hashes up to; reverts if it is
    /// malformed.
    function openedRoot(
        Opening calldata opening,
        uint256 index,
        uint256 leafIndex,
        uint256 width,
        uint256 depth
    ) internal pure returns (bytes32 node) {
        if (opening.values.length != LEAF_VALUES * width || opening.proof.length != depth) {
            revert FraudProofMalformedOpening(index, opening.values.length, opening.proof.length);
        }
        return leafRoot(opening.values, opening.proof, leafIndex);
    }

    /// @notice The root that leaf `leafIndex` with `values` hashes up to along `proof` (one sibling per level): the
    /// walk every opening of a vector commitment takes. The caller checks the lengths.
    function leafRoot(
        bytes calldata values,
        bytes32[] calldata proof,
        uint256 leafIndex
    ) internal pure returns (bytes32 node) {
        node = keccak256(abi.encodePacked(bytes1(0x00), values));
        for (uint256 level = 0; level < proof.length; ++level) {
            node = (leafIndex >> level) & 1 == 1
                ? keccak256(abi.encodePacked(bytes1(0x01), proof[level], node))
                : keccak256(abi.encodePacked(bytes1(0x01), node, proof[level]));
        }
    }

    /// @notice Value `slot` of a leaf of `width`-byte values.
    function valueAt(bytes calldata values, uint256 slot, uint256 width) internal pure returns (uint256) {
        return uint256(bytes32(values[slot * width:(slot + 1) * width])) >> (256 - 8 * width);
    }

    /// @notice The sum's value `slot`, an int64 in two's complement.
    function sumAt(bytes calldata values, uint256 slot) internal pure returns (int256) {
        return int256(int64(uint64(valueAt(values, slot, NARROW_WIDTH))));
    }

    /// @notice rlwr-2048: whether the masked elements `masked` (one per vector, N = masked.length) decode to
    /// `claimed`: Y = Σ y mod p, centred, G = ⌊(V + 1024)/2048⌋ with residual e = V − 2048·G; the decode holds when every
    /// y < p, 2·|e| < N and |G| ≤ G_max, exactly the aggregator's own acceptance (docs/MASKING.md).
    function rlwrDecodes(uint256[] memory masked, int256 claimed) internal pure returns (bool) {
        uint256 total = 0;
        for (uint256 v = 0; v < masked.length; ++v) {
            if (masked[v] >= RLWR_P) return false;
            total += masked[v];
        }
        total %= RLWR_P;
        int256 centred = total < RLWR_P / 2 ? int256(total) : int256(total) - int256(RLWR_P);
        int256 shifted = centred + RLWR_B / 2;
        // Floor division: Solidity's rounds towards zero.
        int256 decoded = shifted >= 0 ? shifted / RLWR_B : -((-shifted + RLWR_B - 1) / RLWR_B);
        int256 residual = centred - RLWR_B * decoded;
        uint256 absResidual = uint256(residual < 0 ? -residual : residual);
        if (2 * absResidual >= masked.length) return false;
        if (decoded > RLWR_MAX_SUM || decoded < -RLWR_MAX_SUM) return false;
        return decoded == claimed;
    }

    /// @notice paper-compat: whether the masked elements (each in [1, P)) multiply to 2^claimed mod P with
    /// |claimed| ≤ 2^31 − 1: the bounded discrete log the aggregator took is then this value.
    function paperCompatDecodes(uint256[] memory masked, int256 claimed) internal view returns (bool) {
        if (claimed > PAPER_MAX_SUM || claimed < -PAPER_MAX_SUM) return false;
        uint256 product = 1;
        for (uint256 v = 0; v < masked.length; ++v) {
            uint256 element = masked[v];
            if (element == 0 || element >= PAPER_P) return false;
            product = mulmod(product, element, PAPER_P);
        }
        // 2 has order dividing P − 1, so 2^claimed = 2^(claimed mod (P − 1)).
        uint256 exponent = claimed >= 0 ? uint256(claimed) : PAPER_P - 1 - uint256(-claimed);
        return _modExp(2, exponent, PAPER_P) == product;
    }

    /// @dev base^exponent mod modulus by the EIP-198 precompile; a failed call (out of gas) reverts.
    function _modExp(uint256 base, uint256 exponent, uint256 modulus) private view returns (uint256 result) {
        (bool ok, bytes memory output) = address(0x05).staticcall(
            abi.encodePacked(uint256(32), uint256(32), uint256(32), base, exponent, modulus)
        );
        if (!ok) revert FraudProofModExpFailed();
        result = abi.decode(output, (uint256));
    }
}
