// The same attacker against rlwr-2048 (docs/MASKING.md), written from the specification alone and sharing no
// code with workers/crypto/mask/rlwrGroup.ts. There is no group element to take a logarithm of: a masked
// element is y_i = (B·g_i + m_i) mod p with m_i = round(p/q · (a_b·s)_j). At coordinates known to be zero,
// y_i = m_i, and the natural linear-algebra attack lifts y back to x̃ = round(y·q/p) ≈ a_b·s and divides by
// a_b in R_q (pointwise in the NTT domain). That would give s exactly without the rounding; with it, x̃ is off
// by up to q/(2p) ≈ 2^21 per coefficient, and a_b^{−1}·(error) is a uniformly spread polynomial: the candidate
// is garbage. This module holds the ring arithmetic (expansion of A, NTT, masking) and that solve.
import { createHash } from "node:crypto";
import { solidityPackedKeccak256 } from "ethers";
import { mod, modInverse, modPow } from "./discreteLog";

export const RLWR_N = 2048;
export const RLWR_Q = (1n << 62n) - (1n << 16n) + 1n;
export const RLWR_PSI = 3710688476054411196n;
export const RLWR_P = 1n << 40n;
export const RLWR_B = 2048n;
export const RLWR_SEED_HALF_WIDTH = 1n << 21n;
const A_TAG = "fedmash/rlwr-2048/A/v1";

/** The 11-bit reversal of k. */
export function bitReverse11(k: number): number {
  let r = 0;
  for (let b = 0; b < 11; b++) if (k & (1 << b)) r |= 1 << (10 - b);
  return r;
}

export interface NttContext {
  n: number;
  q: bigint;
  /** zetas[i] = ψ^brv(i) (forward), and their inverses (inverse transform). */
  zetas: bigint[];
  zetasInverse: bigint[];
  nInverse: bigint;
}

/** An NTT for R_q = Z_q[X]/(X^n + 1) with ψ a primitive 2n-th root of unity; n = 2^k, k ≤ 11 here. */
export function nttContext(n: number = RLWR_N, q: bigint = RLWR_Q, psi: bigint = RLWR_PSI): NttContext {
  const bits = Math.log2(n);
  if (!Number.isInteger(bits)) throw new RangeError("n must be a power of two");
  const reverse = (k: number): number => {
    let r = 0;
    for (let b = 0; b < bits; b++) if (k & (1 << b)) r |= 1 << (bits - 1 - b);
    return r;
  };
  const zetas: bigint[] = [];
  const zetasInverse: bigint[] = [];
  const psiInverse = modInverse(psi, q);
  for (let i = 0; i < n; i++) {
    zetas.push(modPow(psi, BigInt(reverse(i)), q));
    zetasInverse.push(modPow(psiInverse, BigInt(reverse(i)), q));
  }
  return { n, q, zetas, zetasInverse, nInverse: modInverse(BigInt(n), q) };
}

/**
 * Forward negacyclic NTT (Cooley–Tukey, bit-reversed output): out[k] = a(ψ^(2·brv(k)+1)), the order in which
 * docs/MASKING.md lists â_b. Input coefficients in [0, q).
 */
export function ntt(coefficients: readonly bigint[], context: NttContext): bigint[] {
  const { n, q, zetas } = context;
  const a = coefficients.map((c) => mod(c, q));
  let k = 0;
  for (let length = n / 2; length >= 1; length /= 2) {
    for (let start = 0; start < n; start += 2 * length) {
      const zeta = zetas[++k]!;
      for (let j = start; j < start + length; j++) {
        const t = (zeta * a[j + length]!) % q;
        a[j + length] = mod(a[j]! - t, q);
        a[j] = (a[j]! + t) % q;
      }
    }
  }
  return a;
}

/** The inverse of ntt() (Gentleman–Sande), coefficients in [0, q). */
export function inverseNtt(values: readonly bigint[], context: NttContext): bigint[] {
  const { n, q, zetasInverse, nInverse } = context;
  const a = values.slice();
  let k = n;
  for (let length = 1; length < n; length *= 2) {
    for (let start = n - 2 * length; start >= 0; start -= 2 * length) {
      // The forward pass used zetas[k] for this block; walk them back in reverse.
      const zeta = zetasInverse[--k]!;
      for (let j = start; j < start + length; j++) {
        const t = a[j]!;
        a[j] = (t + a[j + length]!) % q;
        a[j + length] = (zeta * mod(t - a[j + length]!, q)) % q;
      }
    }
  }
  return a.map((c) => (c * nInverse) % q);
}

/** The polynomial a(X) at X = x (Horner): the check that ntt() lists the points the spec names. */
export function evaluate(coefficients: readonly bigint[], x: bigint, q: bigint): bigint {
  let r = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) r = mod(r * x + coefficients[i]!, q);
  return r;
}

/** The round's public mask context c = keccak256(tag ‖ u256 chainId ‖ coordinator ‖ u256 roundId), 32 bytes. */
export function rlwrMaskContext(chainId: bigint, coordinator: string, roundId: bigint): Uint8Array {
  const hex = solidityPackedKeccak256(["string", "uint256", "address", "uint256"], [A_TAG, chainId, coordinator, roundId]);
  return Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
}

/** â_b: 2048 NTT values from SHAKE128(tag ‖ c ‖ u32le(b)), u64le words masked to 62 bits, values ≥ q skipped. */
export function expandA(context: Uint8Array, block: number, n: number = RLWR_N, q: bigint = RLWR_Q): bigint[] {
  if (context.length !== 32) throw new RangeError("the mask context is 32 bytes");
  const blockBytes = Buffer.alloc(4);
  blockBytes.writeUInt32LE(block);
  const input = Buffer.concat([Buffer.from(A_TAG, "ascii"), Buffer.from(context), blockBytes]);
  for (let words = n + 64; ; words *= 2) {
    const stream = createHash("shake128", { outputLength: words * 8 }).update(input).digest();
    const values: bigint[] = [];
    for (let w = 0; w < words && values.length < n; w++) {
      const v = stream.readBigUInt64LE(w * 8) & ((1n << 62n) - 1n);
      if (v < q) values.push(v);
    }
    if (values.length === n) return values;
  }
}

/** Pointwise product of NTT values. */
export function pointwise(a: readonly bigint[], b: readonly bigint[], q: bigint = RLWR_Q): bigint[] {
  return a.map((v, k) => (v * b[k]!) % q);
}

/** m = ⌊(p·x + (q − 1)/2) / q⌋ mod p: x·p/q rounded to the nearest, as the spec's masking step 2. */
export function roundToP(x: bigint, q: bigint = RLWR_Q, p: bigint = RLWR_P): bigint {
  return mod((p * x + (q - 1n) / 2n) / q, p);
}

/** The rounded masks of one block: m_j = round(p/q · (a_b·s)_j) for j < n. */
export function blockMasks(aHat: readonly bigint[], seedHat: readonly bigint[], context: NttContext, p: bigint = RLWR_P): bigint[] {
  return inverseNtt(pointwise(aHat, seedHat, context.q), context).map((x) => roundToP(x, context.q, p));
}

/** y = (B·g + m) mod p, as the masking step 3. */
export function maskElement(g: number, m: bigint, p: bigint = RLWR_P, b: bigint = RLWR_B): bigint {
  return mod(b * BigInt(g) + m, p);
}

/** Decoding as the aggregator does, for one vector: centre y − m, then round to the nearest multiple of B. */
export function decodeElement(y: bigint, m: bigint, p: bigint = RLWR_P, b: bigint = RLWR_B): number {
  let v = mod(y - m, p);
  if (v >= p / 2n) v -= p;
  const half = b / 2n;
  const g = (v + half) / b - (v + half < 0n && (v + half) % b !== 0n ? 1n : 0n);
  return Number(g);
}

/** The lift of a rounded value back to Z_q: x̃ = round(y·q/p). |x − x̃| ≤ q/(2p) + 1 ≈ 2^21 when y = round(p·x/q). */
export function liftToQ(y: bigint, q: bigint = RLWR_Q, p: bigint = RLWR_P): bigint {
  return mod((y * q + p / 2n) / p, q);
}

/** A coefficient of Z_q as a signed integer in (−q/2, q/2]. */
export function centre(x: bigint, q: bigint = RLWR_Q): bigint {
  const r = mod(x, q);
  return r > q / 2n ? r - q : r;
}

export interface LinearSolve {
  /** The candidate seed, centred coefficients. */
  candidate: bigint[];
  /** Coefficients inside the fresh-seed range [−2^21, 2^21): 2048 for a real seed, ~0 for garbage. */
  inSeedRange: number;
  /** The largest |coefficient| of the candidate, log2. */
  maxLog2: number;
  /** False when some â_b[k] = 0 (a_b not invertible; probability ≈ n/q). */
  invertible: boolean;
}

/**
 * The linear-algebra attack on one block whose 2048 coordinates are all known to be zero: x̃ = lift(y) and
 * s' = a_b^{−1}·x̃ in R_q. `rounded` = y_j (the masked values, equal to m_j there).
 */
export function solveFromBlock(aHat: readonly bigint[], rounded: readonly bigint[], context: NttContext, liftedAlready = false): LinearSolve {
  const q = context.q;
  const lifted = liftedAlready ? rounded.slice() : rounded.map((y) => liftToQ(y, q));
  if (aHat.some((v) => v === 0n)) return { candidate: [], inSeedRange: 0, maxLog2: 0, invertible: false };
  const inverse = aHat.map((v) => modInverse(v, q));
  const candidate = inverseNtt(pointwise(ntt(lifted, context), inverse, q), context).map((c) => centre(c, q));
  let inSeedRange = 0;
  let max = 0n;
  for (const c of candidate) {
    if (c >= -RLWR_SEED_HALF_WIDTH && c < RLWR_SEED_HALF_WIDTH) inSeedRange++;
    const abs = c < 0n ? -c : c;
    if (abs > max) max = abs;
  }
  return { candidate, inSeedRange, maxLog2: max === 0n ? 0 : Math.log2(Number(max)), invertible: true };
}

/** Element i of a 2-limb masked vector: limbs[2i] + limbs[2i+1]·2^32. */
export function rlwrElement(limbs: Uint32Array, i: number): bigint {
  return BigInt(limbs[2 * i]!) + (BigInt(limbs[2 * i + 1]!) << 32n);
}
