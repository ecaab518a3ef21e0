// Known-answer tests: every case of ../shared/testvectors/mash80.json on the native kernel and the TS
// fallback, inline and through the worker pool, plus native == TS on vectors larger than the KATs.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MASH_P, limbsToBigints } from "../../../../workers/crypto/kernel/field";
import { indexHash } from "../../../../workers/crypto/mask/indexHash";
import { runSelftest } from "../../../../workers/crypto/selftest";
import { KERNELS, closeGroups, groupFor, referenceMask } from "./kernels";

const VECTORS_PATH = join(__dirname, "..", "..", "..", "..", "..", "shared", "testvectors", "mash80.json");

interface Vectors {
  P: string;
  indexHash: Array<{ index: number; hash: string }>;
  mask: Array<{ seed: string; start: number; grad: number[]; masked: string[] }>;
  aggregate: Array<{ start: number; seeds: string[]; grads: number[][]; masked: string[][]; product: string[]; sum: number[] }>;
}

const vectors = JSON.parse(readFileSync(VECTORS_PATH, "utf8")) as Vectors;

describe("MASH paper-compat known-answer vectors", function () {
  after(closeGroups);

  it("uses the vectors' modulus P = next_prime(2^80)", function () {
    expect(BigInt(vectors.P)).to.equal(MASH_P);
  });

  it("computes every index hash H(k) as the full SHA-256 integer", function () {
    for (const c of vectors.indexHash) expect(indexHash(c.index), `k=${c.index}`).to.equal(BigInt(c.hash));
  });

  for (const kind of KERNELS) {
    for (const pooled of [false, true]) {
      describe(`${kind} kernel, ${pooled ? "worker threads" : "inline"}`, function () {
        for (const [n, c] of vectors.mask.entries()) {
          it(`masks case #${n} (seed ${c.seed}, start ${c.start})`, async function () {
            const masked = await groupFor(kind, pooled).mask({ quantized: Int32Array.from(c.grad), seed: BigInt(c.seed), start: c.start });
            expect(limbsToBigints(masked)).to.deep.equal(c.masked.map(BigInt));
          });
        }
        for (const [n, c] of vectors.aggregate.entries()) {
          it(`reproduces aggregate case #${n}: masks, product and sum (N = ${c.seeds.length})`, async function () {
            const group = groupFor(kind, pooled);
            const masked: Uint32Array[] = [];
            for (const [j, seed] of c.seeds.entries()) {
              masked.push(await group.mask({ quantized: Int32Array.from(c.grads[j]!), seed: BigInt(seed), start: c.start }));
              expect(limbsToBigints(masked[j]!), `client ${j}`).to.deep.equal(c.masked[j]!.map(BigInt));
            }
            const result = await group.aggregateWithProduct({ masked, bound: c.seeds.length * 10_000 });
            expect(limbsToBigints(result.product)).to.deep.equal(c.product.map(BigInt));
            expect(Array.from(result.sums)).to.deep.equal(c.sum);
            expect(Array.from(await group.aggregate({ masked, bound: c.seeds.length * 10_000, start: c.start }))).to.deep.equal(c.sum);
          });
        }
      });
    }
  }

  describe("native and TS kernels agree beyond the vectors", function () {
    it("on 3,001 elements at an odd start with a 64-bit, a negative and an 80-bit seed", async function () {
      if (KERNELS.length < 2) this.skip();
      const d = 3_001;
      const grads = Int32Array.from({ length: d }, (_, i) => ((i * 7_919) % 20_001) - 10_000);
      for (const seed of [18_446_744_073_709_551_615n, -9_876_543_210_123n, -(1n << 79n) - 12_345n]) {
        const fast = await groupFor("native", true).mask({ quantized: grads, seed, start: 77_777 });
        const fallback = await groupFor("ts", true).mask({ quantized: grads, seed, start: 77_777 });
        expect(fast, `seed ${seed}`).to.deep.equal(fallback);
      }
    });

    it("matches the plain BigInt formula on a sample", async function () {
      const grads = [0, 1, -1, 10_000, -10_000, 2_147_483_647, -2_147_483_648, 12_345];
      for (const kind of KERNELS) {
        for (const seed of [0n, 1n, -1n, 12_345_678_901_234_567n, -(1n << 70n)]) {
          const masked = await groupFor(kind).mask({ quantized: Int32Array.from(grads), seed, start: 5 });
          expect(limbsToBigints(masked), `${kind} seed ${seed}`).to.deep.equal(referenceMask(grads, seed, 5));
        }
      }
    });
  });

  describe("selftest", function () {
    it("passes every vector on both kernels and reports the count", async function () {
      const result = await runSelftest({ vectorsPath: VECTORS_PATH, kernels: KERNELS });
      const perKernel = vectors.indexHash.length + vectors.mask.length + vectors.aggregate.length;
      expect(result.failed).to.equal(0, result.lines.join("\n"));
      expect(result.passed).to.equal(1 + vectors.indexHash.length + KERNELS.length * perKernel);
      expect(result.lines.at(-1)).to.equal(`${result.passed} passed, 0 failed`);
    });

    it("counts a wrong expected value as a failure", async function () {
      const broken = structuredClone(vectors);
      broken.mask[0]!.masked[3] = (BigInt(broken.mask[0]!.masked[3]!) + 1n).toString();
      const path = join(require("node:os").tmpdir(), `mash80-broken-${process.pid}.json`);
      require("node:fs").writeFileSync(path, JSON.stringify(broken));
      const result = await runSelftest({ vectorsPath: path, kernels: ["ts"] });
      expect(result.failed).to.equal(1);
      expect(result.lines.find((line) => line.startsWith("FAIL"))).to.match(/ts mask #0 .*element 3/);
    });
  });
});
