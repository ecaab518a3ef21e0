// Pure-TypeScript rlwr-2048 kernel: the fallback when the native addon is missing or FEDMASH_KERNEL=ts.
// The NTT runs on BigInt, SHAKE128 comes from node:crypto, and the aggregate uses plain Numbers
// (2048 · 2^40 < 2^53). It gives the same bytes as native/rlwr_kernel.c; docs/MASKING.md is the spec.
import { modPow } from "../modPow";
import { createHash } from "node:crypto";
import {
  RLWR_A_TAG,
  RLWR_B_BITS,
  RLWR_CONTEXT_BYTES,
  RLWR_N,
  RLWR_P_BITS,
  RLWR_PSI,
  RLWR_Q,
} from "../mask/rlwrParameters";
import type { RlwrKernel } from "./kernel";

const Q = RLWR_Q;
const P_BIG = 1n << BigInt(RLWR_P_BITS);
const HALF_Q = (Q - 1n) / 2n;
const P = 2 ** RLWR_P_BITS;
const HALF_P = P / 2;
const B = 2 ** RLWR_B_BITS;
const LIMB = 2 ** 32;
const LIMB1_LIMIT = 2 ** (RLWR_P_BITS - 32);
const TAG = Buffer.from(RLWR_A_TAG, "ascii");
// q = 2^62 − 2^16 + 1 as (high 30 bits, low 32 bits) of a 62-bit word: v < q without a BigInt.
const Q_HIGH = 0x3fff_ffff;
const Q_LOW = 0xffff_0001;

export function powModQ(base: bigint, exponent: bigint): bigint {
  return modPow(base, exponent, Q);
}

function bitReverse11(k: number): number {
  let r = 0;
  for (let i = 0; i < 11; i++) r |= ((k >> i) & 1) << (10 - i);
  return r;
}

interface Tables {
  twiddle: bigint[];
  inverseTwiddle: bigint[];
  nInverse: bigint;
}
let tables: Tables | undefined;

function nttTables(): Tables {
  if (!tables) {
    const psiInverse = powModQ(RLWR_PSI, 2n * BigInt(RLWR_N) - 1n);
    const twiddle: bigint[] = [];
    const inverseTwiddle: bigint[] = [];
    for (let k = 0; k < RLWR_N; k++) {
      const e = BigInt(bitReverse11(k));
      twiddle.push(powModQ(RLWR_PSI, e));
      inverseTwiddle.push(powModQ(psiInverse, e));
    }
    tables = { twiddle, inverseTwiddle, nInverse: powModQ(BigInt(RLWR_N), Q - 2n) };
  }
  return tables;
}

/** In place, canonical in and out: a[k] becomes a(ψ^(2·brv(k)+1)) (Cooley–Tukey, bit-reversed output). */
export function nttForward(a: bigint[]): void {
  const { twiddle } = nttTables();
  let t = RLWR_N;
  for (let m = 1; m < RLWR_N; m <<= 1) {
    t >>= 1;
    for (let i = 0; i < m; i++) {
      const w = twiddle[m + i]!;
      const j1 = 2 * i * t;
      for (let j = j1; j < j1 + t; j++) {
        const u = a[j]!;
        const v = (a[j + t]! * w) % Q;
        const sum = u + v;
        a[j] = sum >= Q ? sum - Q : sum;
        const difference = u - v;
        a[j + t] = difference < 0n ? difference + Q : difference;
      }
    }
  }
}

/** In place, the inverse of nttForward without the factor n^−1 (Gentleman–Sande). */
export function nttInverseUnscaled(a: bigint[]): void {
  const { inverseTwiddle } = nttTables();
  let t = 1;
  for (let m = RLWR_N; m > 1; m >>= 1) {
    const h = m >> 1;
    for (let i = 0; i < h; i++) {
      const w = inverseTwiddle[h + i]!;
      const j1 = 2 * i * t;
      for (let j = j1; j < j1 + t; j++) {
        const u = a[j]!;
        const v = a[j + t]!;
        const sum = u + v;
        a[j] = sum >= Q ? sum - Q : sum;
        const difference = u - v;
        a[j + t] = ((difference < 0n ? difference + Q : difference) * w) % Q;
      }
    }
    t <<= 1;
  }
}

/** â_b for one block: rejection-sampled u64 LE words of SHAKE128(tag ‖ context ‖ u32le(block)). */
export function expandBlock(context: Uint8Array, block: number, out: BigUint64Array, at = 0): void {
  const message = Buffer.alloc(TAG.length + RLWR_CONTEXT_BYTES + 4);
  TAG.copy(message, 0);
  message.set(context, TAG.length);
  message.writeUInt32LE(block, TAG.length + RLWR_CONTEXT_BYTES);
  // A word is rejected with probability 2^−46; if the stream runs short, ask for a longer one (SHAKE's
  // output is a prefix of any longer output).
  for (let bytes = RLWR_N * 8 + 168; ; bytes *= 2) {
    const stream = createHash("shake128", { outputLength: bytes }).update(message).digest();
    let k = 0;
    for (let offset = 0; offset + 8 <= bytes && k < RLWR_N; offset += 8) {
      const low = stream.readUInt32LE(offset);
      const high = stream.readUInt32LE(offset + 4) & Q_HIGH;
      if (high < Q_HIGH || low < Q_LOW) out[at + k++] = (BigInt(high) << 32n) | BigInt(low);
    }
    if (k === RLWR_N) return;
  }
}

/** ⌊(p·x + (q−1)/2) / q⌋ mod p for x in [0, q): x·p/q rounded to the nearest, ties down. */
export function roundToP(x: bigint): number {
  return Number(((x * P_BIG + HALF_Q) / Q) % P_BIG);
}

/** The seed's NTT values times n^−1: the inverse transform of the product then needs no scaling. */
function seedTransform(seed: BigInt64Array): bigint[] {
  const values = Array.from(seed, (s) => ((s % Q) + Q) % Q);
  nttForward(values);
  const { nInverse } = nttTables();
  return values.map((v) => (v * nInverse) % Q);
}

function maskBlocks(aHat: BigUint64Array, seed: BigInt64Array, grads: Int32Array, offset: number, out: Uint32Array): void {
  const sHat = seedTransform(seed);
  const x: bigint[] = new Array<bigint>(RLWR_N);
  for (let block = 0, done = 0; done < grads.length; block++) {
    for (let k = 0; k < RLWR_N; k++) x[k] = (aHat[block * RLWR_N + k]! * sHat[k]!) % Q;
    nttInverseUnscaled(x);
    const first = block === 0 ? offset : 0;
    const count = Math.min(RLWR_N - first, grads.length - done);
    for (let j = 0; j < count; j++) {
      const y = (((grads[done + j]! * B + roundToP(x[first + j]!)) % P) + P) % P;
      out[2 * (done + j)] = y % LIMB;
      out[2 * (done + j) + 1] = Math.floor(y / LIMB);
    }
    done += count;
  }
}

function firstMalformed(batch: Uint32Array, length: number, count: number, stride: number): number {
  for (let v = 0; v < count; v++) {
    for (let i = 0; i < length; i++) if (batch[2 * (v * stride + i) + 1]! >= LIMB1_LIMIT) return v * stride + i;
  }
  return -1;
}

// Coordinates summed at a time, as in the native kernel.
const SUM_CHUNK = 2048;

function sumInto(acc: BigUint64Array, batch: Uint32Array, count: number, stride: number, first: boolean): number {
  const length = acc.length;
  const chunk = new Float64Array(SUM_CHUNK);
  let malformed = false;
  for (let from = 0; from < length; from += SUM_CHUNK) {
    const size = Math.min(SUM_CHUNK, length - from);
    for (let i = 0; i < size; i++) chunk[i] = first ? 0 : Number(acc[from + i]!);
    for (let v = 0; v < count; v++) {
      const base = 2 * (v * stride + from);
      for (let i = 0; i < size; i++) {
        const high = batch[base + 2 * i + 1]!;
        if (high >= LIMB1_LIMIT) malformed = true;
        chunk[i]! += batch[base + 2 * i]! + high * LIMB;
      }
    }
    for (let i = 0; i < size; i++) acc[from + i] = BigInt(chunk[i]!);
  }
  return malformed ? firstMalformed(batch, length, count, stride) : -1;
}

function decode(acc: BigUint64Array, vectors: number, bound: number, out: Int32Array): number {
  for (let i = 0; i < acc.length; i++) {
    const y = Number(acc[i]!) % P;
    const centred = y >= HALF_P ? y - P : y;
    const g = Math.floor((centred + B / 2) / B);
    const residual = centred - g * B;
    if (2 * Math.abs(residual) >= vectors || Math.abs(g) > bound) return i;
    out[i] = g;
  }
  return -1;
}

export function createRlwrTsKernel(): RlwrKernel {
  return {
    expand(context, firstBlock, aHat) {
      if (context.length !== RLWR_CONTEXT_BYTES || aHat.length % RLWR_N !== 0) {
        throw new RangeError("rlwr expand: context must be 32 bytes and aHat whole blocks");
      }
      for (let k = 0; k < aHat.length / RLWR_N; k++) expandBlock(context, firstBlock + k, aHat, k * RLWR_N);
    },
    mask(aHat, seed, grads, offset, out) {
      if (seed.length !== RLWR_N || offset < 0 || offset >= RLWR_N || out.length !== 2 * grads.length || offset + grads.length > aHat.length) {
        throw new RangeError("rlwr mask: seed of 2048, whole aHat blocks covering offset + grads, out of 2 limbs per element");
      }
      if (grads.length > 0) maskBlocks(aHat, seed, grads, offset, out);
    },
    sumInto(acc, batch, count, stride, first) {
      if (stride < acc.length || (count > 0 && batch.length < 2 * (stride * (count - 1) + acc.length))) {
        throw new RangeError("rlwr sumInto: batch shorter than count vectors of stride elements");
      }
      return sumInto(acc, batch, count, stride, first);
    },
    decode(acc, vectors, bound, out) {
      if (out.length !== acc.length) throw new RangeError("rlwr decode: length mismatch");
      return decode(acc, vectors, bound, out);
    },
  };
}

/** The decode's residual e of one accumulated sum (for MaskDecodeError): V − 2048·⌊(V + 1024) / 2048⌋. */
export function decodeResidual(sum: bigint): { value: number; residual: number } {
  const y = Number(sum % P_BIG);
  const centred = y >= HALF_P ? y - P : y;
  const value = Math.floor((centred + B / 2) / B);
  return { value, residual: centred - value * B };
}
