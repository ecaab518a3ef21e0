// The secure mask group rlwr-2048 (workers/crypto/mask/rlwrGroup.ts): the native kernel gives the TS
// fallback's bytes (odd starts across block boundaries, holder-sized seeds, negative and extreme g, SIMD
// against scalar), the sum of masked vectors is exactly Σg for random updates, up to 1000 and 2048
// vectors, holder seeds from the Paillier packing and excluded groups, and every named error is raised.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { loadNativeKernel } from "../../../../workers/crypto/kernel/nativeKernel";
import {
  MaskCiphertextMalformedError,
  MaskDecodeError,
  MaskInputError,
  MaskLengthMismatchError,
  MaskSeedOutOfRangeError,
} from "../../../../workers/crypto/mask/errors";
import { createRlwrGroup } from "../../../../workers/crypto/mask/rlwrGroup";
import { RLWR_MAX_BOUND, RLWR_MAX_VECTORS, RLWR_N, RLWR_SECURITY_BITS } from "../../../../workers/crypto/mask/rlwrParameters";
import { rlwrSeedPlaintexts } from "../../../../workers/crypto/mask/rlwrSeed";
import { aggregateBound } from "../../../../workers/crypto/quantize";
import { KERNELS, closeRlwrGroups, columnSums, negatedSum, rlwrGroupFor } from "./rlwrKernels";

const S = 10_000; // c = 1, S = 10^4: |g| ≤ S
const HALF = 1n << 21n;

const seedArbitrary = (limit: bigint): fc.Arbitrary<BigInt64Array> =>
  fc.array(fc.bigInt({ min: -limit, max: limit - 1n }), { minLength: RLWR_N, maxLength: RLWR_N }).map((s) => BigInt64Array.from(s));
const gradsArbitrary = (d: number, max = S): fc.Arbitrary<Int32Array> =>
  fc.array(fc.integer({ min: -max, max }), { minLength: d, maxLength: d }).map((g) => Int32Array.from(g));
const contextArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("rlwr-2048 mask group", function () {
  this.timeout(120_000);
  after(closeRlwrGroups);
  const context = Uint8Array.from(randomBytes(32));

  it("describes itself as the secure group", function () {
    const group = rlwrGroupFor(KERNELS[0]!);
    expect({
      id: group.id,
      secure: group.secure,
      securityBits: group.securityBits,
      limbsPerElement: group.limbsPerElement,
      maxVectors: group.maxVectors,
      maxBound: group.maxBound,
    }).to.deep.equal({ id: "rlwr-2048", secure: true, securityBits: RLWR_SECURITY_BITS, limbsPerElement: 2, maxVectors: 2048, maxBound: 2 ** 28 - 1 });
    expect(group.kernelKind).to.equal(KERNELS[0]);
  });

  describe("seeds", function () {
    it("draws 2048 coefficients in [-2^21, 2^21), reaching both ends of the range", function () {
      let min = 0n;
      let max = 0n;
      for (let r = 0; r < 64; r++) {
        const seed = rlwrGroupFor("ts").randomSeed();
        expect(seed).to.be.instanceOf(BigInt64Array).with.length(RLWR_N);
        for (const s of seed) [min, max] = [s < min ? s : min, s > max ? s : max];
      }
      // 131,072 draws: the top and bottom 2^-10 of the range are each hit with probability 1 - e^-128.
      expect(min >= -HALF && min < -HALF + (HALF >> 9n)).to.equal(true);
      expect(max < HALF && max >= HALF - (HALF >> 9n)).to.equal(true);
    });

    it("round-trips a seed through its base64 text of 2048 int64 LE words", function () {
      const group = rlwrGroupFor("ts");
      const holder = negatedSum([group.randomSeed(), group.randomSeed()]);
      holder[0] = (1n << 33n) - 1n;
      holder[1] = -(1n << 33n) + 1n;
      const text = group.encodeSeed(holder);
      expect(Buffer.from(text, "base64")).to.have.length(16_384);
      expect(Buffer.from(text, "base64").readBigInt64LE(8)).to.equal(holder[1]);
      expect(Array.from(group.decodeSeed(text))).to.deep.equal(Array.from(holder));
    });

    it("packs fresh seeds into 33-bit slots: 34 plaintexts at 2048 bits, 69 at 1024, all below 2^(keyBits - 2)", function () {
      const seed = rlwrGroupFor("ts").randomSeed();
      expect(rlwrSeedPlaintexts.plaintextCount(2048)).to.equal(34);
      expect(rlwrSeedPlaintexts.plaintextCount(1024)).to.equal(69);
      const plaintexts = rlwrSeedPlaintexts.toPlaintexts(seed, 2048);
      expect(plaintexts).to.have.length(34);
      for (const p of plaintexts) expect(p < 1n << 2046n && p >= 0n).to.equal(true);
      expect(plaintexts[33]).to.equal(BigInt(seed[2046]! + HALF) + (BigInt(seed[2047]! + HALF) << 33n));
      expect(rlwrSeedPlaintexts.sumBound(2048, 2048) < 1n << 2046n).to.equal(true);
      expect(rlwrSeedPlaintexts.sumBound(2048, 1024) < 1n << 1022n).to.equal(true);
    });
  });

  describe("native kernel against the TS fallback", function () {
    before(function () {
      if (!KERNELS.includes("native")) this.skip();
    });

    it("SHAKE128 of the addon's own Keccak equals node:crypto's", function () {
      const shake = loadNativeKernel().rlwrExtras!.shake128;
      for (const [messageBytes, outBytes] of [[0, 32], [58, 16_384], [167, 168], [168, 337], [169, 1], [1000, 500]] as const) {
        const message = randomBytes(messageBytes);
        const out = new Uint8Array(outBytes);
        shake(message, out);
        expect(Buffer.from(out).equals(createHash("shake128", { outputLength: outBytes }).update(message).digest())).to.equal(true);
      }
    });

    it("gives the same bytes at odd starts across block boundaries, for fresh, holder and extreme seeds and any int32 g", async function () {
      const group = rlwrGroupFor("ts");
      const fresh = group.randomSeed();
      const holder = negatedSum(Array.from({ length: 5 }, () => group.randomSeed()));
      const extreme = BigInt64Array.from({ length: RLWR_N }, (_, j) => (j % 3 === 0 ? (1n << 33n) - 1n : j % 3 === 1 ? -(1n << 33n) + 1n : BigInt(j)));
      const big = negatedSum([fresh, group.randomSeed(), group.randomSeed()]);
      for (const [start, d] of [[2047, 2], [1, 5000], [4095, 4098], [2 ** 43 - 3000, 3000], [123_457, 2049]] as const) {
        const grads = Int32Array.from({ length: d }, (_, i) => (i % 7 === 0 ? -(2 ** 31) : i % 7 === 1 ? 2 ** 31 - 1 : ((i * 7919) % 40_001) - 20_000));
        for (const seed of [fresh, holder, extreme, big]) {
          const parameters = { quantized: grads, seed, start, context };
          const expected = await rlwrGroupFor("ts").mask(parameters);
          expect(Array.from(await rlwrGroupFor("native").mask(parameters)), `start ${start}`).to.deep.equal(Array.from(expected));
          expect(Array.from(await rlwrGroupFor("native", true).mask(parameters)), `start ${start}, pooled`).to.deep.equal(Array.from(expected));
        }
      }
    });

    it("the scalar aggregate (FEDMASH_KERNEL_SIMD=0, in a child) gives the SIMD path's sums, decodes and failures", function () {
      // The same deterministic batch in both processes: 37 vectors of 5003 elements, one undecodable
      // coordinate forced; the digest covers the accumulators, the decoded sums and both statuses.
      const script = `
        const addon = require(${JSON.stringify(loadNativeKernel().path)});
        const d = 5003, n = 37; let x = 12345;
        const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
        const batch = new Uint32Array(2 * d * n);
        for (let i = 0; i < batch.length; i += 2) { batch[i] = next(); batch[i + 1] = next() & 255; }
        const acc = new BigUint64Array(d), out = new Int32Array(d);
        const sum = addon.rlwrSumInto(acc, batch, n, d, true);
        const decoded = addon.rlwrDecode(acc, n, ${RLWR_MAX_BOUND}, out);
        batch[2 * (3 * d + 4000) + 1] = 256;
        const malformed = addon.rlwrSumInto(acc, batch, n, d, false);
        const hash = require("crypto").createHash("sha256").update(new Uint8Array(acc.buffer)).update(new Uint8Array(out.buffer));
        console.log(JSON.stringify({ simd: addon.rlwrFeatures().simd, sum, decoded, malformed, digest: hash.digest("hex") }));`;
      const run = (env: NodeJS.ProcessEnv): { simd: string; sum: number; decoded: number; malformed: number; digest: string } => {
        const child = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, ...env }, encoding: "utf8" });
        expect(child.status, child.stderr).to.equal(0);
        return JSON.parse(child.stdout) as { simd: string; sum: number; decoded: number; malformed: number; digest: string };
      };
      const scalar = run({ FEDMASH_KERNEL_SIMD: "0" });
      const simd = run({ FEDMASH_KERNEL_SIMD: "1" });
      expect(scalar.simd).to.equal("scalar");
      expect({ ...simd, simd: "-" }).to.deep.equal({ ...scalar, simd: "-" });
      expect(scalar.sum).to.equal(-1);
      expect(scalar.malformed).to.equal(3 * 5003 + 4000);
    });
  });

  for (const kind of KERNELS) {
    describe(`${kind} kernel`, function () {
      const runs = (native: number, ts: number): number => (kind === "native" ? native : ts);

      it("recovers Σg exactly for random updates, seeds, starts and contexts", async function () {
        const group = rlwrGroupFor(kind);
        const scenario = fc
          .record({ n: fc.integer({ min: 2, max: 6 }), d: fc.integer({ min: 1, max: 5000 }) })
          .chain(({ n, d }) =>
            fc.record({
              start: fc.integer({ min: 0, max: 2 ** 43 - d }),
              context: contextArbitrary,
              seeds: fc.array(seedArbitrary(HALF), { minLength: n - 1, maxLength: n - 1 }),
              grads: fc.array(gradsArbitrary(d), { minLength: n, maxLength: n }),
            }),
          );
        await fc.assert(
          fc.asyncProperty(scenario, async ({ start, context: c, seeds, grads }) => {
            const all = [...seeds, negatedSum(seeds)];
            const masked = await Promise.all(all.map((seed, v) => group.mask({ quantized: grads[v]!, seed, start, context: c })));
            const sums = await group.aggregate({ masked, bound: aggregateBound(all.length, 1, S), start });
            expect(Array.from(sums)).to.deep.equal(columnSums(grads));
          }),
          { numRuns: runs(20, 6) },
        );
      });

      it("recovers Σg exactly for up to 1000 vectors", async function () {
        const group = rlwrGroupFor(kind);
        // Unbiased N: fast-check would otherwise favour small counts, and the large ones are the point.
        const scenario = fc
          .record({ n: fc.noBias(fc.integer({ min: 2, max: 1000 })), d: fc.integer({ min: 1, max: 12 }) })
          .chain(({ n, d }) =>
            fc.record({ start: fc.integer({ min: 0, max: 10_000 }), grads: fc.array(gradsArbitrary(d), { minLength: n, maxLength: n }) }),
          );
        await fc.assert(
          fc.asyncProperty(scenario, async ({ start, grads }) => {
            const seeds = grads.slice(1).map(() => group.randomSeed());
            const all = [...seeds, negatedSum(seeds)];
            const masked: Uint32Array[] = [];
            for (const [v, seed] of all.entries()) masked.push(await group.mask({ quantized: grads[v]!, seed, start, context }));
            expect(Array.from(await group.aggregate({ masked, bound: aggregateBound(all.length, 1, S) }))).to.deep.equal(columnSums(grads));
          }),
          { numRuns: runs(6, 2) },
        );
      });

      it("recovers Σg with the holder's seed from the Paillier packing, for any key size", async function () {
        const group = rlwrGroupFor(kind);
        const scenario = fc.record({
          keyBits: fc.constantFrom(1024, 2048, 3072),
          seeds: fc.array(seedArbitrary(HALF), { minLength: 1, maxLength: 6 }),
          start: fc.integer({ min: 0, max: 50_000 }),
        });
        await fc.assert(
          fc.asyncProperty(scenario, async ({ keyBits, seeds, start }) => {
            // The holder decrypts the slot-wise sum of the clients' plaintexts (Paillier adds them).
            const sums = seeds.map((seed) => rlwrSeedPlaintexts.toPlaintexts(seed, keyBits)).reduce((a, b) => a.map((x, t) => x + b[t]!));
            const bound = rlwrSeedPlaintexts.sumBound(seeds.length, keyBits);
            for (const sum of sums) expect(sum <= bound && sum < 1n << BigInt(keyBits - 2)).to.equal(true);
            const holder = rlwrSeedPlaintexts.holderSeed(sums, seeds.length, keyBits);
            expect(Array.from(holder)).to.deep.equal(Array.from(negatedSum(seeds)));
            const all = [...seeds, holder];
            const grads = all.map((_, v) => Int32Array.from({ length: 300 }, (__, i) => ((v * 7919 + i * 104_729) % (2 * S + 1)) - S));
            const masked = await Promise.all(all.map((seed, v) => group.mask({ quantized: grads[v]!, seed, start, context })));
            expect(Array.from(await group.aggregate({ masked, bound: aggregateBound(all.length, 1, S) }))).to.deep.equal(columnSums(grads));
          }),
          { numRuns: runs(12, 4) },
        );
      });

      it("recovers Σg of the included groups when whole groups are excluded, and refuses an excluded client's vector", async function () {
        const group = rlwrGroupFor(kind);
        const scenario = fc
          .array(fc.integer({ min: 3, max: 4 }), { minLength: 2, maxLength: 4 })
          .chain((sizes) =>
            fc.record({
              sizes: fc.constant(sizes),
              included: fc.array(fc.boolean(), { minLength: sizes.length, maxLength: sizes.length }).filter((flags) => flags.some(Boolean) && !flags.every(Boolean)),
            }),
          );
        await fc.assert(
          fc.asyncProperty(scenario, async ({ sizes, included }) => {
            const groups = sizes.map((size) => Array.from({ length: size }, () => group.randomSeed()));
            const includedSeeds = groups.filter((_, k) => included[k]).flat();
            const keyBits = 2048;
            const sums = includedSeeds.map((seed) => rlwrSeedPlaintexts.toPlaintexts(seed, keyBits)).reduce((a, b) => a.map((x, t) => x + b[t]!));
            const holder = rlwrSeedPlaintexts.holderSeed(sums, includedSeeds.length, keyBits);
            const all = [...includedSeeds, holder];
            const grads = all.map((_, v) => Int32Array.from({ length: 2100 }, (__, i) => ((v * 31 + i * 7) % (2 * S + 1)) - S));
            const masked = await Promise.all(all.map((seed, v) => group.mask({ quantized: grads[v]!, seed, start: 1000, context })));
            const bound = aggregateBound(all.length + 1, 1, S);
            expect(Array.from(await group.aggregate({ masked, bound }))).to.deep.equal(columnSums(grads));
            const excluded = groups.find((_, k) => !included[k])![0]!;
            const extra = await group.mask({ quantized: new Int32Array(2100), seed: excluded, start: 1000, context });
            expect(await rejection(group.aggregate({ masked: [...masked, extra], bound }))).to.be.instanceOf(MaskDecodeError);
          }),
          { numRuns: runs(8, 3) },
        );
      });

      it("keeps the cached public values right across contexts and ranges", async function () {
        const group = rlwrGroupFor(kind, true);
        const fresh = createRlwrGroup({ kernel: kind, threads: 1 });
        try {
          const seed = group.randomSeed();
          const other = Uint8Array.from(randomBytes(32));
          const cases = [
            { start: 0, d: 5000, context },
            { start: 9000, d: 3000, context },
            { start: 0, d: 5000, context: other },
            { start: 2047, d: 10, context },
            { start: 3 * RLWR_N, d: 4000, context: other },
          ];
          for (const { start, d, context: c } of cases) {
            const quantized = Int32Array.from({ length: d }, (_, i) => i - 2000);
            const expected = await fresh.mask({ quantized, seed, start, context: c });
            expect(Array.from(await group.mask({ quantized, seed, start, context: c }))).to.deep.equal(Array.from(expected));
          }
        } finally {
          await fresh.close();
        }
      });
    });
  }

  it("recovers sums of ±(2^28 − 1) from 2048 vectors, the largest N and bound it supports", async function () {
    const kind = KERNELS[0]!;
    if (kind !== "native") this.skip();
    const group = rlwrGroupFor(kind);
    const n = RLWR_MAX_VECTORS;
    const targets = [RLWR_MAX_BOUND, -RLWR_MAX_BOUND, 0, 12_345];
    // Spread each target over the vectors: g_v = ⌊t/n⌋, plus one for the first t mod n of them.
    const grads = Array.from({ length: n }, (_, v) =>
      Int32Array.from(targets, (t) => Math.floor(t / n) + (v < ((t % n) + n) % n ? 1 : 0)),
    );
    const seeds = Array.from({ length: n - 1 }, () => group.randomSeed());
    const all = [...seeds, negatedSum(seeds)];
    const masked: Uint32Array[] = [];
    for (const [v, seed] of all.entries()) masked.push(await group.mask({ quantized: grads[v]!, seed, start: 77, context }));
    expect(Array.from(await group.aggregate({ masked, bound: RLWR_MAX_BOUND }))).to.deep.equal(targets);
    expect(await rejection(group.aggregate({ masked, bound: RLWR_MAX_BOUND - 1 }))).to.be.instanceOf(MaskDecodeError).with.property("index", 0);
  });

  describe("should throw", function () {
    const group = (): ReturnType<typeof rlwrGroupFor> => rlwrGroupFor(KERNELS[0]!);
    const seed = (): BigInt64Array => group().randomSeed();

    describe("MaskInputError", function () {
      it("if the mask context is missing or not 32 bytes", async function () {
        for (const c of [undefined, new Uint8Array(31), new Uint8Array(33), "00".repeat(32)]) {
          const error = await rejection(group().mask({ quantized: Int32Array.of(1), seed: seed(), context: c as Uint8Array }));
          expect(error).to.be.instanceOf(MaskInputError);
          expect((error as MaskInputError).message).to.contain("mask context");
        }
      });

      it("if the update is not an Int32Array or the start is out of range", async function () {
        expect(await rejection(group().mask({ quantized: [1, 2] as unknown as Int32Array, seed: seed(), context }))).to.be.instanceOf(MaskInputError);
        for (const start of [-1, 0.5, 2 ** 43 - 1, Number.NaN]) {
          expect(await rejection(group().mask({ quantized: Int32Array.of(1, 2), seed: seed(), start, context })), `start ${start}`).to.be.instanceOf(MaskInputError);
        }
      });

      it("if more than 2048 vectors are summed", async function () {
        const masked = Array.from({ length: RLWR_MAX_VECTORS + 1 }, () => new Uint32Array(2));
        expect(await rejection(group().aggregate({ masked, bound: 10 }))).to.be.instanceOf(MaskInputError);
      });

      it("if the bound is above 2^28 - 1, negative or not an integer", async function () {
        for (const bound of [RLWR_MAX_BOUND + 1, -1, 1.5]) {
          expect(await rejection(group().aggregate({ masked: [new Uint32Array(2)], bound })), `bound ${bound}`).to.be.instanceOf(MaskInputError);
        }
      });

      it("if masked is empty or holds something other than Uint32Array", async function () {
        expect(await rejection(group().aggregate({ masked: [], bound: 1 }))).to.be.instanceOf(MaskInputError);
        expect(await rejection(group().aggregate({ masked: [new Int32Array(2) as unknown as Uint32Array], bound: 1 }))).to.be.instanceOf(MaskInputError);
      });

      it("if a seed codec gets a bad key size, count or sums", function () {
        expect(() => rlwrSeedPlaintexts.plaintextCount(34)).to.throw(MaskInputError);
        expect(() => rlwrSeedPlaintexts.sumBound(2049, 2048)).to.throw(MaskInputError);
        expect(() => rlwrSeedPlaintexts.holderSeed([0n], 1, 2048)).to.throw(MaskInputError);
        const sums = rlwrSeedPlaintexts.toPlaintexts(seed(), 2048);
        sums[3] = sums[3]! + (1n << 2046n);
        expect(() => rlwrSeedPlaintexts.holderSeed(sums, 1, 2048)).to.throw(MaskInputError);
      });
    });

    describe("MaskSeedOutOfRangeError", function () {
      it("if the seed is not 2048 int64 coefficients below 2^33 in magnitude", async function () {
        const tooLarge = seed();
        tooLarge[5] = 1n << 33n;
        const tooSmall = seed();
        tooSmall[2047] = -(1n << 33n);
        for (const bad of [new BigInt64Array(2047), tooLarge, tooSmall, 5n, BigUint64Array.from({ length: RLWR_N }, () => 0n)]) {
          expect(await rejection(group().mask({ quantized: Int32Array.of(1), seed: bad as BigInt64Array, context }))).to.be.instanceOf(MaskSeedOutOfRangeError);
        }
      });

      it("if seed text is not the base64 of 2048 in-range int64 words", function () {
        const good = group().encodeSeed(seed());
        const outOfRange = Buffer.from(good, "base64");
        outOfRange.writeBigInt64LE(1n << 40n, 8 * 100);
        for (const text of ["", "not base64!", good.slice(0, -4), `${good}AAAA`, outOfRange.toString("base64")]) {
          expect(() => group().decodeSeed(text)).to.throw(MaskSeedOutOfRangeError);
        }
      });

      it("if a seed to pack is not fresh (a coefficient outside [-2^21, 2^21))", function () {
        const holderSized = seed();
        holderSized[9] = HALF;
        expect(() => rlwrSeedPlaintexts.toPlaintexts(holderSized, 2048)).to.throw(MaskSeedOutOfRangeError);
      });
    });

    describe("MaskCiphertextMalformedError", function () {
      it("if a vector has an odd number of limbs", async function () {
        const odd = await rejection(group().aggregate({ masked: [new Uint32Array(5)], bound: 1 }));
        expect(odd).to.be.instanceOf(MaskCiphertextMalformedError).with.property("vector", 0);
      });

      for (const pooled of [false, true]) {
        it(`if a limb 1 is 256 or more, naming the first such element ${pooled ? "(worker threads)" : "(inline)"}`, async function () {
          const d = 9000;
          const masked = Array.from({ length: 5 }, () => new Uint32Array(2 * d));
          masked[3]![2 * 8000 + 1] = 256;
          masked[2]![2 * 8500 + 1] = 0xffff_ffff;
          masked[2]![2 * 8700 + 1] = 300;
          const error = await rejection(rlwrGroupFor(KERNELS[0]!, pooled).aggregate({ masked, bound: 10 }));
          expect(error).to.be.instanceOf(MaskCiphertextMalformedError);
          expect([(error as MaskCiphertextMalformedError).vector, (error as MaskCiphertextMalformedError).index]).to.deep.equal([2, 8500]);
        });
      }
    });

    describe("MaskLengthMismatchError", function () {
      it("if the vectors differ in length", async function () {
        const error = await rejection(group().aggregate({ masked: [new Uint32Array(4), new Uint32Array(6)], bound: 1 }));
        expect(error).to.be.instanceOf(MaskLengthMismatchError);
        expect([(error as MaskLengthMismatchError).vector, (error as MaskLengthMismatchError).expected, (error as MaskLengthMismatchError).actual]).to.deep.equal([1, 4, 6]);
      });
    });

    describe("MaskDecodeError", function () {
      it("if a vector is missing, naming the coordinate, its residual and the bound", async function () {
        const seeds = [seed(), seed()];
        const all = [...seeds, negatedSum(seeds)];
        const masked = await Promise.all(all.map((s) => group().mask({ quantized: new Int32Array(100), seed: s, context })));
        const error = await rejection(group().aggregate({ masked: masked.slice(1), bound: 30_000 }));
        expect(error).to.be.instanceOf(MaskDecodeError);
        const decodeError = error as MaskDecodeError;
        expect(decodeError.index).to.equal(0);
        expect(decodeError.bound).to.equal(30_000);
        expect(Math.abs(decodeError.residual)).to.be.at.most(1024);
      });

      it("if a sum exceeds the bound by one", async function () {
        const seeds = [seed()];
        const all = [...seeds, negatedSum(seeds)];
        const grads = [Int32Array.of(0, 0, 600, 0), Int32Array.of(0, 0, 401, -1000)];
        const masked = await Promise.all(all.map((s, v) => group().mask({ quantized: grads[v]!, seed: s, context })));
        expect(Array.from(await group().aggregate({ masked, bound: 1001 }))).to.deep.equal([0, 0, 1001, -1000]);
        const error = await rejection(group().aggregate({ masked, bound: 1000 }));
        expect(error).to.be.instanceOf(MaskDecodeError).with.property("index", 2);
        expect((error as MaskDecodeError).residual).to.equal(0);
      });
    });
  });
});
