// Known-answer tests: every case of docs/testvectors/mash80.json on the native kernel and the TS
// fallback, inline and through the worker pool, plus native == TS on vectors larger than the KATs.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MASH_P, limbsToBigints } from "../../../../workers/crypto/kernel/field";
import { loadNativeKernel } from "../../../../workers/crypto/kernel/nativeKernel";
import { indexHash } from "../../../../workers/crypto/mask/indexHash";
import { runSelftest } from "../../../../workers/crypto/selftest";
import { KERNELS, closeGroups, groupFor, referenceMask } from "./kernels";

const VECTORS_PATH = join(__dirname, "..", "..", "..", "..", "docs", "testvectors", "mash80.json");

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

describe("native kernel without SIMD (FEDMASH_KERNEL_SIMD=0)", function () {
  it("the tests above ran the AVX-512 IFMA and SHA-NI paths wherever the CPU has them", function () {
    if (!KERNELS.includes("native") || process.env.FEDMASH_KERNEL_SIMD === "0" || !existsSync("/proc/cpuinfo")) this.skip();
    const flags = readFileSync("/proc/cpuinfo", "utf8");
    const native = loadNativeKernel();
    expect({ simd: native.simd, shaNi: native.shaNi }).to.deep.equal({ simd: /\bavx512ifma\b/.test(flags), shaNi: /\bsha_ni\b/.test(flags) });
  });


  // The addon picks its AVX-512 IFMA path at load time, so the scalar path runs in a child process.
  it("passes every vector and matches the TS kernel on 3,001 elements", function () {
    if (!KERNELS.includes("native")) this.skip();
    this.timeout(120_000);
    const root = join(__dirname, "..", "..", "..", "..");
    const script = `
      const { loadNativeKernel } = require("./workers/crypto/kernel/nativeKernel");
      const { createPaperCompatGroup } = require("./workers/crypto/mask/paperCompatGroup");
      const { runSelftest } = require("./workers/crypto/selftest");
      (async () => {
        const { simd, shaNi } = loadNativeKernel();
        const result = await runSelftest({ vectorsPath: ${JSON.stringify(VECTORS_PATH)}, kernels: ["native"] });
        const grads = Int32Array.from({ length: 3001 }, (_, i) => ((i * 7919) % 20001) - 10000);
        let equal = true;
        for (const seed of [18446744073709551615n, -9876543210123n, -(1n << 79n) - 12345n]) {
          const native = createPaperCompatGroup({ kernel: "native", inlineBelow: 0 });
          const ts = createPaperCompatGroup({ kernel: "ts" });
          const a = await native.mask({ quantized: grads, seed, start: 77777 });
          const b = await ts.mask({ quantized: grads, seed, start: 77777 });
          equal = equal && a.length === b.length && a.every((x, i) => x === b[i]);
          await native.close();
        }
        console.log(JSON.stringify({ simd, shaNi, failed: result.failed, passed: result.passed, equal }));
        process.exit(0);
      })();`;
    const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: root,
      env: { ...process.env, FEDMASH_KERNEL_SIMD: "0", FEDMASH_KERNEL: "" },
      encoding: "utf8",
    });
    expect(child.status, child.stderr).to.equal(0);
    const report = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { simd: boolean; shaNi: boolean; failed: number; passed: number; equal: boolean };
    expect(report).to.deep.equal({ simd: false, shaNi: false, failed: 0, passed: 1 + 2 * vectors.indexHash.length + vectors.mask.length + vectors.aggregate.length, equal: true });
  });
});
