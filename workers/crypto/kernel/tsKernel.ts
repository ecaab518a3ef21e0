// Pure-TypeScript MASH kernel (BigInt): the fallback when the native addon is missing or when
// FEDMASH_KERNEL=ts. Same algorithms and bit-identical results as native/mash_kernel.c, only slower.
import { createHash } from "node:crypto";
import { MASH_P, modP, powModP, readLimbs, readPair, writeLimbs, writePair } from "./field";
import { COMB_TEETH, COMB_WORDS, type MashKernel } from "./kernel";
import { createRlwrTsKernel } from "./rlwrTsKernel";

// Smaller than the native 2^18: building a BigInt Map costs about 1 µs per entry.
const DLOG_MAX_HALF_WIDTH = 1 << 16;

/** H(k) = SHA-256(k as 24-byte big-endian) read as a 256-bit integer. */
export function sha256Index(index: bigint): bigint {
  const message = Buffer.alloc(24);
  message.writeBigUInt64BE(index >> 128n, 0);
  message.writeBigUInt64BE((index >> 64n) & 0xffff_ffff_ffff_ffffn, 8);
  message.writeBigUInt64BE(index & 0xffff_ffff_ffff_ffffn, 16);
  const digest = createHash("sha256").update(message).digest();
  return (
    (digest.readBigUInt64BE(0) << 192n) |
    (digest.readBigUInt64BE(8) << 128n) |
    (digest.readBigUInt64BE(16) << 64n) |
    digest.readBigUInt64BE(24)
  );
}

// 2^g for any int32 g from four byte tables, as in the native kernel: e = g + 2^31.
function buildPow2Tables(): bigint[][] {
  const tables: bigint[][] = [];
  for (let b = 0; b < 3; b++) {
    const step = powModP(2n, 1n << BigInt(8 * b));
    const table: bigint[] = [];
    let value = 1n;
    for (let i = 0; i < 256; i++) {
      table.push(value);
      value = (value * step) % MASH_P;
    }
    tables.push(table);
  }
  const half = (MASH_P + 1n) / 2n;
  let value = powModP(half, 1n << 31n);
  const step = powModP(2n, 1n << 24n);
  const top: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    top.push(value);
    value = (value * step) % MASH_P;
  }
  tables.push(top);
  return tables;
}

// Montgomery's trick in place: one Fermat inversion for the array; zeros (a hash that is 0 mod P,
// probability 2^-80 per index) are skipped and stay 0, as in the native kernel.
function batchInvert(values: bigint[]): void {
  const prefix: bigint[] = new Array<bigint>(values.length);
  let running = 1n;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0n) running = (running * values[i]!) % MASH_P;
    prefix[i] = running;
  }
  let inverse = powModP(running, MASH_P - 2n);
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i]!;
    if (value === 0n) continue;
    values[i] = (inverse * (i > 0 ? prefix[i - 1]! : 1n)) % MASH_P;
    inverse = (inverse * value) % MASH_P;
  }
}

export function createTsKernel(): MashKernel {
  const pow2Tables = buildPow2Tables();
  const [t0, t1, t2, t3] = pow2Tables as [bigint[], bigint[], bigint[], bigint[]];
  const pow2 = (g: number): bigint => {
    const e = (g ^ 0x8000_0000) >>> 0;
    const r = (((t0[e & 255]! * t1[(e >>> 8) & 255]!) % MASH_P) * t2[(e >>> 16) & 255]!) % MASH_P;
    return (r * t3[e >>> 24]!) % MASH_P;
  };
  let dlogTable: Map<bigint, number> | undefined;
  let dlogHalfWidth = 0;

  return {
    kind: "ts",
    rlwr: createRlwrTsKernel(),

    hashes(start, combs) {
      const n = combs.length / COMB_WORDS;
      for (let i = 0; i < n; i++) {
        let value = sha256Index(BigInt(start + i)) % MASH_P;
        writePair(combs, COMB_TEETH * i, value);
        for (let t = 1; t < COMB_TEETH; t++) {
          for (let q = 0; q < 8; q++) value = (value * value) % MASH_P;
          writePair(combs, COMB_TEETH * i + t, value);
        }
      }
    },

    mask(combs, grads, exponentWords, invert, out) {
      const exponent = (exponentWords[1]! << 64n) | exponentWords[0]!;
      const n = grads.length;
      const powers: bigint[] = new Array<bigint>(n);
      if (exponent >> 64n === 0n) {
        // Comb: bit b of byte t of s selects comb[t]; the selection is the same for every element.
        const schedule: number[][] = [];
        for (let b = 7; b >= 0; b--) {
          const teeth: number[] = [];
          for (let t = 0; t < COMB_TEETH; t++) if ((exponent >> BigInt(8 * t + b)) & 1n) teeth.push(t);
          schedule.push(teeth);
        }
        for (let i = 0; i < n; i++) {
          let acc: bigint | undefined;
          for (const teeth of schedule) {
            if (acc !== undefined) acc = (acc * acc) % MASH_P;
            for (const t of teeth) {
              const base = readPair(combs, COMB_TEETH * i + t);
              acc = acc === undefined ? base : (acc * base) % MASH_P;
            }
          }
          powers[i] = acc ?? 1n;
        }
      } else {
        // Exponents above 2^64 (the holder's seed reduced mod P - 1): 4-bit fixed window on comb[0].
        const digits: number[] = [];
        for (let e = exponent; e > 0n; e >>= 4n) digits.push(Number(e & 15n));
        const table: bigint[] = new Array<bigint>(16);
        for (let i = 0; i < n; i++) {
          const base = readPair(combs, COMB_TEETH * i);
          table[0] = 1n;
          table[1] = base;
          for (let k = 2; k < 16; k++) table[k] = (table[k - 1]! * base) % MASH_P;
          let acc = table[digits[digits.length - 1]!]!;
          for (let d = digits.length - 2; d >= 0; d--) {
            for (let q = 0; q < 4; q++) acc = (acc * acc) % MASH_P;
            const digit = digits[d]!;
            if (digit !== 0) acc = (acc * table[digit]!) % MASH_P;
          }
          powers[i] = acc;
        }
      }
      if (invert) batchInvert(powers);
      for (let i = 0; i < n; i++) writeLimbs(out, i, (powers[i]! * pow2(grads[i]!)) % MASH_P);
    },

    multiplyInto(acc, batch, count, stride, first) {
      const n = acc.length / 2;
      for (let v = 0; v < count; v++) {
        const offset = v * stride;
        for (let i = 0; i < n; i++) {
          const value = readLimbs(batch, offset + i);
          if (value === 0n || value >= MASH_P) return offset + i;
          writePair(acc, i, first && v === 0 ? value : (readPair(acc, i) * value) % MASH_P);
        }
      }
      return -1;
    },

    dlog(acc, bound, out) {
      const halfWidth = Math.min(bound, DLOG_MAX_HALF_WIDTH);
      if (dlogTable === undefined || dlogHalfWidth < halfWidth) {
        dlogTable = new Map();
        let value = pow2(-halfWidth);
        for (let x = -halfWidth; x <= halfWidth; x++) {
          dlogTable.set(value, x);
          value = (value * 2n) % MASH_P;
        }
        dlogHalfWidth = halfWidth;
      }
      const table = dlogTable;
      const lookup = (value: bigint): number | undefined => table.get(value);
      const m = dlogHalfWidth;
      const giant = 2 * m + 1;
      const stepUp = pow2(-giant);
      const stepDown = pow2(giant);
      for (let i = 0; i < out.length; i++) {
        const value = modP(readPair(acc, i));
        let x = lookup(value);
        if (x === undefined) {
          let up = value;
          let down = value;
          for (let step = 1; step * giant - m <= bound; step++) {
            up = (up * stepUp) % MASH_P;
            const j = lookup(up);
            if (j !== undefined) {
              x = step * giant + j;
              break;
            }
            down = (down * stepDown) % MASH_P;
            const k = lookup(down);
            if (k !== undefined) {
              x = -step * giant + k;
              break;
            }
          }
        }
        if (x === undefined || x > bound || x < -bound) return i;
        out[i] = x;
      }
      return -1;
    },
  };
}
