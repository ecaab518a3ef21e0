// Seeds of the rlwr-2048 group (docs/MASKING.md, "The seed" and "Seeds through the shuffle"): drawing a
// fresh one, its text form for state files, the range check, and the packing into Paillier plaintexts of
// 33-bit slots that lets the holder decrypt the sum of the included seeds and take minus it.
import { randomBytes } from "node:crypto";
import { MaskInputError, MaskSeedOutOfRangeError } from "./errors";
import type { SeedPlaintextCodec } from "./maskGroup";
import { RLWR_MAX_VECTORS, RLWR_N, RLWR_SEED_BITS, RLWR_SEED_LIMIT, RLWR_SLOT_BITS } from "./rlwrParameters";

const HALF_WIDTH = 1 << (RLWR_SEED_BITS - 1); // fresh coefficients are in [−2^21, 2^21)
const SEED_BYTES = RLWR_N * 8;
const SLOT = BigInt(RLWR_SLOT_BITS);
const SLOT_MASK = (1n << SLOT) - 1n;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** 2048 coefficients uniform in [−2^21, 2^21): 22 of every 24 random bits (2^22 divides 2^24, so no bias). */
export function randomRlwrSeed(): BigInt64Array {
  const bytes = randomBytes(3 * RLWR_N);
  const seed = new BigInt64Array(RLWR_N);
  for (let j = 0; j < RLWR_N; j++) {
    const bits = (bytes[3 * j]! | (bytes[3 * j + 1]! << 8) | (bytes[3 * j + 2]! << 16)) & ((1 << RLWR_SEED_BITS) - 1);
    seed[j] = BigInt(bits - HALF_WIDTH);
  }
  return seed;
}

/** A seed the mask accepts: a BigInt64Array of 2048 coefficients with |s_j| < limit (2^33 by default). */
export function checkRlwrSeed(seed: unknown, limit: bigint = RLWR_SEED_LIMIT): BigInt64Array {
  if (!(seed instanceof BigInt64Array) || seed.length !== RLWR_N) {
    throw new MaskSeedOutOfRangeError(seed, limit);
  }
  for (const s of seed) if (s >= limit || s <= -limit) throw new MaskSeedOutOfRangeError(s, limit);
  return seed;
}

/** Base64 of the 2048 int64 little-endian words (16,384 bytes). */
export function encodeRlwrSeed(seed: BigInt64Array): string {
  const bytes = Buffer.alloc(SEED_BYTES);
  checkRlwrSeed(seed).forEach((s, j) => bytes.writeBigInt64LE(s, 8 * j));
  return bytes.toString("base64");
}

export function decodeRlwrSeed(text: string): BigInt64Array {
  if (typeof text !== "string" || !BASE64.test(text)) throw new MaskSeedOutOfRangeError(text, RLWR_SEED_LIMIT);
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== SEED_BYTES || bytes.toString("base64") !== text) throw new MaskSeedOutOfRangeError(text, RLWR_SEED_LIMIT);
  const seed = new BigInt64Array(RLWR_N);
  for (let j = 0; j < RLWR_N; j++) seed[j] = bytes.readBigInt64LE(8 * j);
  return checkRlwrSeed(seed);
}

/**
 * Slots per plaintext under a key of keyBits bits: K = ⌊(keyBits − 2) / 33⌋, so every plaintext and every sum
 * stays below 2^(keyBits − 2) < n/2, the positive half of the signed encoding the Paillier layer uses.
 */
function slotsPerPlaintext(keyBits: number): number {
  if (!Number.isSafeInteger(keyBits) || keyBits < RLWR_SLOT_BITS + 2) {
    throw new MaskInputError("Paillier key size", `keyBits must be an integer of at least ${RLWR_SLOT_BITS + 2}, got ${String(keyBits)}`);
  }
  return Math.floor((keyBits - 2) / RLWR_SLOT_BITS);
}

function checkCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0 || count > RLWR_MAX_VECTORS) {
    throw new MaskInputError("seed count", `count must be an integer in [0, ${RLWR_MAX_VECTORS}], got ${String(count)}`);
  }
  return count;
}

const plaintextCount = (keyBits: number): number => Math.ceil(RLWR_N / slotsPerPlaintext(keyBits));

/** Offsets u_j = s_j + 2^21 in 33-bit slots: plaintext t = Σ_(r < K) u_(tK + r) · 2^(33r). */
export const rlwrSeedPlaintexts: SeedPlaintextCodec<BigInt64Array> = {
  toPlaintexts(seed, keyBits) {
    // Only fresh seeds travel: every coefficient in [−2^21, 2^21), so each offset fits its 22 bits.
    const fresh = checkRlwrSeed(seed);
    for (const s of fresh) if (s < -BigInt(HALF_WIDTH) || s >= BigInt(HALF_WIDTH)) throw new MaskSeedOutOfRangeError(s, BigInt(HALF_WIDTH));
    const slots = slotsPerPlaintext(keyBits);
    const plaintexts: bigint[] = [];
    for (let first = 0; first < RLWR_N; first += slots) {
      let plaintext = 0n;
      for (let j = Math.min(RLWR_N, first + slots) - 1; j >= first; j--) plaintext = (plaintext << SLOT) | (fresh[j]! + BigInt(HALF_WIDTH));
      plaintexts.push(plaintext);
    }
    return plaintexts;
  },

  plaintextCount,

  sumBound(count, keyBits) {
    const slotMax = BigInt(checkCount(count)) * BigInt(2 * HALF_WIDTH - 1);
    let bound = 0n;
    for (let r = 0; r < Math.min(RLWR_N, slotsPerPlaintext(keyBits)); r++) bound = (bound << SLOT) | slotMax;
    return bound;
  },

  holderSeed(sums, count, keyBits) {
    const slots = slotsPerPlaintext(keyBits);
    const expected = plaintextCount(keyBits);
    if (!Array.isArray(sums) || sums.length !== expected) {
      throw new MaskInputError("seed plaintext sums", `expected ${expected} decrypted sums, got ${Array.isArray(sums) ? sums.length : typeof sums}`);
    }
    const offsetSum = BigInt(checkCount(count)) * BigInt(HALF_WIDTH);
    const slotMax = BigInt(count) * BigInt(2 * HALF_WIDTH - 1);
    const seed = new BigInt64Array(RLWR_N);
    sums.forEach((sum, t) => {
      const used = Math.min(slots, RLWR_N - t * slots);
      if (typeof sum !== "bigint" || sum < 0n || sum >> (SLOT * BigInt(used)) !== 0n) {
        throw new MaskInputError("seed plaintext sums", `sum ${t} is not a non-negative bigint of ${used} slots of ${RLWR_SLOT_BITS} bits`);
      }
      for (let r = 0; r < used; r++) {
        const slot = (sum >> (SLOT * BigInt(r))) & SLOT_MASK;
        if (slot > slotMax) throw new MaskInputError("seed plaintext sums", `sum ${t}, slot ${r} is ${slot}, above ${count} · (2^22 − 1)`);
        seed[t * slots + r] = offsetSum - slot;
      }
    });
    return seed;
  },
};
