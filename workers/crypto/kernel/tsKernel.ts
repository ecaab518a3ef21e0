// Pure-TypeScript MASH kernel (BigInt): the fallback when the native addon is missing or when
// FEDMASH_KERNEL=ts. Same algorithms and bit-identical results as native/mash_kernel.c, only slower.
import { createHash } from "node:crypto";
import { MASH_P, modP, powModP, readLimbs, readPair, writeLimbs, writePair } from "./field";
import type { MashKernel } from "./kernel";

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

  const lookup = (value: bigint): number | undefined => dlogTable!.get(value);

  return {
    kind: "ts",

    hashes(start, hashes, inverses) {
      const n = hashes.length / 2;
      let running = 1n;
      for (let i = 0; i < n; i++) {
        const h = sha256Index(BigInt(start + i)) % MASH_P;
        writePair(hashes, i, h);
        if (h !== 0n) running = (running * h) % MASH_P;
        writePair(inverses, i, running);
      }
      // Montgomery's trick: one inversion for the slice; a zero hash (probability 2^-80) gets inverse 0.
      let inverse = powModP(running, MASH_P - 2n);
      for (let i = n - 1; i >= 0; i--) {
        const h = readPair(hashes, i);
        if (h === 0n) {
          writePair(inverses, i, 0n);
          continue;
        }
        const before = i > 0 ? readPair(inverses, i - 1) : 1n;
        writePair(inverses, i, (inverse * before) % MASH_P);
        inverse = (inverse * h) % MASH_P;
      }
    },

    mask(bases, grads, exponentWords, out) {
      const exponent = (exponentWords[1]! << 64n) | exponentWords[0]!;
      const digits: number[] = [];
      for (let e = exponent; e > 0n; e >>= 4n) digits.push(Number(e & 15n));
      const table: bigint[] = new Array<bigint>(16);
      for (let i = 0; i < grads.length; i++) {
        let acc = 1n;
        if (digits.length > 0) {
          const base = readPair(bases, i);
          table[0] = 1n;
          table[1] = base;
          for (let k = 2; k < 16; k++) table[k] = (table[k - 1]! * base) % MASH_P;
          acc = table[digits[digits.length - 1]!]!;
          for (let d = digits.length - 2; d >= 0; d--) {
            acc = (acc * acc) % MASH_P;
            acc = (acc * acc) % MASH_P;
            acc = (acc * acc) % MASH_P;
            acc = (acc * acc) % MASH_P;
            const digit = digits[d]!;
            if (digit !== 0) acc = (acc * table[digit]!) % MASH_P;
          }
        }
        writeLimbs(out, i, (acc * pow2(grads[i]!)) % MASH_P);
      }
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
