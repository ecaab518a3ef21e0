// Small BigInt helpers the Paillier code needs beyond what paillier-bigint exposes: fixed-width big-endian
// bytes, gcd and modular inverse. Kept here, not in a shared util, because only the shuffle crypto uses them.

/** Big-endian encoding of a non-negative `value` in exactly `width` bytes; throws RangeError if it does not fit. */
export function bigintToBytes(value: bigint, width: number): Uint8Array {
  if (value < 0n) throw new RangeError(`Cannot encode negative value ${value}.`);
  const bytes = new Uint8Array(width);
  let rest = value;
  for (let index = width - 1; index >= 0; index--) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new RangeError(`Value does not fit in ${width} bytes.`);
  return bytes;
}

/** Big-endian bytes → non-negative BigInt. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`);
}

export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Inverse of `a` modulo `m`, or undefined when gcd(a, m) ≠ 1. */
export function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) return undefined;
  return ((oldS % m) + m) % m;
}

/** ⌊√value⌋ by Newton's method. */
export function integerSquareRoot(value: bigint): bigint {
  if (value < 0n) throw new RangeError("Square root of a negative value.");
  if (value < 2n) return value;
  let x = 1n << BigInt(Math.ceil(bitLength(value) / 2));
  for (;;) {
    const next = (x + value / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}
