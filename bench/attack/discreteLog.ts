// Discrete logarithms in Z_P^* for the mask attack (bench/attack-mask.ts): modular arithmetic, baby-step
// giant-step over a bounded range, Pohlig–Hellman over the small prime factors of the group order, and the
// CRT that joins the pieces. Pure BigInt, no project code: an attacker needs nothing but the formulas.

/** a mod m in [0, m). */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** base^exponent mod m for exponent ≥ 0 (square-and-multiply). */
export function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  if (exponent < 0n) throw new RangeError(`modPow: negative exponent ${exponent}`);
  let result = 1n % m;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    e >>= 1n;
    if (e > 0n) b = (b * b) % m;
  }
  return result;
}

/** The inverse of a mod m (extended Euclid); throws when gcd(a, m) ≠ 1. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError(`modInverse: ${a} is not invertible mod ${m}`);
  return mod(oldS, m);
}

/** A congruence x ≡ residue (mod modulus). */
export interface Congruence {
  residue: bigint;
  modulus: bigint;
}

/** Joins congruences with pairwise coprime moduli into one (Chinese remainder theorem). */
export function crt(congruences: readonly Congruence[]): Congruence {
  let residue = 0n;
  let modulus = 1n;
  for (const c of congruences) {
    // x = residue + modulus·k with residue + modulus·k ≡ c.residue (mod c.modulus).
    const k = mod((c.residue - residue) * modInverse(modulus, c.modulus), c.modulus);
    residue += modulus * k;
    modulus *= c.modulus;
    residue = mod(residue, modulus);
  }
  return { residue, modulus };
}

/** The 52 low bits of a group element: an exact JS number, a cheap Map key (a hit is always re-checked). */
function keyOf(v: bigint): number {
  return Number(BigInt.asUintN(52, v));
}

export interface BsgsResult {
  /** The x found, or null when no x in [0, range) has g^x = h. */
  x: bigint | null;
  /** Group multiplications done (baby steps + giant steps). */
  steps: number;
}

/**
 * Baby-step giant-step: the x in [0, range) with g^x ≡ h (mod p), the smallest one, in about 2·√range
 * multiplications and √range table entries. `range` must be at most 2^53 (the table holds √range numbers).
 */
export function bsgs(g: bigint, h: bigint, range: bigint, p: bigint): BsgsResult {
  if (range <= 0n) return { x: null, steps: 0 };
  const m = sqrtCeil(range);
  const table = new Map<number, number>();
  const target = mod(h, p);
  let v = 1n;
  let steps = 0;
  for (let j = 0n; j < m; j++) {
    if (v === target) return { x: j, steps };
    const key = keyOf(v);
    if (!table.has(key)) table.set(key, Number(j));
    v = (v * mod(g, p)) % p;
    steps++;
  }
  // v = g^m now; giant steps multiply h by g^(-m).
  const giant = modInverse(v, p);
  let gamma = target;
  for (let i = 0n; i * m < range; i++) {
    const j = table.get(keyOf(gamma));
    if (j !== undefined) {
      const x = i * m + BigInt(j);
      if (x < range && modPow(g, x, p) === target) return { x, steps };
    }
    gamma = (gamma * giant) % p;
    steps++;
  }
  return { x: null, steps };
}

/** ⌈√n⌉ for n ≥ 1. */
export function sqrtCeil(n: bigint): bigint {
  if (n < 0n) throw new RangeError("sqrtCeil of a negative number");
  if (n < 2n) return n;
  let x = BigInt(Math.ceil(Math.sqrt(Number(n))));
  while (x * x < n) x++;
  while ((x - 1n) * (x - 1n) >= n) x--;
  return x;
}

export interface PrimePower {
  prime: bigint;
  exponent: number;
}

/**
 * Pohlig–Hellman for one prime power of the group order: with n = p − 1 = order of Z_p^*, and g, h with
 * h ∈ ⟨g⟩, returns x mod ℓ^f where ℓ^f is the ℓ-part of the order of g (f ≤ e; f = 0 gives modulus 1: g
 * carries no information about ℓ). The digits are found one at a time by BSGS in the subgroup of order ℓ.
 * Returns null when h is not in ⟨g⟩ (no digit matches).
 */
export function pohligHellmanPrimePower(g: bigint, h: bigint, p: bigint, factor: PrimePower): Congruence | null {
  const n = p - 1n;
  const full = factor.prime ** BigInt(factor.exponent);
  if (n % full !== 0n) throw new RangeError(`${factor.prime}^${factor.exponent} does not divide p − 1`);
  const cofactor = n / full;
  const gi = modPow(g, cofactor, p);
  const hi = modPow(h, cofactor, p);
  // The order of gi is ℓ^f.
  let f = 0;
  for (let t = gi; t !== 1n; t = modPow(t, factor.prime, p)) f++;
  if (f === 0) return hi === 1n ? { residue: 0n, modulus: 1n } : null;
  const gamma = modPow(gi, factor.prime ** BigInt(f - 1), p); // order ℓ
  const giInverse = modInverse(gi, p);
  let x = 0n;
  for (let k = 0; k < f; k++) {
    // h_k = (g_i^(-x) · h_i)^(ℓ^(f-1-k)) lies in ⟨gamma⟩; its log is the k-th digit.
    const hk = modPow((modPow(giInverse, x, p) * hi) % p, factor.prime ** BigInt(f - 1 - k), p);
    const digit = bsgs(gamma, hk, factor.prime, p).x;
    if (digit === null) return null;
    x += digit * factor.prime ** BigInt(k);
  }
  return { residue: x, modulus: factor.prime ** BigInt(f) };
}

/** Pohlig–Hellman over several prime powers of p − 1: x mod the product of what each one gave. */
export function pohligHellman(g: bigint, h: bigint, p: bigint, factors: readonly PrimePower[]): Congruence | null {
  const parts: Congruence[] = [];
  for (const factor of factors) {
    const part = pohligHellmanPrimePower(g, h, p, factor);
    if (part === null) return null;
    parts.push(part);
  }
  return crt(parts);
}

/**
 * Bounded discrete log to base `base`: a table of base^x for |x| ≤ bound, looked up by value. What the MASH
 * aggregator itself does for the sum; here it reads one client's unmasked coordinates.
 */
export function boundedLogTable(base: bigint, bound: number, p: bigint): Map<bigint, number> {
  const table = new Map<bigint, number>();
  const inverse = modInverse(base, p);
  let up = 1n;
  let down = 1n;
  table.set(1n, 0);
  for (let x = 1; x <= bound; x++) {
    up = (up * base) % p;
    down = (down * inverse) % p;
    table.set(up, x);
    table.set(down, -x);
  }
  return table;
}
