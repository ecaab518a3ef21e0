// The two generators of the commitments, G (index 0) and the blinding point H (index 1), hashed to the curve
// from GENERATOR_DOMAIN once per process. SampledVerification.sol stores the same coordinates as constants.
import { g1Point, type G1Point } from "./g1Point";
import { hashToCurve } from "./hashToCurve";
import { BLINDING_GENERATOR_INDEX, COMMITMENT_GENERATOR_INDEX, GENERATOR_DOMAIN, type G1AffinePoint } from "./types";

export interface VerificationGeneratorsReturnType {
  readonly g: G1AffinePoint;
  readonly h: G1AffinePoint;
  readonly gPoint: G1Point;
  readonly hPoint: G1Point;
}

let cached: VerificationGeneratorsReturnType | undefined;

export function verificationGenerators(): VerificationGeneratorsReturnType {
  if (cached === undefined) {
    const g = hashToCurve(GENERATOR_DOMAIN, COMMITMENT_GENERATOR_INDEX).point;
    const h = hashToCurve(GENERATOR_DOMAIN, BLINDING_GENERATOR_INDEX).point;
    cached = { g, h, gPoint: g1Point(g), hPoint: g1Point(h) };
  }
  return cached;
}
