// SPDX-License-Identifier: MIT
// BN254 (alt_bn128) G1 arithmetic for sampled verification: ecAdd and ecMul through the EIP-196 precompiles with
// named errors, a point check for commitments that participants submit, and the try-and-increment hash-to-curve
// that gives nothing-up-my-sleeve generators (the same rule as workers/crypto/verify/hashToCurve.ts).
pragma solidity ^0.8.28;

/// @title Bn254
/// @notice Affine G1 points (x, y) over the field of order P on y^2 = x^3 + 3; (0, 0) is the point at infinity,
/// as in the precompiles. Scalars live mod the group order R.
library Bn254 {
    /// @notice The base-field prime p.
    uint256 internal constant P = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @notice The order r of G1.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @notice Hash-to-curve gives up after this many counters; each fails with probability about 1/2.
    uint256 internal constant HASH_TO_CURVE_MAX_TRIES = 256;

    /// @dev (p + 1) / 4: p ≡ 3 (mod 4), so a square's root is its power by this.
    uint256 private constant _SQRT_EXPONENT = (P + 1) / 4;
    address private constant _MODEXP = address(0x05);

    struct G1Point {
        uint256 x;
        uint256 y;
    }

    /// @notice The ecAdd precompile rejected its input (a point off the curve) or ran out of gas.
    error Bn254AddFailed(uint256 ax, uint256 ay, uint256 bx, uint256 by);
    /// @notice The ecMul precompile rejected its input (a point off the curve) or ran out of gas.
    error Bn254MulFailed(uint256 x, uint256 y, uint256 scalar);
    /// @notice A submitted point is not on the curve (or has a coordinate >= P).
    error Bn254PointNotOnCurve(uint256 x, uint256 y);
    /// @notice The modexp precompile failed (out of gas) during hash-to-curve.
    error Bn254ModExpFailed();
    /// @notice No counter below HASH_TO_CURVE_MAX_TRIES gave a point (probability 2^-256).
    error Bn254HashToCurveExhausted(uint256 index);

    /// @notice a + b.
    function add(G1Point memory a, G1Point memory b) internal view returns (G1Point memory sum) {
        bool success;
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, mload(a))
            mstore(add(input, 0x20), mload(add(a, 0x20)))
            mstore(add(input, 0x40), mload(b))
            mstore(add(input, 0x60), mload(add(b, 0x20)))
            // 0x06: the EIP-196 ecAdd precompile.
            success := staticcall(gas(), 0x06, input, 0x80, sum, 0x40)
        }
        if (!success) revert Bn254AddFailed(a.x, a.y, b.x, b.y);
    }

    /// @notice scalar · point; any uint256 scalar (the precompile reduces it mod R).
    function mul(G1Point memory point, uint256 scalar) internal view returns (G1Point memory product) {
        bool success;
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, mload(point))
            mstore(add(input, 0x20), mload(add(point, 0x20)))
            mstore(add(input, 0x40), scalar)
            // 0x07: the EIP-196 ecMul precompile.
            success := staticcall(gas(), 0x07, input, 0x60, product, 0x40)
        }
        if (!success) revert Bn254MulFailed(point.x, point.y, scalar);
    }

    /// @notice Whether `point` is on the curve with reduced coordinates; the point at infinity (0, 0) counts.
    /// @dev G1 has prime order and cofactor 1, so on the curve means in the group: no subgroup check is needed.
    function isOnCurve(G1Point memory point) internal pure returns (bool) {
        uint256 x = point.x;
        uint256 y = point.y;
        if (x >= P || y >= P) return false;
        if (x == 0 && y == 0) return true;
        return mulmod(y, y, P) == addmod(mulmod(mulmod(x, x, P), x, P), 3, P);
    }

    /// @notice Reverts with Bn254PointNotOnCurve unless `point` is on the curve.
    function requireOnCurve(G1Point memory point) internal pure {
        if (!isOnCurve(point)) revert Bn254PointNotOnCurve(point.x, point.y);
    }

    /// @notice Whether two affine points are equal.
    function eq(G1Point memory a, G1Point memory b) internal pure returns (bool) {
        return a.x == b.x && a.y == b.y;
    }

    /// @notice The nothing-up-my-sleeve point number `index` of `domain`.
    /// @dev For counter = 0, 1, …: x = keccak256(abi.encodePacked(domain, index, counter)) mod P until x^3 + 3 is a
    /// square; y is its even root. Costs a modexp per try (about 2 tries on average), so contracts store the
    /// result as constants and tests check them against this function.
    /// @return point The point.
    /// @return counter The first counter that gave a point.
    function hashToCurve(bytes memory domain, uint256 index) internal view returns (G1Point memory point, uint256 counter) {
        for (; counter < HASH_TO_CURVE_MAX_TRIES; ++counter) {
            uint256 x = uint256(keccak256(abi.encodePacked(domain, index, counter))) % P;
            uint256 rhs = addmod(mulmod(mulmod(x, x, P), x, P), 3, P);
            uint256 y = _modexp(rhs, _SQRT_EXPONENT);
            if (mulmod(y, y, P) != rhs) continue;
            point = G1Point(x, y & 1 == 0 ? y : P - y);
            return (point, counter);
        }
        revert Bn254HashToCurveExhausted(index);
    }

    function _modexp(uint256 base, uint256 exponent) private view returns (uint256 result) {
        (bool success, bytes memory output) = _MODEXP.staticcall(abi.encode(32, 32, 32, base, exponent, P));
        if (!success || output.length != 32) revert Bn254ModExpFailed();
        result = abi.decode(output, (uint256));
    }
}
