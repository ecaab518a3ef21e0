// Splits a quantized update into n Shamir shares, one fresh random polynomial of degree t - 1 per coordinate:
// f_i(x) = s_i + a_{i,1}·x + ... + a_{i,t-1}·x^(t-1) over GF(2^31 - 1), and share j holds f_i(j + 1).
// Any t shares determine s_i; any t - 1 are uniformly distributed whatever s_i is (for uniform a_{i,k}).
//
// Exactness: Horner runs acc <- reduce(acc·x + c) with acc, c < p < 2^31 and x <= 16, so acc·x + c < 2^35 + 2^31,
// an exact float64 integer well inside reduceField's range (< 2^53).
import { ShamirInputError } from "./errors";
import { randomFieldElements, type RandomWords } from "./randomFieldElements";
import { checkServerCount, checkThreshold } from "./shamirChecks";
import { encodeSigned, reduceField, SHAMIR_HALF } from "./shamirField";

export type ShareVectorOptions = {
  /** n: number of shares (servers), t <= n <= 16. */
  servers: number;
  /** t: shares needed to reconstruct, 2 <= t <= n. */
  threshold: number;
  /**
   * For tests only: the random 32-bit words, (t - 1)·d of them, coefficient-major: word (k - 1)·d + i is the
   * degree-k coefficient of coordinate i (masked to 31 bits; a value of p is redrawn from the same source).
   * Defaults to crypto.randomFillSync.
   */
  random?: RandomWords;
};
export type ShareVectorReturnType = Uint32Array[];

export function shareVector(values: Int32Array, options: ShareVectorOptions): ShareVectorReturnType {
  if (!(values instanceof Int32Array)) throw new ShamirInputError("values", "the quantized update must be an Int32Array");
  const threshold = checkThreshold(options.threshold);
  const servers = checkServerCount(options.servers, threshold);
  const length = values.length;

  const secrets = new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    const value = values[i]!;
    // Beyond ±(p - 1)/2 two different inputs would share one field element and decode to the wrong sign.
    if (value > SHAMIR_HALF || value < -SHAMIR_HALF) {
      throw new ShamirInputError("values", `element ${i} is ${value}; |value| must be <= (p - 1) / 2 = ${SHAMIR_HALF}`);
    }
    secrets[i] = encodeSigned(value);
  }

  const degree = threshold - 1;
  const coefficients = randomFieldElements({ length: degree * length, random: options.random });
  const shares: Uint32Array[] = [];
  for (let j = 0; j < servers; j++) {
    const x = j + 1;
    // Horner from the top coefficient down, one coefficient row at a time so every pass reads memory in order.
    const share = coefficients.slice((degree - 1) * length, degree * length);
    for (let k = degree - 2; k >= 0; k--) {
      const row = k * length;
      for (let i = 0; i < length; i++) share[i] = reduceField(share[i]! * x + coefficients[row + i]!);
    }
    for (let i = 0; i < length; i++) share[i] = reduceField(share[i]! * x + secrets[i]!);
    shares.push(share);
  }
  return shares;
}
