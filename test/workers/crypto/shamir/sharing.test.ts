// Tests of Shamir sharing over GF(2^31 - 1): field reduction and inversion, hand-computed shares and weights,
// exact reconstruction of sums of shared vectors from any t share-sums (bound edges included), detection and
// correction of lying servers, perfect secrecy of t - 1 shares (a bijection of the coefficients) and a chi-square
// check of the default randomness, the field bound, and a named error for every bad input.
import { expect } from "chai";
import fc from "fast-check";
import { addShares } from "../../../../workers/crypto/shamir/addShares";
import {
  ShamirDuplicateServerError,
  ShamirFieldTooSmallError,
  ShamirInconsistentSharesError,
  ShamirInputError,
  ShamirLengthMismatchError,
  ShamirMalformedShareError,
  ShamirNotEnoughSharesError,
  ShamirRangeError,
  ShamirServerIndexError,
} from "../../../../workers/crypto/shamir/errors";
import { lagrangeWeights } from "../../../../workers/crypto/shamir/lagrangeWeights";
import { reconstructSum, type ShamirShareSum } from "../../../../workers/crypto/shamir/reconstructSum";
import { invertField, reduceField, SHAMIR_HALF, SHAMIR_PRIME } from "../../../../workers/crypto/shamir/shamirField";
import { shamirFieldBound } from "../../../../workers/crypto/shamir/shamirFieldBound";
import { shareVector } from "../../../../workers/crypto/shamir/shareVector";

const P = SHAMIR_PRIME;
const PB = BigInt(P);

/** A `random` option that hands out fixed words, one call after the other. */
function fixedRandom(...calls: number[][]): (length: number) => Uint32Array {
  let next = 0;
  return (length) => {
    const words = calls[next++];
    if (!words || words.length !== length) throw new Error(`unexpected random call ${next} for ${length} words`);
    return Uint32Array.from(words);
  };
}

/** Each server's share-sum over several shared vectors, as servers compute them. */
function shareSums(vectors: readonly Int32Array[], servers: number, threshold: number): ShamirShareSum[] {
  const sums = Array.from({ length: servers }, () => new Uint32Array(vectors[0]!.length));
  for (const vector of vectors) shareVector(vector, { servers, threshold }).forEach((share, j) => addShares(sums[j]!, share));
  return sums.map((values, serverIndex) => ({ serverIndex, values }));
}

function plainSum(vectors: readonly Int32Array[]): number[] {
  return Array.from(vectors[0]!, (_, i) => vectors.reduce((sum, v) => sum + v[i]!, 0));
}

const modP = (x: bigint): bigint => ((x % PB) + PB) % PB;

/** Chi-square statistic of bucket counts against a flat distribution. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}
/** chi^2 quantile at 1 - 10^-6 for 63 degrees of freedom (Wilson–Hilferty): a flat source fails once in a million runs. */
const CHI2_63_CRITICAL = 131.8;

describe("Shamir sharing (workers/crypto/shamir)", function () {
  describe("field arithmetic", function () {
    it("reduces every integer below 2^53 exactly, including the edges", function () {
      const edges = [0, 1, P - 1, P, P + 1, 2 * P - 1, 2 * P, 2 ** 31, 2 ** 32 - 1, 2 ** 35 + 2 ** 31, 2 ** 52 + 12345, 2 ** 53 - 1];
      for (const y of edges) expect(reduceField(y), `y = ${y}`).to.equal(Number(BigInt(y) % PB));
      fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), (y) => reduceField(Number(y)) === Number(y % PB)));
    });

    it("inverts every nonzero element: a · a^-1 = 1 (mod p), checked in BigInt", function () {
      for (const a of [1, 2, 3, 16, SHAMIR_HALF, SHAMIR_HALF + 1, P - 2, P - 1]) {
        const inverse = invertField(a);
        expect(inverse, `a = ${a}`).to.be.within(1, P - 1);
        expect((BigInt(a) * BigInt(inverse)) % PB, `a = ${a}`).to.equal(1n);
      }
      fc.assert(fc.property(fc.integer({ min: 1, max: P - 1 }), (a) => (BigInt(a) * BigInt(invertField(a))) % PB === 1n));
    });

    it("gives the hand-computed Lagrange weights at 0 and at another server", function () {
      // x = 1, 2 at 0: 2·f(1) - f(2);  x = 1, 2, 3 at 0: 3·f(1) - 3·f(2) + f(3);  x = 1, 2 at 3: -f(1) + 2·f(2).
      expect(lagrangeWeights({ xs: [1, 2], at: 0 })).to.deep.equal([2, P - 1]);
      expect(lagrangeWeights({ xs: [1, 2, 3], at: 0 })).to.deep.equal([3, P - 3, 1]);
      expect(lagrangeWeights({ xs: [1, 2], at: 3 })).to.deep.equal([P - 1, 2]);
    });
  });

  describe("known answers", function () {
    it("t = 2, n = 3: shares are f(x) = s + a·x with masked words, p redrawn, and any 2 reconstruct", function () {
      // Words: 2^31 - 1 = p must be redrawn (second call gives 7 | 2^31, masked to 7); 11; 2^32 - 2 masks to p - 1.
      const random = fixedRandom([0x7fffffff, 11, 0xfffffffe], [0x80000007]);
      const shares = shareVector(Int32Array.from([5, -3, 0]), { servers: 3, threshold: 2, random });
      expect(shares.map((s) => Array.from(s))).to.deep.equal([
        [12, 8, P - 1], // f(1): 5 + 7, -3 + 11, 0 - 1
        [19, 19, P - 2], // f(2)
        [26, 30, P - 3], // f(3)
      ]);
      for (const pair of [[0, 1], [0, 2], [1, 2]]) {
        const { sum, usedServers, inconsistentServers } = reconstructSum(
          pair.map((serverIndex) => ({ serverIndex, values: shares[serverIndex]! })),
          { threshold: 2, bound: 5 },
        );
        expect(Array.from(sum)).to.deep.equal([5, -3, 0]);
        expect(usedServers).to.deep.equal(pair);
        expect(inconsistentServers).to.deep.equal([]);
      }
    });

    it("t = 3, n = 4: f(x) = 100 + x + 2x^2 from coefficient-major words", function () {
      const shares = shareVector(Int32Array.from([100]), { servers: 4, threshold: 3, random: fixedRandom([1, 2]) });
      expect(shares.map((s) => s[0])).to.deep.equal([103, 110, 121, 136]);
      const { sum } = reconstructSum([1, 2, 3].map((serverIndex) => ({ serverIndex, values: shares[serverIndex]! })), { threshold: 3, bound: 100 });
      expect(Array.from(sum)).to.deep.equal([100]);
    });

    it("adds share vectors mod p in place: (p - 1) + 5 = 4", function () {
      const accumulator = Uint32Array.from([P - 1, 3, 0]);
      addShares(accumulator, Uint32Array.from([5, P - 3, 0]));
      expect(Array.from(accumulator)).to.deep.equal([4, 0, 0]);
    });
  });

  describe("reconstruction of sums", function () {
    const scenario = fc
      .record({
        servers: fc.integer({ min: 2, max: 7 }),
        clients: fc.integer({ min: 1, max: 5 }),
        d: fc.integer({ min: 1, max: 12 }),
        perClient: fc.integer({ min: 1, max: Math.floor(SHAMIR_HALF / 5) }),
      })
      .chain(({ servers, clients, d, perClient }) =>
        fc.record({
          servers: fc.constant(servers),
          threshold: fc.integer({ min: 2, max: servers }),
          perClient: fc.constant(perClient),
          // Values biased to the ends ±perClient, where an off-by-one in the signed decoding would show.
          vectors: fc.array(fc.array(fc.oneof(fc.constantFrom(perClient, -perClient), fc.integer({ min: -perClient, max: perClient })), { minLength: d, maxLength: d }), {
            minLength: clients,
            maxLength: clients,
          }),
          order: fc.shuffledSubarray(Array.from({ length: servers }, (_, j) => j), { minLength: servers, maxLength: servers }),
        }),
      );

    it("any t of n share-sums of K shared vectors give the exact integer sum", function () {
      fc.assert(
        fc.property(scenario, ({ servers, threshold, perClient, vectors, order }) => {
          const typed = vectors.map((v) => Int32Array.from(v));
          const sums = shareSums(typed, servers, threshold);
          const bound = shamirFieldBound({ clients: typed.length, clip: perClient, scale: 1 });
          const chosen = order.slice(0, threshold).map((j) => sums[j]!);
          const result = reconstructSum(chosen, { threshold, bound });
          expect(Array.from(result.sum)).to.deep.equal(plainSum(typed));
          expect(result.usedServers).to.deep.equal(order.slice(0, threshold).sort((a, b) => a - b));
          // All n together agree with each other.
          expect(reconstructSum(sums, { threshold, bound }).inconsistentServers).to.deep.equal([]);
        }),
        { numRuns: 150 },
      );
    });

    it("reaches both ends of the field: sums of exactly ±(p - 1)/2 decode, one beyond the bound is a ShamirRangeError", function () {
      const half = Math.floor(SHAMIR_HALF / 2); // 2 clients at ±half and ±(half + 1) sum to ±(p - 1)/2
      const vectors = [Int32Array.from([half, -half, 7]), Int32Array.from([half + 1, -half - 1, -7])];
      const sums = shareSums(vectors, 3, 2);
      expect(Array.from(reconstructSum(sums, { threshold: 2, bound: SHAMIR_HALF }).sum)).to.deep.equal([SHAMIR_HALF, -SHAMIR_HALF, 0]);
      expect(() => reconstructSum(sums, { threshold: 2, bound: SHAMIR_HALF - 1 }))
        .to.throw(ShamirRangeError)
        .that.includes({ index: 0, value: SHAMIR_HALF, bound: SHAMIR_HALF - 1 });
    });

    it("throws ShamirNotEnoughSharesError with fewer than t share-sums", function () {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 8 }).chain((threshold) => fc.record({ threshold: fc.constant(threshold), given: fc.integer({ min: 0, max: threshold - 1 }) })), ({ threshold, given }) => {
          const sums = shareSums([Int32Array.from([1, -2])], threshold, threshold).slice(0, given);
          expect(() => reconstructSum(sums, { threshold, bound: 2 }))
            .to.throw(ShamirNotEnoughSharesError)
            .that.includes({ given, threshold });
        }),
        { numRuns: 40 },
      );
    });
  });

  describe("lying servers", function () {
    const liarScenario = fc
      .record({ servers: fc.integer({ min: 3, max: 7 }), d: fc.integer({ min: 1, max: 10 }) })
      .chain(({ servers, d }) =>
        fc.record({
          servers: fc.constant(servers),
          threshold: fc.integer({ min: 2, max: servers - 1 }),
          vectors: fc.array(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: d, maxLength: d }), { minLength: 1, maxLength: 4 }),
          coordinate: fc.nat({ max: d - 1 }),
          delta: fc.integer({ min: 1, max: P - 1 }),
          liarPick: fc.nat(),
        }),
      );

    it("reports a modified extra share-sum as inconsistent and still returns the exact sum", function () {
      fc.assert(
        fc.property(liarScenario, ({ servers, threshold, vectors, coordinate, delta, liarPick }) => {
          const typed = vectors.map((v) => Int32Array.from(v));
          const sums = shareSums(typed, servers, threshold);
          const liar = threshold + (liarPick % (servers - threshold)); // not among the t lowest
          sums[liar]!.values[coordinate] = (sums[liar]!.values[coordinate]! + delta) % P;
          const result = reconstructSum(sums, { threshold, bound: 4000 });
          expect(result.inconsistentServers).to.deep.equal([liar]);
          expect(result.usedServers).to.deep.equal(Array.from({ length: threshold }, (_, j) => j));
          expect(Array.from(result.sum)).to.deep.equal(plainSum(typed));
        }),
        { numRuns: 100 },
      );
    });

    it("locates and routes around a liar among the preferred t when at least t + 2 share-sums are given", function () {
      fc.assert(
        fc.property(
          liarScenario.filter(({ servers, threshold }) => servers >= threshold + 2),
          ({ servers, threshold, vectors, coordinate, delta, liarPick }) => {
            const typed = vectors.map((v) => Int32Array.from(v));
            const sums = shareSums(typed, servers, threshold);
            const liar = liarPick % threshold; // one of the t lowest, which would be used by default
            sums[liar]!.values[coordinate] = (sums[liar]!.values[coordinate]! + delta) % P;
            const result = reconstructSum(sums, { threshold, bound: 4000 });
            expect(result.inconsistentServers).to.deep.equal([liar]);
            expect(result.usedServers).to.not.include(liar);
            expect(Array.from(result.sum)).to.deep.equal(plainSum(typed));
          },
        ),
        { numRuns: 100 },
      );
    });

    it("with exactly t + 1 and a liar among the chosen t, reports the honest extra (detected, not located) and the range check catches the sum", function () {
      const vectors = [Int32Array.from([10, -20, 30])];
      const sums = shareSums(vectors, 3, 2);
      // Server 0 (x = 1, weight λ = 2 at 0) adds 1: the sum moves by 2, inside the bound, so only the report shows it.
      sums[0]!.values[1] = (sums[0]!.values[1]! + 1) % P;
      const small = reconstructSum(sums, { threshold: 2, bound: 100 });
      expect(small.inconsistentServers).to.deep.equal([2]);
      expect(Array.from(small.sum)).to.deep.equal([10, -18, 30]);
      // A lie that is not tiny moves the sum by λ·δ mod p, almost surely far outside the bound.
      sums[0]!.values[1] = (sums[0]!.values[1]! + 123_456_789) % P;
      expect(() => reconstructSum(sums, { threshold: 2, bound: 100 })).to.throw(ShamirRangeError).that.includes({ index: 1 });
    });

    it("throws ShamirInconsistentSharesError when no polynomial has t + 1 supporters (two liars, n = 5, t = 3)", function () {
      const sums = shareSums([Int32Array.from([1, 2, 3, 4])], 5, 3);
      sums[1]!.values[0] = (sums[1]!.values[0]! + 1) % P;
      sums[3]!.values[2] = (sums[3]!.values[2]! + 5) % P;
      expect(() => reconstructSum(sums, { threshold: 3, bound: 10 }))
        .to.throw(ShamirInconsistentSharesError)
        .that.has.property("serverIndices")
        .that.deep.equals([0, 1, 2, 3, 4]);
    });

    it("honours `use`: interpolates from the given servers and reports the others against them", function () {
      const vectors = [Int32Array.from([7, -7])];
      const sums = shareSums(vectors, 4, 2);
      const result = reconstructSum(sums, { threshold: 2, bound: 7, use: [3, 1] });
      expect(result.usedServers).to.deep.equal([1, 3]);
      expect(Array.from(result.sum)).to.deep.equal([7, -7]);
    });
  });

  describe("secrecy of t - 1 shares", function () {
    it("is perfect: for any other secret, exactly one other coefficient vector gives the same t - 1 shares", function () {
      // f' = f + g with g(0) = s' - s and g = 0 at the t - 1 observed points; the map a ↦ a + g is a bijection
      // of the coefficient space, so with uniform coefficients the t - 1 shares have the same distribution
      // whatever the secret. Checked here on shareVector itself through its `random` option.
      const scenario = fc
        .record({ servers: fc.integer({ min: 2, max: 8 }) })
        .chain(({ servers }) => fc.record({ servers: fc.constant(servers), threshold: fc.integer({ min: 2, max: servers }) }))
        .chain(({ servers, threshold }) =>
          fc.record({
            servers: fc.constant(servers),
            threshold: fc.constant(threshold),
            observed: fc.shuffledSubarray(Array.from({ length: servers }, (_, j) => j), { minLength: threshold - 1, maxLength: threshold - 1 }),
            secret: fc.integer({ min: -SHAMIR_HALF, max: SHAMIR_HALF }),
            otherSecret: fc.integer({ min: -SHAMIR_HALF, max: SHAMIR_HALF }),
            coefficients: fc.array(fc.integer({ min: 0, max: P - 1 }), { minLength: threshold - 1, maxLength: threshold - 1 }),
          }),
        );
      fc.assert(
        fc.property(scenario, ({ servers, threshold, observed, secret, otherSecret, coefficients }) => {
          // g(x) = (s' - s) · Π_m (x - x_m) / (0 - x_m), expanded into coefficients (low degree first).
          let g = [1n];
          let denominator = 1n;
          for (const j of observed) {
            const xm = BigInt(j + 1);
            g = [...g.map((c) => modP(-c * xm)), 0n].map((c, k) => modP(c + (k > 0 ? g[k - 1]! : 0n)));
            denominator = modP(denominator * -xm);
          }
          const scale = modP(BigInt(otherSecret - secret) * BigInt(invertField(Number(denominator))));
          const otherCoefficients = coefficients.map((a, k) => Number(modP(BigInt(a) + scale * (g[k + 1] ?? 0n))));
          const original = shareVector(Int32Array.from([secret]), { servers, threshold, random: fixedRandom(coefficients) });
          const other = shareVector(Int32Array.from([otherSecret]), { servers, threshold, random: fixedRandom(otherCoefficients) });
          for (const j of observed) expect(other[j]![0], `share ${j}`).to.equal(original[j]![0]);
          const all = (shares: Uint32Array[]) =>
            reconstructSum(shares.slice(0, threshold).map((values, serverIndex) => ({ serverIndex, values })), { threshold, bound: SHAMIR_HALF }).sum[0];
          expect(all(original)).to.equal(secret);
          expect(all(other)).to.equal(otherSecret);
        }),
        { numRuns: 200 },
      );
    });

    it("draws flat shares from the CSPRNG: one share of a fixed secret passes a chi-square test on high and low bits", function () {
      for (const secret of [0, SHAMIR_HALF, -1]) {
        const [share] = shareVector(new Int32Array(64_000).fill(secret), { servers: 2, threshold: 2 });
        const high = new Array<number>(64).fill(0);
        const low = new Array<number>(64).fill(0);
        for (const value of share!) {
          high[value >>> 25]!++;
          low[value & 63]!++;
        }
        expect(chiSquare(high), `high bits, secret ${secret}`).to.be.below(CHI2_63_CRITICAL);
        expect(chiSquare(low), `low bits, secret ${secret}`).to.be.below(CHI2_63_CRITICAL);
      }
    });

    it("draws jointly flat pairs of shares for t = 3 (8 × 8 buckets of two shares of the same coordinate)", function () {
      const shares = shareVector(new Int32Array(64_000).fill(42), { servers: 3, threshold: 3 });
      const joint = new Array<number>(64).fill(0);
      for (let i = 0; i < shares[0]!.length; i++) joint[(shares[0]![i]! >>> 28) * 8 + (shares[2]![i]! >>> 28)]!++;
      expect(chiSquare(joint)).to.be.below(CHI2_63_CRITICAL);
    });
  });

  describe("field bound", function () {
    it("is clients · round(clip · scale) + ceil(noiseBound)", function () {
      expect(shamirFieldBound({ clients: 10, clip: 1, scale: 10_000 })).to.equal(100_000);
      expect(shamirFieldBound({ clients: 10, clip: 0.05, scale: 10_000, noiseBound: 1234.2 })).to.equal(10 * 500 + 1235);
      expect(shamirFieldBound({ clients: 1, clip: SHAMIR_HALF - 1, scale: 1 })).to.equal(SHAMIR_HALF - 1);
    });

    it("throws ShamirFieldTooSmallError with the numbers from (p - 1)/2 on", function () {
      expect(() => shamirFieldBound({ clients: 1, clip: SHAMIR_HALF, scale: 1 }))
        .to.throw(ShamirFieldTooSmallError)
        .that.includes({ bound: SHAMIR_HALF, limit: SHAMIR_HALF });
      expect(() => shamirFieldBound({ clients: 1000, clip: 1, scale: 1e6, noiseBound: 73_741_823 }))
        .to.throw(ShamirFieldTooSmallError, /1000 clients/)
        .that.includes({ bound: 1_073_741_823 });
      expect(shamirFieldBound({ clients: 1000, clip: 1, scale: 1e6, noiseBound: 73_741_822 })).to.equal(1_073_741_822);
    });

    it("rejects bad parameters with ShamirInputError", function () {
      for (const bad of [{ clients: 0, clip: 1, scale: 1 }, { clients: 1.5, clip: 1, scale: 1 }, { clients: 2, clip: 0, scale: 1 }, { clients: 2, clip: 1, scale: NaN }, { clients: 2, clip: 1, scale: 1, noiseBound: -1 }]) {
        expect(() => shamirFieldBound(bad), JSON.stringify(bad)).to.throw(ShamirInputError);
      }
    });
  });

  describe("should reject", function () {
    describe("on shareVector", function () {
      it("thresholds and server counts outside 2 <= t <= n <= 16", function () {
        const values = Int32Array.from([1]);
        for (const [servers, threshold] of [[3, 1], [3, 4], [17, 2], [16, 17], [2.5, 2], [3, 0]]) {
          expect(() => shareVector(values, { servers: servers!, threshold: threshold! }), `n = ${servers}, t = ${threshold}`).to.throw(ShamirInputError);
        }
        expect(shareVector(values, { servers: 16, threshold: 16 })).to.have.length(16);
      });

      it("values beyond ±(p - 1)/2 and inputs that are not Int32Array", function () {
        for (const value of [SHAMIR_HALF + 1, -SHAMIR_HALF - 1, -(2 ** 31), 2 ** 31 - 1]) {
          expect(() => shareVector(Int32Array.from([0, value]), { servers: 2, threshold: 2 }), `${value}`).to.throw(ShamirInputError, /element 1/);
        }
        expect(() => shareVector(Float32Array.from([1]) as unknown as Int32Array, { servers: 2, threshold: 2 })).to.throw(ShamirInputError);
      });

      it("a random source that returns the wrong length, or p forever", function () {
        expect(() => shareVector(Int32Array.from([1, 2]), { servers: 2, threshold: 2, random: () => new Uint32Array(1) })).to.throw(ShamirInputError, /random source/);
        expect(() => shareVector(Int32Array.from([1]), { servers: 2, threshold: 2, random: (n) => new Uint32Array(n).fill(0xffffffff) })).to.throw(ShamirInputError, /64 times/);
      });
    });

    describe("on addShares", function () {
      it("different lengths, leaving the accumulator unchanged", function () {
        const accumulator = Uint32Array.from([1, 2]);
        expect(() => addShares(accumulator, Uint32Array.from([1])))
          .to.throw(ShamirLengthMismatchError)
          .that.includes({ expected: 2, actual: 1 });
        expect(Array.from(accumulator)).to.deep.equal([1, 2]);
      });

      it("a value >= p anywhere, before touching the accumulator", function () {
        const accumulator = Uint32Array.from([1, 2, 3]);
        expect(() => addShares(accumulator, Uint32Array.from([1, 1, P])))
          .to.throw(ShamirMalformedShareError)
          .that.includes({ index: 2 });
        expect(Array.from(accumulator)).to.deep.equal([1, 2, 3]);
      });
    });

    describe("on reconstructSum", function () {
      const values = (...xs: number[]) => Uint32Array.from(xs);

      it("duplicate and out-of-range server indices", function () {
        expect(() => reconstructSum([{ serverIndex: 1, values: values(1) }, { serverIndex: 1, values: values(2) }], { threshold: 2, bound: 5 }))
          .to.throw(ShamirDuplicateServerError)
          .that.includes({ serverIndex: 1 });
        for (const serverIndex of [-1, 16, 1.5, NaN]) {
          expect(() => reconstructSum([{ serverIndex: 0, values: values(1) }, { serverIndex, values: values(2) }], { threshold: 2, bound: 5 }), `${serverIndex}`).to.throw(
            ShamirServerIndexError,
          );
        }
      });

      it("share-sums of different lengths and values >= p", function () {
        expect(() => reconstructSum([{ serverIndex: 0, values: values(1, 2) }, { serverIndex: 1, values: values(2) }], { threshold: 2, bound: 5 }))
          .to.throw(ShamirLengthMismatchError)
          .that.includes({ expected: 2, actual: 1 });
        expect(() => reconstructSum([{ serverIndex: 0, values: values(1, 2) }, { serverIndex: 3, values: values(2, P) }], { threshold: 2, bound: 5 }))
          .to.throw(ShamirMalformedShareError)
          .that.includes({ serverIndex: 3, index: 1 });
      });

      it("bad thresholds, bounds and `use`", function () {
        const sums = shareSums([Int32Array.from([1])], 3, 2);
        for (const threshold of [1, 17, 2.5]) expect(() => reconstructSum(sums, { threshold, bound: 5 })).to.throw(ShamirInputError);
        for (const bound of [-1, 0.5, SHAMIR_HALF + 1, NaN]) expect(() => reconstructSum(sums, { threshold: 2, bound })).to.throw(ShamirInputError);
        for (const use of [[0], [0, 0], [0, 5], [0, 1, 2]]) expect(() => reconstructSum(sums, { threshold: 2, bound: 5, use }), JSON.stringify(use)).to.throw(ShamirInputError);
      });
    });
  });
});
