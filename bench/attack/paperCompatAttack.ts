// The attack on paper-compat's exponent mask y_k = 2^{g_k} · H(k)^s mod P (docs/KERNEL.md), from public
// data only: at a coordinate whose g_k is known to be 0, y_k = H(k)^s, so s is a discrete log in Z_P^*.
// P − 1 = 2^2 · 1093 · 31039 · 8908647580887961: Pohlig–Hellman on the three small prime powers gives
// s mod M (M = 135,702,508 ≈ 2^27), and s = r + M·t with t < seedBound / M ≈ 2^37 is found by
// baby-step giant-step in about 2^19.5 multiplications. Then every g_k is the bounded discrete log of
// y_k · H(k)^{−s}. Written from the formulas alone, sharing no code with the product's mask group.
import { createHash } from "node:crypto";
import {
  boundedLogTable,
  bsgs,
  crt,
  mod,
  modInverse,
  modPow,
  pohligHellmanPrimePower,
  type Congruence,
  type PrimePower,
} from "./discreteLog";

/** P = next_prime(2^80). */
export const PAPER_P = (1n << 80n) + 13n;
/** The small prime powers of P − 1, and its one large prime factor. */
export const PAPER_SMALL_FACTORS: readonly PrimePower[] = [
  { prime: 2n, exponent: 2 },
  { prime: 1093n, exponent: 1 },
  { prime: 31039n, exponent: 1 },
];
export const PAPER_LARGE_FACTOR = 8908647580887961n;
/** Fresh seeds are uniform in [0, next_prime(2^64)) (workers/crypto/mask/randomSeed.ts). */
export const PAPER_SEED_BOUND = (1n << 64n) + 13n;

/** H(k): SHA-256 of k as 24-byte big-endian, as an integer, reduced mod P. */
export function paperIndexHash(k: number, p: bigint = PAPER_P): bigint {
  const message = Buffer.alloc(24);
  message.writeBigUInt64BE(BigInt(k), 16);
  return mod(BigInt("0x" + createHash("sha256").update(message).digest("hex")), p);
}

/** Element i of a 3-limb masked vector: limbs[3i] + limbs[3i+1]·2^32 + limbs[3i+2]·2^64. */
export function paperElement(limbs: Uint32Array, i: number): bigint {
  return BigInt(limbs[3 * i]!) + (BigInt(limbs[3 * i + 1]!) << 32n) + (BigInt(limbs[3 * i + 2]!) << 64n);
}

/** One public observation: at index k the masked value y, where the attacker believes g_k = 0. */
export interface ZeroObservation {
  index: number;
  y: bigint;
}

export interface SeedRecovery {
  /** The seed found, or null. */
  seed: bigint | null;
  /** s mod M from Pohlig–Hellman, with the M reached (the product of the prime powers the bases exposed). */
  smallPart: Congruence;
  /** Which observations the Pohlig–Hellman parts came from, per prime power. */
  pohligHellmanFrom: number[];
  /** BSGS over t: the range searched and the multiplications done. */
  bsgsRange: bigint;
  bsgsSteps: number;
  /** Observations the candidate was checked on (H(k)^s = y), and how many agreed. */
  checked: number;
  agreed: number;
  pohligHellmanMs: number;
  bsgsMs: number;
}

export interface RecoverSeedParameters {
  observations: readonly ZeroObservation[];
  p?: bigint;
  smallFactors?: readonly PrimePower[];
  /** Seeds lie in [0, seedBound). */
  seedBound?: bigint;
  /** Index hash (defaults to paperIndexHash with p). */
  hash?: (k: number) => bigint;
  /** How many observations the candidate must also explain (after the ones it was solved from). */
  verifyOn?: number;
}

/**
 * Recovers s from observations y = H(k)^s: Pohlig–Hellman on the small factors (each prime power taken from
 * the first observation whose H(k) carries it in full; more observations are tried when one does not), then
 * BSGS over t in s = r + M·t, then the candidate is checked against `verifyOn` further observations.
 */
export function recoverSeed(parameters: RecoverSeedParameters): SeedRecovery {
  const p = parameters.p ?? PAPER_P;
  const factors = parameters.smallFactors ?? PAPER_SMALL_FACTORS;
  const seedBound = parameters.seedBound ?? PAPER_SEED_BOUND;
  const hash = parameters.hash ?? ((k: number) => paperIndexHash(k, p));
  const observations = parameters.observations;
  if (observations.length === 0) throw new RangeError("recoverSeed needs at least one observation");
  const bases = new Map<number, bigint>();
  const baseOf = (i: number): bigint => {
    let h = bases.get(i);
    if (h === undefined) bases.set(i, (h = hash(observations[i]!.index)));
    return h;
  };

  const phStart = performance.now();
  const parts: Congruence[] = [];
  const from: number[] = [];
  for (const factor of factors) {
    const full = factor.prime ** BigInt(factor.exponent);
    let best: Congruence = { residue: 0n, modulus: 1n };
    let bestFrom = -1;
    // A random H(k) has the full ℓ-part in its order with probability 1 − 1/ℓ; a few tries settle it.
    for (let i = 0; i < Math.min(observations.length, 16) && best.modulus < full; i++) {
      const part = pohligHellmanPrimePower(baseOf(i), observations[i]!.y, p, factor);
      if (part !== null && part.modulus > best.modulus) {
        best = part;
        bestFrom = i;
      }
    }
    parts.push(best);
    from.push(bestFrom);
  }
  const smallPart = crt(parts);
  const pohligHellmanMs = performance.now() - phStart;

  // s = r + M·t: (H^M)^t = y · H^(−r). Any observation whose H^M is not 1 will do; the first is tried first.
  const bsgsStart = performance.now();
  const M = smallPart.modulus;
  const range = (seedBound - smallPart.residue + M - 1n) / M;
  let seed: bigint | null = null;
  let steps = 0;
  let solvedFrom = -1;
  for (let i = 0; i < Math.min(observations.length, 4) && seed === null; i++) {
    const h = baseOf(i);
    const gM = modPow(h, M, p);
    if (gM === 1n) continue;
    const target = (observations[i]!.y * modInverse(modPow(h, smallPart.residue, p), p)) % p;
    const result = bsgs(gM, target, range, p);
    steps += result.steps;
    if (result.x !== null) {
      seed = smallPart.residue + M * result.x;
      solvedFrom = i;
    }
  }
  const bsgsMs = performance.now() - bsgsStart;

  // The check: the same s must explain observations it was not solved from.
  const verifyOn = parameters.verifyOn ?? 32;
  let checked = 0;
  let agreed = 0;
  if (seed !== null) {
    for (let i = 0; i < observations.length && checked < verifyOn; i++) {
      if (i === solvedFrom) continue;
      checked++;
      if (modPow(baseOf(i), seed, p) === observations[i]!.y) agreed++;
    }
    if (agreed < checked) seed = null;
  }
  return { seed, smallPart, pohligHellmanFrom: from, bsgsRange: range, bsgsSteps: steps, checked, agreed, pohligHellmanMs, bsgsMs };
}

export interface UnmaskResult {
  /** g_k for every coordinate; 0 where `recovered` is false. */
  values: Int32Array;
  recovered: Uint8Array;
  recoveredCount: number;
}

/**
 * Every coordinate of a masked vector (elements read by `element(i)`, index start + i) under seed s:
 * g = log_2(y · H(k)^{−s}) with |g| ≤ bound, or not recovered when no such g exists.
 */
export function unmaskAll(parameters: {
  count: number;
  element: (i: number) => bigint;
  seed: bigint;
  bound: number;
  start?: number;
  p?: bigint;
  hash?: (k: number) => bigint;
}): UnmaskResult {
  const p = parameters.p ?? PAPER_P;
  const hash = parameters.hash ?? ((k: number) => paperIndexHash(k, p));
  const start = parameters.start ?? 0;
  const exponent = mod(-parameters.seed, p - 1n);
  const table = boundedLogTable(2n, parameters.bound, p);
  const values = new Int32Array(parameters.count);
  const recovered = new Uint8Array(parameters.count);
  let recoveredCount = 0;
  for (let i = 0; i < parameters.count; i++) {
    const unmasked = (parameters.element(i) * modPow(hash(start + i), exponent, p)) % p;
    const g = table.get(unmasked);
    if (g !== undefined) {
      values[i] = g;
      recovered[i] = 1;
      recoveredCount++;
    }
  }
  return { values, recovered, recoveredCount };
}
