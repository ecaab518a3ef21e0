// Known-answer vectors of rlwr-2048 (docs/testvectors/rlwr2048.json, produced by the independent Python
// reference reference/rlwr_ref.py; its "format" field describes every case): the mask context, the
// expansion of â_b, the ring products, masks, aggregates (with the failing case's index and residual),
// malformed limbs and the seed packing, on both kernels, inline and through the worker threads.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { solidityPackedKeccak256 } from "ethers";
import { expandBlock, nttForward, nttInverseUnscaled, powModQ } from "../../../../workers/crypto/kernel/rlwrTsKernel";
import { selectKernel } from "../../../../workers/crypto/kernel/selectKernel";
import { MaskCiphertextMalformedError, MaskDecodeError } from "../../../../workers/crypto/mask/errors";
import * as parameters from "../../../../workers/crypto/mask/rlwrParameters";
import { rlwrSeedPlaintexts } from "../../../../workers/crypto/mask/rlwrSeed";
import { runSelftest } from "../../../../workers/crypto/selftest";
import { KERNELS, closeRlwrGroups, fromHex, rlwrGroupFor } from "./rlwrKernels";

type Pair = [number, number];
interface RlwrVectors {
  format: string;
  params: { n: number; q: string; psi: string; psiGenerator: number; p: string; B: number; tag: string; seedHalfWidth: number; nMax: number; gMax: number; slotBits: number };
  seeds: Record<string, number[]>;
  holderOf: Record<string, string[]>;
  context: Array<{ chainId: number; coordinator: string; roundId: number; c: string }>;
  expansion: Array<{ c: string; b: number; first8: string[]; last8: string[]; sha256: string }>;
  mask: Array<{
    seed: string;
    c: string;
    start: number;
    g: number[];
    y?: Pair[];
    m?: string[];
    ySha256?: string;
    yHead?: Pair[];
    xSha256: Record<string, string>;
    xHead: Record<string, string[]>;
  }>;
  aggregate: Array<{
    N: number;
    seeds: string[];
    included?: number[];
    c: string;
    start: number;
    g: number[][];
    y: Pair[][];
    bound: number;
    sum?: number[];
    fail?: { index: number; coordinate: number; residual: number; G: number };
  }>;
  malformed: Array<{ limbs: number[]; reason: string }>;
  packing: Array<{ seed: string; keyBits: number; K: number; plaintexts: string[] }>;
  unpack: Array<{ keyBits: number; count: number; seeds: string[]; summed: string[]; holder: string }>;
}

const vectors = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "..", "docs", "testvectors", "rlwr2048.json"), "utf8")) as RlwrVectors;
const seedOf = (name: string): BigInt64Array => BigInt64Array.from(vectors.seeds[name]!, (s) => BigInt(s));
const limbs = (pairs: readonly Pair[]): Uint32Array => Uint32Array.from(pairs.flat());
const sha256Hex = (view: ArrayBufferView): string =>
  createHash("sha256").update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)).digest("hex");
const u64le = (values: readonly bigint[]): Buffer => {
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => bytes.writeBigUInt64LE(v, 8 * i));
  return bytes;
};

describe("rlwr-2048 known-answer vectors (docs/testvectors/rlwr2048.json)", function () {
  this.timeout(60_000);
  after(closeRlwrGroups);

  it("use the parameters of workers/crypto/mask/rlwrParameters.ts", function () {
    const p = vectors.params;
    expect([p.n, BigInt(p.q), BigInt(p.psi), BigInt(p.p), p.B, p.tag]).to.deep.equal([
      parameters.RLWR_N,
      parameters.RLWR_Q,
      parameters.RLWR_PSI,
      1n << BigInt(parameters.RLWR_P_BITS),
      2 ** parameters.RLWR_B_BITS,
      parameters.RLWR_A_TAG,
    ]);
    expect([p.seedHalfWidth, p.nMax, p.gMax, p.slotBits]).to.deep.equal([
      2 ** (parameters.RLWR_SEED_BITS - 1),
      parameters.RLWR_MAX_VECTORS,
      parameters.RLWR_MAX_BOUND,
      parameters.RLWR_SLOT_BITS,
    ]);
    expect(powModQ(BigInt(p.psiGenerator), (parameters.RLWR_Q - 1n) / 4096n)).to.equal(parameters.RLWR_PSI);
  });

  it("derive every mask context as keccak256(tag ‖ u256 chainId ‖ coordinator ‖ u256 roundId)", function () {
    for (const { chainId, coordinator, roundId, c } of vectors.context) {
      expect(solidityPackedKeccak256(["string", "uint256", "address", "uint256"], [parameters.RLWR_A_TAG, chainId, coordinator, roundId])).to.equal(`0x${c}`);
    }
  });

  it("give every ring product x^(b) = a_b · s (TS NTT helpers)", function () {
    const q = parameters.RLWR_Q;
    const nInverse = powModQ(BigInt(parameters.RLWR_N), q - 2n);
    for (const testCase of vectors.mask) {
      const seed = Array.from(seedOf(testCase.seed), (s) => ((s % q) + q) % q);
      nttForward(seed);
      for (const [block, digest] of Object.entries(testCase.xSha256)) {
        const aHat = new BigUint64Array(parameters.RLWR_N);
        expandBlock(fromHex(testCase.c), Number(block), aHat);
        const x = Array.from(aHat, (a, k) => (((a * seed[k]!) % q) * nInverse) % q);
        nttInverseUnscaled(x);
        expect(x.slice(0, 4).map(String), `${testCase.seed} block ${block}`).to.deep.equal(testCase.xHead[block]);
        expect(sha256Hex(u64le(x))).to.equal(digest);
      }
    }
  });

  for (const kind of KERNELS) {
    describe(`${kind} kernel`, function () {
      it("expands â_b from SHAKE128 with the rejection rule", function () {
        for (const { c, b, first8, last8, sha256 } of vectors.expansion) {
          const aHat = new BigUint64Array(parameters.RLWR_N);
          selectKernel(kind).rlwr.expand(fromHex(c), b, aHat);
          expect(Array.from(aHat.subarray(0, 8), String)).to.deep.equal(first8);
          expect(Array.from(aHat.subarray(2040), String)).to.deep.equal(last8);
          expect(sha256Hex(aHat)).to.equal(sha256);
        }
      });

      for (const pooled of [false, true]) {
        it(`masks every case ${pooled ? "through the worker threads" : "inline"}`, async function () {
          const group = rlwrGroupFor(kind, pooled);
          for (const testCase of vectors.mask) {
            const y = await group.mask({ quantized: Int32Array.from(testCase.g), seed: seedOf(testCase.seed), start: testCase.start, context: fromHex(testCase.c) });
            const label = `${testCase.seed} at ${testCase.start}`;
            if (testCase.y) {
              expect(Array.from(y), label).to.deep.equal(testCase.y.flat());
            } else {
              expect(Array.from(y.subarray(0, 8)), label).to.deep.equal(testCase.yHead!.flat());
              expect(sha256Hex(y), label).to.equal(testCase.ySha256);
            }
          }
        });

        it(`aggregates every case ${pooled ? "through the worker threads" : "inline"}, and names the failing coordinate`, async function () {
          const group = rlwrGroupFor(kind, pooled);
          for (const testCase of vectors.aggregate) {
            const masked = testCase.y.map(limbs);
            expect(masked).to.have.length(testCase.N);
            if (testCase.sum) {
              const sums = await group.aggregate({ masked, bound: testCase.bound, start: testCase.start });
              expect(Array.from(sums)).to.deep.equal(testCase.sum);
            } else {
              const fail = testCase.fail!;
              const error = await group.aggregate({ masked, bound: testCase.bound }).then(
                () => undefined,
                (e: unknown) => e,
              );
              expect(error).to.be.instanceOf(MaskDecodeError);
              const decodeError = error as MaskDecodeError;
              expect([decodeError.index, decodeError.residual, decodeError.bound]).to.deep.equal([fail.index, fail.residual, testCase.bound]);
              expect(decodeError.details).to.contain(`decoded ${fail.G}`);
            }
          }
        });

        it(`reproduces every aggregate input from its seed ${pooled ? "through the worker threads" : "inline"}`, async function () {
          const group = rlwrGroupFor(kind, pooled);
          for (const testCase of vectors.aggregate) {
            for (const [v, name] of testCase.seeds.entries()) {
              const y = await group.mask({ quantized: Int32Array.from(testCase.g[v]!), seed: seedOf(name), start: testCase.start, context: fromHex(testCase.c) });
              expect(Array.from(y), `${name}`).to.deep.equal(testCase.y[v]!.flat());
            }
          }
        });
      }

      it("rejects every malformed vector", async function () {
        const group = rlwrGroupFor(kind);
        for (const { limbs: bad, reason } of vectors.malformed) {
          const error = await group.aggregate({ masked: [Uint32Array.from(bad)], bound: 10 }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, reason).to.be.instanceOf(MaskCiphertextMalformedError);
        }
      });
    });
  }

  it("packs seeds into the listed Paillier plaintexts", function () {
    for (const { seed, keyBits, K, plaintexts } of vectors.packing) {
      expect(Math.floor((keyBits - 2) / parameters.RLWR_SLOT_BITS)).to.equal(K);
      expect(rlwrSeedPlaintexts.plaintextCount(keyBits)).to.equal(plaintexts.length);
      expect(rlwrSeedPlaintexts.toPlaintexts(seedOf(seed), keyBits).map(String)).to.deep.equal(plaintexts);
    }
  });

  it("unpacks the decrypted sums into the holder's seed", function () {
    for (const { keyBits, count, seeds, summed, holder } of vectors.unpack) {
      const sums = seeds.map((name) => rlwrSeedPlaintexts.toPlaintexts(seedOf(name), keyBits)).reduce((a, b) => a.map((x, t) => x + b[t]!));
      expect(sums.map(String)).to.deep.equal(summed);
      const bound = rlwrSeedPlaintexts.sumBound(count, keyBits);
      for (const sum of sums) expect(sum <= bound).to.equal(true);
      expect(Array.from(rlwrSeedPlaintexts.holderSeed(summed.map(BigInt), count, keyBits))).to.deep.equal(Array.from(seedOf(holder)));
    }
  });
  describe("fedmash selftest", function () {
    const MASH80 = join(__dirname, "..", "..", "..", "..", "docs", "testvectors", "mash80.json");
    const RLWR = join(__dirname, "..", "..", "..", "..", "docs", "testvectors", "rlwr2048.json");

    it("checks both groups: every rlwr-2048 context, packing, mask and aggregate case on each kernel", async function () {
      const withRlwr = await runSelftest({ vectorsPath: MASH80, rlwrVectorsPath: RLWR, kernels: KERNELS });
      const paperOnly = await runSelftest({ vectorsPath: MASH80, kernels: KERNELS });
      const perKernel = vectors.mask.length + vectors.aggregate.length;
      expect(withRlwr.failed).to.equal(0, withRlwr.lines.filter((line) => line.startsWith("FAIL")).join("\n"));
      expect(withRlwr.passed - paperOnly.passed).to.equal(vectors.context.length + vectors.packing.length + vectors.unpack.length + KERNELS.length * perKernel);
      expect(withRlwr.lines).to.include("rlwr-2048 group (ring-LWR, n = 2048, q = 2^62 − 2^16 + 1, p = 2^40): the secure default, 128-bit (docs/MASKING.md)");
    });

    it("counts a wrong masked limb and a wrong holder seed as failures", async function () {
      const broken = structuredClone(vectors);
      broken.mask[0]!.y![1]![0]! += 1;
      broken.unpack[0]!.summed[0] = (BigInt(broken.unpack[0]!.summed[0]!) + 1n).toString();
      const path = join(tmpdir(), `rlwr2048-broken-${process.pid}.json`);
      writeFileSync(path, JSON.stringify(broken));
      try {
        const result = await runSelftest({ vectorsPath: MASH80, rlwrVectorsPath: path, kernels: ["ts"] });
        const failures = result.lines.filter((line) => line.startsWith("FAIL"));
        expect(failures).to.have.length(2);
        expect(failures[0]).to.match(/holder seed #0 .*element 0/);
        expect(failures[1]).to.match(/ts rlwr-2048 mask #0 .*element 2/);
      } finally {
        rmSync(path, { force: true });
      }
    });
  });
});
