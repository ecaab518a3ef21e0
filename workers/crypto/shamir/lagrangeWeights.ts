// Lagrange basis weights of the points x_0..x_{t-1} evaluated at z: f(z) = Σ_j w_j·f(x_j) for every polynomial
// f of degree < t. z = 0 gives the secret (here: the aggregate), z = another server's x predicts its share-sum.
import { invertField, multiplyField, subtractField } from "./shamirField";

export type LagrangeWeightsParameters = {
  /** Distinct evaluation points (serverIndex + 1), each in 1..16. */
  xs: readonly number[];
  /** Where to evaluate: 0 for the secret. */
  at: number;
};
export type LagrangeWeightsReturnType = number[];

export function lagrangeWeights({ xs, at }: LagrangeWeightsParameters): LagrangeWeightsReturnType {
  return xs.map((xj, j) => {
    let numerator = 1;
    let denominator = 1;
    xs.forEach((xm, m) => {
      if (m === j) return;
      numerator = multiplyField(numerator, subtractField(at, xm));
      denominator = multiplyField(denominator, subtractField(xj, xm));
    });
    // Distinct points (checked by the callers) keep every x_j - x_m nonzero mod p, so the inverse exists.
    return multiplyField(numerator, invertField(denominator));
  });
}
