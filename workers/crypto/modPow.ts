// base^exponent mod modulus by square-and-multiply on BigInt, for the few exponentiations done outside the
// vector kernels (field constants, the TS fallbacks' inverses, test keys). The base may be negative.
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n % modulus;
  let factor = ((base % modulus) + modulus) % modulus;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * factor) % modulus;
    factor = (factor * factor) % modulus;
  }
  return result;
}
