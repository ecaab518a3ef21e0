// The math of the mask attack (bench/attack-mask.ts) on small known cases: modular arithmetic, CRT, baby-step
// giant-step, Pohlig–Hellman, the seed recovery and unmasking of paper-compat on synthetic masks with the real
// P = 2^80 + 13, and the ring arithmetic of the rlwr-2048 attacker against the known-answer vectors. About 4 s:
// each BSGS over the 2^37 values of t takes up to ~0.7 M multiplications.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { boundedLogTable, bsgs, crt, mod, modInverse, modPow, pohligHellman, pohligHellmanPrimePower, sqrtCeil } from "../../bench/attack/discreteLog";
import {
  PAPER_LARGE_FACTOR,
  PAPER_P,
  PAPER_SEED_BOUND,
  PAPER_SMALL_FACTORS,
  paperIndexHash,
  recoverSeed,
  unmaskAll,
} from "../../bench/attack/paperCompatAttack";
import {
  RLWR_Q,
  RLWR_PSI,
  bitReverse11,
  blockMasks,
  decodeElement,
  evaluate,
  expandA,
  inverseNtt,
  maskElement,
  ntt,
  nttContext,
  rlwrMaskContext,
  solveFromBlock,
} from "../../bench/attack/rlwrAttack";
import { indexHash } from "../../workers/crypto/mask/indexHash";

/** A deterministic 64-bit generator (splitmix64), so failures reproduce. */
function generator(seed: bigint): () => bigint {
  let state = seed;
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

/** 2^g mod P for a signed g. */
const twoTo = (g: number): bigint => modPow(2n, mod(BigInt(g), PAPER_P - 1n), PAPER_P);

describe("mask attack math (bench/attack)", function () {
  describe("modular arithmetic", function () {
    it("modPow, modInverse, sqrtCeil and crt on small numbers", function () {
      expect(modPow(3n, 200n, 1000007n)).to.equal(BigInt(3) ** 200n % 1000007n);
      expect(modPow(5n, 0n, 7n)).to.equal(1n);
      for (const a of [1n, 2n, 17n, 1018n]) expect((a * modInverse(a, 1019n)) % 1019n).to.equal(1n);
      expect(() => modInverse(6n, 9n)).to.throw(RangeError);
      expect([1n, 2n, 4n, 5n, 10n, 17n].map(sqrtCeil)).to.deep.equal([1n, 2n, 2n, 3n, 4n, 5n]);
      // x ≡ 2 (mod 3), 3 (mod 5), 2 (mod 7): 23.
      expect(crt([{ residue: 2n, modulus: 3n }, { residue: 3n, modulus: 5n }, { residue: 2n, modulus: 7n }])).to.deep.equal({ residue: 23n, modulus: 105n });
    });

    it("the factorization of P − 1 behind the attack", function () {
      const small = PAPER_SMALL_FACTORS.reduce((m, f) => m * f.prime ** BigInt(f.exponent), 1n);
      expect(small * PAPER_LARGE_FACTOR).to.equal(PAPER_P - 1n);
      expect(small).to.equal(135_702_508n);
      // 8908647580887961 is prime (Fermat to a few bases is enough for a test of a fixed constant).
      for (const base of [2n, 3n, 5n, 7n, 11n]) expect(modPow(base, PAPER_LARGE_FACTOR - 1n, PAPER_LARGE_FACTOR)).to.equal(1n);
    });
  });

  describe("baby-step giant-step", function () {
    it("finds every x below the range in Z_1019^* (2 generates it) and nothing outside", function () {
      const p = 1019n;
      for (let x = 0n; x < 1018n; x += 7n) expect(bsgs(2n, modPow(2n, x, p), 1018n, p).x).to.equal(x);
      // 2^500 is not 2^x for any x < 100.
      expect(bsgs(2n, modPow(2n, 500n, p), 100n, p).x).to.equal(null);
    });

    it("a 32-bit log in the 80-bit field", function () {
      const x = 0xabcdef12n;
      const r = bsgs(3n, modPow(3n, x, PAPER_P), 1n << 32n, PAPER_P);
      expect(r.x).to.equal(x);
      expect(r.steps).to.be.at.most(2 * 2 ** 16 + 2);
    });
  });

  describe("Pohlig–Hellman", function () {
    // 631 is prime and 630 = 2 · 3^2 · 5 · 7.
    const p = 631n;
    const factors = [
      { prime: 2n, exponent: 1 },
      { prime: 3n, exponent: 2 },
      { prime: 5n, exponent: 1 },
      { prime: 7n, exponent: 1 },
    ];
    const order = (g: bigint): bigint => {
      let k = 1n;
      for (let v = g; v !== 1n; v = (v * g) % p) k++;
      return k;
    };

    it("recovers x mod the order of g, for every base and many exponents", function () {
      for (let g = 2n; g < 20n; g++) {
        const n = order(g);
        for (let x = 0n; x < 630n; x += 11n) {
          const c = pohligHellman(g, modPow(g, x, p), p, factors);
          expect(c, `g ${g}, x ${x}`).to.not.equal(null);
          expect(c!.modulus).to.equal(n);
          expect(c!.residue).to.equal(x % n);
        }
      }
    });

    it("a base without the prime in its order gives modulus 1; h outside ⟨g⟩ gives null", function () {
      // 4 is a square, so its order is odd: nothing about x mod 2.
      expect(pohligHellmanPrimePower(4n, modPow(4n, 5n, p), p, { prime: 2n, exponent: 1 })).to.deep.equal({ residue: 0n, modulus: 1n });
      // A non-square is no power of the square 4: the 2-part says so.
      const nonSquare = [2n, 3n, 5n, 6n, 7n].find((v) => modPow(v, 315n, p) === p - 1n)!;
      expect(pohligHellman(4n, nonSquare, p, factors)).to.equal(null);
    });

    it("s mod 2^2·1093·31039 in the real group", function () {
      const s = 0x1234_5678_9abc_def0n;
      const h = paperIndexHash(7);
      const c = pohligHellman(h, modPow(h, s, PAPER_P), PAPER_P, PAPER_SMALL_FACTORS)!;
      expect(s % c.modulus).to.equal(c.residue);
      expect(c.modulus > 1n).to.equal(true);
    });
  });

  describe("paper-compat seed recovery and unmasking", function () {
    it("H(k) is the product's index hash reduced mod P", function () {
      for (const k of [0, 1, 2048, 101_769, 804_553]) expect(paperIndexHash(k)).to.equal(indexHash(k) % PAPER_P);
    });

    it("recovers a random 64-bit seed from y = H(k)^s at known-zero indices, then every g", function () {
      const next = generator(14n);
      for (const seed of [next() % PAPER_SEED_BOUND, PAPER_SEED_BOUND - 1n]) {
        const observations = [2048, 2049, 2050, 2051, 2052, 2053, 2054, 2055, 2056, 2057].map((index) => ({ index, y: modPow(paperIndexHash(index), seed, PAPER_P) }));
        const found = recoverSeed({ observations, verifyOn: 8 });
        expect(found.seed).to.equal(seed);
        expect(found.smallPart.residue).to.equal(seed % found.smallPart.modulus);
        expect(found.checked).to.equal(8);
        expect(found.agreed).to.equal(8);
      }
    });

    it("a seed outside the searched range is not found, and a false observation is caught by the check", function () {
      const seed = PAPER_SEED_BOUND + 12345n;
      const observations = [10, 11, 12, 13, 14].map((index) => ({ index, y: modPow(paperIndexHash(index), seed, PAPER_P) }));
      expect(recoverSeed({ observations }).seed).to.equal(null);
      const honest = 987654321n;
      const mixed = [20, 21, 22, 23].map((index) => ({ index, y: modPow(paperIndexHash(index), honest, PAPER_P) }));
      // Coordinate 23 is not zero after all: its y carries 2^5.
      mixed[3]!.y = (mixed[3]!.y * twoTo(5)) % PAPER_P;
      const result = recoverSeed({ observations: mixed });
      expect(result.agreed).to.equal(result.checked - 1);
      expect(result.seed).to.equal(null);
    });

    it("unmaskAll reads g back with the right seed and almost nothing with a wrong one", function () {
      const seed = 0xfeed_beef_0000_1111n;
      const bound = 10_000;
      const g = Int32Array.from({ length: 300 }, (_, i) => ((i * 7919) % (2 * bound + 1)) - bound);
      const y = Array.from(g, (gi, i) => (twoTo(gi) * modPow(paperIndexHash(500 + i), seed, PAPER_P)) % PAPER_P);
      const right = unmaskAll({ count: g.length, element: (i) => y[i]!, seed, bound, start: 500 });
      expect(right.recoveredCount).to.equal(g.length);
      expect(Array.from(right.values)).to.deep.equal(Array.from(g));
      const wrong = unmaskAll({ count: g.length, element: (i) => y[i]!, seed: seed + 1n, bound, start: 500 });
      expect(wrong.recoveredCount).to.be.below(2);
    });

    it("the bounded log table covers exactly [−bound, bound]", function () {
      const table = boundedLogTable(2n, 50, 1019n);
      expect(table.get(1n)).to.equal(0);
      expect(table.get(modPow(2n, 50n, 1019n))).to.equal(50);
      expect(table.get(modInverse(modPow(2n, 50n, 1019n), 1019n))).to.equal(-50);
      expect(table.size).to.equal(101);
    });
  });

  describe("rlwr-2048 ring arithmetic of the attacker", function () {
    const vectors = JSON.parse(readFileSync(join(__dirname, "..", "..", "docs", "testvectors", "rlwr2048.json"), "utf8")) as {
      context: { chainId: number; coordinator: string; roundId: number; c: string }[];
      expansion: { c: string; b: number; first8: string[]; last8: string[] }[];
      mask: { seed: string; c: string; start: string; g: number[]; y?: [number, number][]; m?: string[] }[];
      seeds: Record<string, number[]>;
    };
    const context = nttContext();
    const hex = (c: string): Uint8Array => Uint8Array.from(Buffer.from(c, "hex"));

    it("the NTT lists a(ψ^(2·brv(k)+1)) and inverts", function () {
      const next = generator(7n);
      const a = Array.from({ length: 2048 }, () => next() % RLWR_Q);
      const values = ntt(a, context);
      for (const k of [0, 1, 2, 1023, 2047]) {
        expect(values[k]).to.equal(evaluate(a, modPow(RLWR_PSI, BigInt(2 * bitReverse11(k) + 1), RLWR_Q), RLWR_Q));
      }
      expect(inverseNtt(values, context)).to.deep.equal(a);
    });

    it("the round context, expansion of A and the rounded masks match the known-answer vectors", function () {
      for (const c of vectors.context) {
        expect(Buffer.from(rlwrMaskContext(BigInt(c.chainId), c.coordinator, BigInt(c.roundId))).toString("hex")).to.equal(c.c);
      }
      for (const e of vectors.expansion) {
        const aHat = expandA(hex(e.c), e.b);
        expect(aHat.slice(0, 8).map(String)).to.deep.equal(e.first8);
        expect(aHat.slice(-8).map(String)).to.deep.equal(e.last8);
      }
      const cases = vectors.mask.filter((m) => m.y && m.m && vectors.seeds[m.seed] && Number(m.start) % 2048 + m.g.length <= 2048);
      expect(cases.length).to.be.greaterThan(1);
      for (const m of cases) {
        const start = Number(m.start);
        const block = Math.floor(start / 2048);
        const seedHat = ntt(vectors.seeds[m.seed]!.map(BigInt), context);
        const masks = blockMasks(expandA(hex(m.c), block), seedHat, context);
        for (let i = 0; i < m.g.length; i++) {
          const slot = (start + i) % 2048;
          expect(String(masks[slot]), `${m.seed} element ${i}`).to.equal(m.m![i]);
          const y = BigInt(m.y![i]![0]) + (BigInt(m.y![i]![1]) << 32n);
          expect(maskElement(m.g[i]!, masks[slot]!)).to.equal(y);
          if (Math.abs(m.g[i]!) < 2 ** 28) expect(decodeElement(y, masks[slot]!)).to.equal(m.g[i]);
        }
      }
    });

    it("the linear solve returns the seed from an exact a·s, and garbage from the rounded one", function () {
      const aHat = expandA(hex(vectors.expansion[0]!.c), 1);
      const seed = vectors.seeds.fresh0!.map(BigInt);
      const seedHat = ntt(seed, context);
      const exact = inverseNtt(aHat.map((v, k) => (v * seedHat[k]!) % RLWR_Q), context);
      const solved = solveFromBlock(aHat, exact, context, true);
      expect(solved.candidate).to.deep.equal(seed);
      expect(solved.inSeedRange).to.equal(2048);
      const rounded = solveFromBlock(aHat, blockMasks(aHat, seedHat, context), context);
      expect(rounded.inSeedRange).to.be.below(8);
      expect(rounded.maxLog2).to.be.greaterThan(55);
    });
  });
});
