// A fresh encryption of zero, r^n mod n² with r uniform in Z*_n: the expensive half of every encryption and
// the whole of a re-randomization. r is drawn from the OS CSPRNG by rejection (uniform in [1, n), gcd(r, n) = 1),
// as paillier-bigint drew it; the exponentiation goes through OpenSSL when it passes its self-check (modPowFast).
import { randomBytes } from "node:crypto";
import { bitLength, gcd } from "./bigintMath";
import { modPowFast } from "./modPowOpenSsl";
import type { PaillierPublicKey } from "./types";

/** r uniform in Z*_n. */
export function randomUnit(publicKey: PaillierPublicKey): bigint {
  const bits = bitLength(publicKey.n);
  const bytes = Math.ceil(bits / 8);
  const excess = BigInt(bytes * 8 - bits);
  for (;;) {
    const r = BigInt(`0x${randomBytes(bytes).toString("hex")}`) >> excess;
    if (r >= 1n && r < publicKey.n && gcd(r, publicKey.n) === 1n) return r;
  }
}

export function randomNthPower(publicKey: PaillierPublicKey): bigint {
  return modPowFast(randomUnit(publicKey), publicKey.n, publicKey.nSquared);
}
