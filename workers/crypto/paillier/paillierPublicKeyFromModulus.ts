// Builds a validated Paillier public key from its modulus n. Every key that enters the system from outside
// (bytes from the chain, a JSON state file) goes through here, so later code may assume a well-formed n.
import { bitLength, integerSquareRoot } from "./bigintMath";
import { PaillierInvalidKeyError } from "./errors";
import { isSupportedPaillierKeyBits, SUPPORTED_PAILLIER_KEY_BITS, type PaillierPublicKey } from "./types";

// A product of two large primes has no small factors; this catches garbage and test keys cheaply.
const SMALL_PRIMES = (() => {
  const primes: bigint[] = [];
  for (let candidate = 2; candidate < 2000; candidate++) {
    if (primes.every((prime) => candidate % Number(prime) !== 0)) primes.push(BigInt(candidate));
  }
  return primes;
})();

export type PaillierPublicKeyFromModulusParameters = { n: bigint };
export type PaillierPublicKeyFromModulusReturnType = PaillierPublicKey;

export function paillierPublicKeyFromModulus({ n }: PaillierPublicKeyFromModulusParameters): PaillierPublicKeyFromModulusReturnType {
  const bits = bitLength(n);
  if (!isSupportedPaillierKeyBits(bits)) {
    throw new PaillierInvalidKeyError("unsupported modulus size", {
      details: `n has ${bits} bits; supported sizes are ${SUPPORTED_PAILLIER_KEY_BITS.join(", ")}.`,
    });
  }
  const smallFactor = SMALL_PRIMES.find((prime) => n % prime === 0n);
  if (smallFactor !== undefined) {
    throw new PaillierInvalidKeyError("the modulus has a small factor", { details: `n is divisible by ${smallFactor}.` });
  }
  const root = integerSquareRoot(n);
  if (root * root === n) throw new PaillierInvalidKeyError("the modulus is a perfect square (p = q)");
  return { bits, n, nSquared: n * n };
}
