// Bad input to the mask group gets a named error, never a crash or a wrong answer: seeds out of range,
// non-integer or oversized updates, bad start indices, malformed or mismatched masked vectors, a wrong
// seed set ("wrong key") and unknown groups or kernels.
import { expect } from "chai";
import { KernelUnavailableError } from "../../../../workers/crypto/kernel/errors";
import { MASH_GROUP_ORDER, MASH_P, writeLimbs } from "../../../../workers/crypto/kernel/field";
import { kernelPreferenceFromEnv } from "../../../../workers/crypto/kernel/selectKernel";
import {
  DlogOutOfRangeError,
  MaskCiphertextMalformedError,
  MaskGroupUnknownError,
  MaskInputError,
  MaskLengthMismatchError,
  MaskSeedOutOfRangeError,
} from "../../../../workers/crypto/mask/errors";
import { getMaskGroup } from "../../../../workers/crypto/mask/getMaskGroup";
import { indexHash } from "../../../../workers/crypto/mask/indexHash";
import type { MaskGroupId } from "../../../../workers/crypto/mask/maskGroup";
import { randomSeed } from "../../../../workers/crypto/mask/randomSeed";
import { KERNELS, closeGroups, groupFor } from "./kernels";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("MASH mask group errors", function () {
  after(closeGroups);

  describe("getMaskGroup", function () {
    it("describes paper-compat honestly: insecure, P, seed bound, 3 limbs", function () {
      const group = getMaskGroup("paper-compat", { kernel: "ts" });
      expect(group).to.include({ id: "paper-compat", secure: false, modulus: MASH_P, seedBound: (1n << 64n) + 13n, limbsPerElement: 3 });
    });

    it("rejects an unknown group id", function () {
      expect(() => getMaskGroup("bn254" as MaskGroupId)).to.throw(MaskGroupUnknownError);
    });

    it("rejects an unknown FEDMASH_KERNEL value", function () {
      expect(() => kernelPreferenceFromEnv({ FEDMASH_KERNEL: "gpu" })).to.throw(KernelUnavailableError);
      expect(kernelPreferenceFromEnv({ FEDMASH_KERNEL: " TS " })).to.equal("ts");
      expect(kernelPreferenceFromEnv({})).to.equal("auto");
    });
  });

  it("randomSeed stays below the bound and uses its whole range", function () {
    const seeds = Array.from({ length: 200 }, () => randomSeed({ bound: 1000n }));
    expect(seeds.every((s) => s >= 0n && s < 1000n)).to.equal(true);
    expect(new Set(seeds).size).to.be.greaterThan(150);
    expect(randomSeed() < (1n << 64n) + 13n).to.equal(true);
    expect(() => randomSeed({ bound: 0n })).to.throw(MaskInputError);
  });

  it("indexHash rejects negative, fractional and oversized indices", function () {
    expect(() => indexHash(-1)).to.throw(MaskInputError);
    expect(() => indexHash(1.5)).to.throw(MaskInputError);
    expect(() => indexHash(1n << 192n)).to.throw(MaskInputError);
    expect(indexHash((1n << 192n) - 1n)).to.be.a("bigint");
  });

  for (const kind of KERNELS) {
    describe(`${kind} kernel`, function () {
      const masked = async (rows: number[][], seeds: bigint[]): Promise<Uint32Array[]> =>
        Promise.all(rows.map((row, j) => groupFor(kind).mask({ quantized: Int32Array.from(row), seed: seeds[j]! })));

      describe("mask", function () {
        it("rejects seeds outside (-(P-1), P-1) and non-bigint seeds", async function () {
          const group = groupFor(kind);
          for (const seed of [MASH_GROUP_ORDER, -MASH_GROUP_ORDER, 1n << 100n]) {
            const error = await rejection(group.mask({ quantized: Int32Array.of(1), seed }));
            expect(error, `seed ${seed}`).to.be.instanceOf(MaskSeedOutOfRangeError);
          }
          const error = await rejection(group.mask({ quantized: Int32Array.of(1), seed: 5 as unknown as bigint }));
          expect(error).to.be.instanceOf(MaskSeedOutOfRangeError);
        });

        it("accepts the largest seeds: |s| = P - 2 gives the same mask as its reduction", async function () {
          const group = groupFor(kind);
          const big = await group.mask({ quantized: Int32Array.of(3, -4), seed: MASH_GROUP_ORDER - 1n });
          const reduced = await group.mask({ quantized: Int32Array.of(3, -4), seed: -1n });
          expect(big).to.deep.equal(reduced);
        });

        it("rejects updates that are not quantized Int32Array", async function () {
          const group = groupFor(kind);
          for (const quantized of [Float32Array.of(0.5), [1, 2], new Uint32Array(2)]) {
            const error = await rejection(group.mask({ quantized: quantized as unknown as Int32Array, seed: 1n }));
            expect(error).to.be.instanceOf(MaskInputError);
          }
        });

        it("rejects a negative, fractional or too large start index", async function () {
          const group = groupFor(kind);
          for (const start of [-1, 0.5, Number.MAX_SAFE_INTEGER, Number.NaN]) {
            const error = await rejection(group.mask({ quantized: Int32Array.of(1, 2), seed: 1n, start }));
            expect(error, `start ${start}`).to.be.instanceOf(MaskInputError);
          }
        });
      });

      describe("aggregate", function () {
        it("with a seed set that does not sum to zero (a wrong or missing key) fails with DlogOutOfRangeError", async function () {
          const vectors = await masked([[1, 2], [3, 4]], [12_345n, -12_344n]);
          const error = await rejection(groupFor(kind).aggregate({ masked: vectors, bound: 20_000 }));
          expect(error).to.be.instanceOf(DlogOutOfRangeError);
          expect(error).to.include({ index: 0, bound: 20_000 });
        });

        it("with a missing client fails with DlogOutOfRangeError", async function () {
          const vectors = await masked([[1], [2], [3]], [5n, 6n, -11n]);
          const error = await rejection(groupFor(kind).aggregate({ masked: vectors.slice(0, 2), bound: 30_000 }));
          expect(error).to.be.instanceOf(DlogOutOfRangeError);
        });

        it("rejects vectors of different lengths, naming the vector", async function () {
          const vectors = await masked([[1, 2], [3]], [1n, -1n]);
          const error = await rejection(groupFor(kind).aggregate({ masked: vectors, bound: 10 }));
          expect(error).to.be.instanceOf(MaskLengthMismatchError);
          expect(error).to.include({ vector: 1, expected: 6, actual: 3 });
        });

        it("rejects an element >= P, a zero element and a length that is not whole elements", async function () {
          const group = groupFor(kind);
          const [a, b] = await masked([[1, 2, 3], [4, 5, 6]], [7n, -7n]);
          const tooBig = b!.slice();
          writeLimbs(tooBig, 2, MASH_P);
          let error = await rejection(group.aggregate({ masked: [a!, tooBig], bound: 100 }));
          expect(error).to.be.instanceOf(MaskCiphertextMalformedError);
          expect(error).to.include({ vector: 1, index: 2 });
          const allOnes = a!.slice();
          allOnes.fill(0xffff_ffff, 3, 6);
          error = await rejection(group.aggregate({ masked: [allOnes, b!], bound: 100 }));
          expect(error).to.include({ name: "MaskCiphertextMalformedError", vector: 0, index: 1 });
          const zero = a!.slice();
          zero.fill(0, 0, 3);
          error = await rejection(group.aggregate({ masked: [zero, b!], bound: 100 }));
          expect(error).to.include({ name: "MaskCiphertextMalformedError", vector: 0, index: 0 });
          error = await rejection(group.aggregate({ masked: [a!, b!.subarray(0, 7)], bound: 100 }));
          expect(error).to.include({ name: "MaskCiphertextMalformedError", vector: 1 });
        });

        it("rejects an empty list, non-Uint32Array vectors and bad bounds", async function () {
          const group = groupFor(kind);
          const [a] = await masked([[1]], [0n]);
          expect(await rejection(group.aggregate({ masked: [], bound: 1 }))).to.be.instanceOf(MaskInputError);
          expect(await rejection(group.aggregate({ masked: [Int32Array.of(1, 0, 0) as unknown as Uint32Array], bound: 1 }))).to.be.instanceOf(MaskInputError);
          for (const bound of [-1, 1.5, 2 ** 31, Number.NaN]) {
            expect(await rejection(group.aggregate({ masked: [a!], bound })), `bound ${bound}`).to.be.instanceOf(MaskInputError);
          }
          expect(Array.from(await group.aggregate({ masked: [a!], bound: 1 }))).to.deep.equal([1]);
        });
      });
    });
  }
});
