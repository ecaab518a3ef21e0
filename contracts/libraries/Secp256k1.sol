// SPDX-License-Identifier: MIT
// Checks that a SEC1-encoded secp256k1 public key is a real curve point, so that a participant cannot publish
// a key that makes every peer's ECIES encryption to it fail (which would stall a MASH shuffle chain later).
pragma solidity ^0.8.28;

/// @title Secp256k1
/// @notice Point validation for SEC1 public keys (y^2 = x^3 + 7 over the field of order P).
library Secp256k1 {
    /// @notice The field prime of secp256k1.
    uint256 internal constant P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;

    /// @dev The EIP-198 modexp precompile; a square-root test needs a 256-bit exponentiation.
    address private constant _MODEXP = address(0x05);

    /// @notice Whether `key` encodes a point on the curve. The caller has checked length and prefix.
    /// @dev Compressed keys only carry x: the point exists iff x^3 + 7 is a quadratic residue (Euler's
    /// criterion). The curve has no point with y = 0 (its order is odd), so the residue is never zero.
    /// @param key 33 bytes (0x02/0x03 || x) or 65 bytes (0x04 || x || y).
    /// @return True for a valid point.
    function isOnCurve(bytes calldata key) internal view returns (bool) {
        uint256 x = uint256(bytes32(key[1:33]));
        if (x >= P) return false;
        uint256 rhs = addmod(mulmod(mulmod(x, x, P), x, P), 7, P);
        if (key.length == 65) {
            uint256 y = uint256(bytes32(key[33:65]));
            return y < P && mulmod(y, y, P) == rhs;
        }
        return _modexp(rhs, (P - 1) / 2) == 1;
    }

    /// @dev base^exponent mod P through the precompile. The precompile only fails when the call runs out of
    /// gas; returning 0 then makes the key read as invalid, which is safe: no bad key gets in, and a retry
    /// with more gas succeeds.
    function _modexp(uint256 base, uint256 exponent) private view returns (uint256 result) {
        (bool success, bytes memory output) = _MODEXP.staticcall(abi.encode(32, 32, 32, base, exponent, P));
        if (!success || output.length != 32) return 0;
        result = abi.decode(output, (uint256));
    }
}
