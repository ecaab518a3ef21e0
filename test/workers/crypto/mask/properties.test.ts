// Property tests (fast-check) on both kernels: masks of any zero-sum seed set cancel to the exact sum,
// the bounded discrete log round-trips over the whole range [-B, B] (both ends included) and fails with
// DlogOutOfRangeError just outside it, and the paper's "large scale" N = 1000 aggregates exactly.
import { expect } from "chai";
import fc from "fast-check";
import { MASH_Q } from "../../../../workers/crypto/kernel/field";
import { DlogOutOfRangeError } from "../../../../workers/crypto/mask/errors";
import { randomSeed } from "../../../../workers/crypto/mask/randomSeed";
import { aggregateBound } from "../../../../workers/crypto/quantize";
import { KERNELS, closeGroups, groupFor } from "./kernels";

const MAX_G = 10_000; // c = 1, S = 10^4

function columnSums(grads: readonly (readonly number[])[]): number[] {
  return grads[0]!.map((_, i) => grads.reduce((sum, row) => sum + row[i]!, 0));
}

describe("MASH mask group properties", function () {
  after(closeGroups);

  for (const kind of KERNELS) {
    describe(`${kind} kernel`, function () {
      it("masks cancel for random zero-sum seed sets: the aggregate is the exact sum", async function () {
        const scenario = fc
          .record({ n: fc.integer({ min: 2, max: 6 }), d: fc.integer({ min: 1, max: 24 }), start: fc.integer({ min: 0, max: 2 ** 40 }) })
          .chain(({ n, d, start }) =>
            fc.record({
              start: fc.constant(start),
              seeds: fc.array(fc.bigInt({ min: 0n, max: MASH_Q - 1n }), { minLength: n - 1, maxLength: n - 1 }),
              grads: fc.array(fc.array(fc.integer({ min: -MAX_G, max: MAX_G }), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
            }),
          );
        const group = groupFor(kind);
        await fc.assert(
          fc.asyncProperty(scenario, async ({ start, seeds, grads }) => {
            // The holder's seed is minus the others' sum, often beyond 2^64 in magnitude.
            const all = [...seeds, -seeds.reduce((a, b) => a + b, 0n)];
            const masked = await Promise.all(all.map((seed, j) => group.mask({ quantized: Int32Array.from(grads[j]!), seed, start })));
            const sums = await group.aggregate({ masked, bound: aggregateBound(all.length, 1, MAX_G) });
            expect(Array.from(sums)).to.deep.equal(columnSums(grads));
          }),
          { numRuns: kind === "ts" ? 25 : 60 },
        );
      });

      it("DLOG round-trips across the whole range [-B, B], both ends included", async function () {
        const group = groupFor(kind);
        const scenario = fc.integer({ min: 0, max: 10_000_000 }).chain((bound) =>
          fc.record({
            bound: fc.constant(bound),
            inside: fc.array(fc.integer({ min: -bound, max: bound }), { minLength: 1, maxLength: 12 }),
          }),
        );
        await fc.assert(
          fc.asyncProperty(scenario, async ({ bound, inside }) => {
            // An Int32Array holds no −0, so neither may the expectation: with bound 0, −bound is −0 (and fast-check
            // may draw −0 inside), which the kernel's int32 sums return as +0 and chai's deep equality tells apart.
            const xs = [-bound, bound, ...inside].map((x) => (x === 0 ? 0 : x));
            // seed 0 makes the mask exactly 2^x: the product an aggregator sees for a sum x.
            const power = await group.mask({ quantized: Int32Array.from(xs), seed: 0n });
            expect(Array.from(await group.aggregate({ masked: [power], bound }))).to.deep.equal(xs);
          }),
          { numRuns: kind === "ts" ? 30 : 100 },
        );
      });

      it("DLOG just outside the range fails with DlogOutOfRangeError naming the element and the bound", async function () {
        const group = groupFor(kind);
        const scenario = fc.record({
          bound: fc.integer({ min: 0, max: 10_000_000 }),
          beyond: fc.integer({ min: 1, max: 1_000 }),
          sign: fc.constantFrom(-1, 1),
          at: fc.integer({ min: 0, max: 3 }),
        });
        await fc.assert(
          fc.asyncProperty(scenario, async ({ bound, beyond, sign, at }) => {
            const xs = [0, 0, 0, 0];
            xs[at] = sign * (bound + beyond);
            const power = await group.mask({ quantized: Int32Array.from(xs), seed: 0n });
            const error = await group.aggregate({ masked: [power], bound }).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error).to.be.instanceOf(DlogOutOfRangeError);
            expect(error).to.include({ name: "DlogOutOfRangeError", index: at, bound });
          }),
          { numRuns: kind === "ts" ? 20 : 60 },
        );
      });

      it("aggregates N = 1000 clients (the paper's large scale) including sums at ±N·c·S", async function () {
        this.timeout(120_000);
        const n = 1_000;
        const d = 12;
        const group = groupFor(kind, true);
        const grads = Array.from({ length: n }, (_, j) =>
          Array.from({ length: d }, (_, i) => (i === 0 ? MAX_G : i === 1 ? -MAX_G : ((j * 7_919 + i * 104_729) % (2 * MAX_G + 1)) - MAX_G)),
        );
        const seeds = Array.from({ length: n - 1 }, () => randomSeed());
        seeds.push(-seeds.reduce((a, b) => a + b, 0n));
        const masked = await Promise.all(seeds.map((seed, j) => group.mask({ quantized: Int32Array.from(grads[j]!), seed, start: 100_000 })));
        const bound = aggregateBound(n, 1, MAX_G);
        expect(bound).to.equal(10_000_000);
        const sums = Array.from(await group.aggregate({ masked, bound }));
        expect(sums).to.deep.equal(columnSums(grads));
        expect(sums.slice(0, 2)).to.deep.equal([bound, -bound]);
      });
    });
  }
});
