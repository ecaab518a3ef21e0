// The running sum of the clients' commitments, as the contract keeps it (ecAdd per arriving commitment). Every
// point is checked to be on the curve first, as the contract does, so a bad point is named, not summed.
import { g1Affine, g1Point, G1 } from "./g1Point";
import type { G1AffinePoint } from "./types";

export function sumCommitments(commitments: readonly G1AffinePoint[]): G1AffinePoint {
  let sum = G1.ZERO;
  for (const commitment of commitments) sum = sum.add(g1Point(commitment));
  return g1Affine(sum);
}
