// Nothing-up-my-sleeve BN254 G1 points by try-and-increment: for counter = 0, 1, …, x = keccak256(domain ‖
// uint256 index ‖ uint256 counter) mod p (Solidity: abi.encodePacked(bytes(domain), index, counter)) until
// x^3 + 3 is a square; y is its even square root. Nobody chose x, so nobody knows a discrete log between two
// such points. Bn254.hashToCurve computes the same point on-chain.
import { solidityPackedKeccak256 } from "ethers";
import { HashToCurveExhaustedError, VerificationInputError } from "./errors";
import { G1 } from "./g1Point";
import { BN254_FIELD_ORDER as P, type G1AffinePoint } from "./types";

/** About half of all x are abscissas, so 256 failures in a row has probability 2^-256. */
export const HASH_TO_CURVE_MAX_TRIES = 256;

export interface HashToCurveReturnType {
  readonly point: G1AffinePoint;
  /** The counter that gave the first square, published beside the point so anyone can re-check it cheaply. */
  readonly counter: number;
}

export function hashToCurve(domain: string, index: bigint): HashToCurveReturnType {
  if (typeof domain !== "string" || domain.length === 0) throw new VerificationInputError("domain", "expected a non-empty string");
  if (typeof index !== "bigint" || index < 0n || index >= 1n << 256n) throw new VerificationInputError("generator index", `${String(index)}; expected a uint256 bigint`);
  for (let counter = 0; counter < HASH_TO_CURVE_MAX_TRIES; counter++) {
    const digest = solidityPackedKeccak256(["string", "uint256", "uint256"], [domain, index, counter]);
    const x = BigInt(digest) % P;
    const rhs = (x * x * x + 3n) % P;
    // p ≡ 3 (mod 4), so a square's root is rhs^((p+1)/4).
    const root = G1.Fp.pow(rhs, (P + 1n) / 4n);
    if ((root * root) % P !== rhs) continue;
    return { point: { x, y: root % 2n === 0n ? root : P - root }, counter };
  }
  throw new HashToCurveExhaustedError(domain, index, HASH_TO_CURVE_MAX_TRIES);
}
