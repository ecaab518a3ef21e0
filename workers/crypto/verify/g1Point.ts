// Bridges affine (x, y) bigints, the form the contract and calldata use, to @noble/curves' BN254 G1 points,
// validating that a submitted point really is on the curve.
import { bn254 } from "@noble/curves/bn254.js";
import { Bn254PointError, VerificationInputError } from "./errors";
import type { G1AffinePoint } from "./types";

export type G1Point = ReturnType<typeof bn254.G1.Point.fromAffine>;

export const G1 = bn254.G1.Point;

export function g1Point(affine: G1AffinePoint): G1Point {
  const { x, y } = affine;
  if (typeof x !== "bigint" || typeof y !== "bigint") throw new VerificationInputError("point", "expected bigint coordinates x and y");
  if (x === 0n && y === 0n) return G1.ZERO;
  try {
    const point = G1.fromAffine({ x, y });
    point.assertValidity();
    return point;
  } catch (error) {
    throw new Bn254PointError(x, y, error);
  }
}

export function g1Affine(point: G1Point): G1AffinePoint {
  if (point.is0()) return { x: 0n, y: 0n };
  const { x, y } = point.toAffine();
  return { x, y };
}

/** scalar · point for any scalar mod r, zero included (noble's multiply refuses 0). */
export function g1Multiply(point: G1Point, scalar: bigint): G1Point {
  const reduced = ((scalar % G1.Fn.ORDER) + G1.Fn.ORDER) % G1.Fn.ORDER;
  return reduced === 0n ? G1.ZERO : point.multiply(reduced);
}
