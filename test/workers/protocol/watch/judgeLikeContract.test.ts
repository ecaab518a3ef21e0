// The watcher's judgment where the included vectors do not decode (audit M3): the mask group's error names the
// coordinate, and the posted sum is judged there by AggregateFraudProof's own rule, so the watcher challenges leaf
// ⌊i/16⌋ (upheld on-chain, since the contract finds every value at an undecodable coordinate wrong) instead of giving
// up. paper-compat is judged against the product, so a discrete log beyond the watcher's bound that the contract
// accepts is not challenged. The vectors are built by hand; the mask groups (TS kernel, one thread) raise the errors.
import { expect } from "chai";
import { MASH_P, powModP, writeLimbs } from "../../../../workers/crypto/kernel/field";
import { DlogOutOfRangeError, MaskCiphertextMalformedError, MaskDecodeError, MaskLengthMismatchError } from "../../../../workers/crypto/mask/errors";
import { createPaperCompatGroup } from "../../../../workers/crypto/mask/paperCompatGroup";
import { createRlwrGroup } from "../../../../workers/crypto/mask/rlwrGroup";
import { WatchInputError } from "../../../../workers/protocol/watch/errors";
import { contractAccepts, disputableLeafAfterFailedDecode, findWrongLeafLikeContract, noValueAccepted, undecodedCoordinate } from "../../../../workers/protocol/watch/judgeLikeContract";

const D = 100;
const N = 3;
const P40 = 2 ** 40;

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
}

function sumsOf(seed: number): Int32Array {
  return Int32Array.from({ length: D }, (_, i) => ((i * 7919 + seed * 104_729) % 2001) - 1000);
}

/** rlwr-2048: N vectors whose elements sum to 2048·sums[c] (+ `offset[c]`) mod 2^40, two limbs an element. */
function rlwrVectors(sums: Int32Array, offset: (c: number) => number = () => 0): Uint32Array[] {
  const next = lcg(7);
  const random40 = (): number => (next() % 256) * 2 ** 32 + next();
  const values = Array.from({ length: N }, () => new Array<number>(D).fill(0));
  for (let c = 0; c < D; c++) {
    let partial = 0;
    for (let v = 0; v < N - 1; v++) {
      values[v]![c] = random40();
      partial += values[v]![c]!;
    }
    values[N - 1]![c] = (((2048 * sums[c]! + offset(c) - partial) % P40) + P40) % P40;
  }
  return values.map((column) => {
    const limbs = new Uint32Array(2 * D);
    column.forEach((y, c) => {
      limbs[2 * c] = y % 2 ** 32;
      limbs[2 * c + 1] = Math.floor(y / 2 ** 32);
    });
    return limbs;
  });
}

/** paper-compat: N vectors whose elements multiply to `product(c)` mod P, three limbs an element. */
function paperVectors(product: (c: number) => bigint): Uint32Array[] {
  const next = lcg(11);
  const vectors = Array.from({ length: N }, () => new Uint32Array(3 * D));
  for (let c = 0; c < D; c++) {
    let partial = 1n;
    for (let v = 0; v < N - 1; v++) {
      const y = ((BigInt(next()) << 48n) ^ (BigInt(next()) << 16n) ^ BigInt(next())) % (MASH_P - 1n) + 1n;
      writeLimbs(vectors[v]!, c, y);
      partial = (partial * y) % MASH_P;
    }
    writeLimbs(vectors[N - 1]!, c, (product(c) * powModP(partial, MASH_P - 2n)) % MASH_P);
  }
  return vectors;
}

const pow2 = (g: number): bigint => powModP(2n, ((BigInt(g) % (MASH_P - 1n)) + (MASH_P - 1n)) % (MASH_P - 1n));

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the aggregate to fail");
}

describe("MASH watcher: judging a sum that does not decode, like the contract", function () {
  const rlwr = createRlwrGroup({ kernel: "ts", threads: 1 });
  const paper = createPaperCompatGroup({ kernel: "ts", threads: 1 });
  after(async function () {
    await Promise.all([rlwr.close(), paper.close()]);
  });

  describe("rlwr-2048", function () {
    it("agrees with the kernel's decode at every coordinate of a sum that decodes", async function () {
      const masked = rlwrVectors(sumsOf(1), (c) => (c % 3) - 1); // residuals −1, 0, 1: 2|e| < 3
      const sums = await rlwr.aggregate({ masked, bound: rlwr.maxBound });
      expect(Array.from(sums)).to.deep.equal(Array.from(sumsOf(1)));
      for (let c = 0; c < D; c++) {
        expect(contractAccepts("rlwr-2048", masked, c, sums[c]!)).to.equal(true);
        expect(contractAccepts("rlwr-2048", masked, c, sums[c]! + 1)).to.equal(false);
      }
      expect(findWrongLeafLikeContract({ groupId: "rlwr-2048", masked, posted: sums })).to.equal(undefined);
    });

    it("a sum that does not decode at coordinate 37 (residual 2|e| ≥ N): MaskDecodeError names it and leaf 2 is challenged", async function () {
      const masked = rlwrVectors(sumsOf(2), (c) => (c === 37 ? 1024 : 0));
      const error = await caught(() => rlwr.aggregate({ masked, bound: rlwr.maxBound }));
      expect(error).to.be.instanceOf(MaskDecodeError);
      const suspect = undecodedCoordinate(error, D);
      expect(suspect).to.equal(37);
      // Whatever the aggregator posted there (here the would-be sum), the contract finds it wrong.
      for (const value of [sumsOf(2)[37]!, sumsOf(2)[37]! + 1, 0]) {
        const posted = Int32Array.from(sumsOf(2));
        posted[37] = value;
        expect(findWrongLeafLikeContract({ groupId: "rlwr-2048", masked, posted, suspect })).to.deep.equal({
          leafIndex: 2,
          coordinate: 37,
          trueValue: undefined,
          postedValue: value,
        });
      }
    });

    it("an element ≥ 2^40 at coordinate 37: MaskCiphertextMalformedError names it and leaf 2 is challenged", async function () {
      const masked = rlwrVectors(sumsOf(3));
      masked[1]![2 * 37 + 1] = 256;
      const error = await caught(() => rlwr.aggregate({ masked, bound: rlwr.maxBound }));
      expect(error).to.be.instanceOf(MaskCiphertextMalformedError);
      const suspect = undecodedCoordinate(error, D);
      expect(suspect).to.equal(37);
      expect(findWrongLeafLikeContract({ groupId: "rlwr-2048", masked, posted: sumsOf(3), suspect })?.leafIndex).to.equal(2);
    });
  });

  describe("paper-compat", function () {
    const bound = 2_000; // the watcher's task bound: N·round(c·S) in a real round

    it("no discrete log at coordinate 37 (a product of garbage): DlogOutOfRangeError names it and leaf 2 is challenged", async function () {
      const masked = paperVectors((c) => (c === 37 ? 3n : pow2(sumsOf(4)[c]!)));
      const error = await caught(() => paper.aggregate({ masked, bound }));
      expect(error).to.be.instanceOf(DlogOutOfRangeError);
      const suspect = undecodedCoordinate(error, D);
      expect(suspect).to.equal(37);
      expect(findWrongLeafLikeContract({ groupId: "paper-compat", masked, posted: sumsOf(4), suspect })).to.deep.equal({
        leafIndex: 2,
        coordinate: 37,
        trueValue: undefined,
        postedValue: sumsOf(4)[37],
      });
    });

    it("a discrete log beyond the watcher's bound but within the contract's (|G| ≤ 2^31 − 1) is right: nothing to challenge, unless another coordinate is wrong", async function () {
      const large = 2_000_000_000;
      const masked = paperVectors((c) => pow2(c === 37 ? -large : sumsOf(5)[c]!));
      const error = await caught(() => paper.aggregate({ masked, bound }));
      expect(error).to.be.instanceOf(DlogOutOfRangeError);
      const posted = Int32Array.from(sumsOf(5));
      posted[37] = -large;
      expect(findWrongLeafLikeContract({ groupId: "paper-compat", masked, posted, suspect: 37 })).to.equal(undefined);
      posted[60] += 1;
      expect(findWrongLeafLikeContract({ groupId: "paper-compat", masked, posted, suspect: 37 })).to.deep.include({ leafIndex: 3, coordinate: 60 });
    });

    it("an element outside [1, P) at coordinate 37: MaskCiphertextMalformedError names it and leaf 2 is challenged", async function () {
      const masked = paperVectors((c) => pow2(sumsOf(6)[c]!));
      writeLimbs(masked[0]!, 37, 0n);
      const error = await caught(() => paper.aggregate({ masked, bound }));
      expect(error).to.be.instanceOf(MaskCiphertextMalformedError);
      expect(findWrongLeafLikeContract({ groupId: "paper-compat", masked, posted: sumsOf(6), suspect: undecodedCoordinate(error, D) })?.leafIndex).to.equal(2);
    });

    it("refuses |posted| = 2^31 as the contract does, even where 2^posted is the product", function () {
      const masked = paperVectors((c) => pow2(c === 0 ? -(2 ** 31) : 0));
      const posted = new Int32Array(D);
      posted[0] = -(2 ** 31);
      expect(findWrongLeafLikeContract({ groupId: "paper-compat", masked, posted })?.coordinate).to.equal(0);
    });
  });

  describe("before disputing toward a failed decode's leaf (a withheld sum): only where the contract accepts no value", function () {
    it("rlwr-2048: a residual 2|e| ≥ N accepts no G, so the dispute goes to its leaf", function () {
      const masked = rlwrVectors(sumsOf(2), (c) => (c === 37 ? 1024 : 0));
      expect(noValueAccepted("rlwr-2048", masked, 37)).to.equal(true);
      expect(noValueAccepted("rlwr-2048", masked, 36)).to.equal(false);
      expect(disputableLeafAfterFailedDecode("rlwr-2048", masked, D, 37)).to.equal(2);
    });

    it("paper-compat: a discrete log past the watcher's bound may be posted right, so no dispute goes there", function () {
      const masked = paperVectors((c) => pow2(c === 37 ? -2_000_000_000 : sumsOf(5)[c]!));
      expect(noValueAccepted("paper-compat", masked, 37)).to.equal(false);
      expect(disputableLeafAfterFailedDecode("paper-compat", masked, D, 37)).to.equal(undefined);
      // A product of garbage in [1, P) is no proof either: the watcher cannot tell it from a large G.
      expect(disputableLeafAfterFailedDecode("paper-compat", paperVectors((c) => (c === 37 ? 3n : pow2(0))), D, 37)).to.equal(undefined);
    });

    it("paper-compat: an element outside [1, P) anywhere accepts no value there: the dispute goes to that leaf", function () {
      const masked = paperVectors((c) => pow2(c === 37 ? -2_000_000_000 : sumsOf(6)[c]!));
      writeLimbs(masked[1]!, 70, MASH_P);
      expect(noValueAccepted("paper-compat", masked, 70)).to.equal(true);
      expect(disputableLeafAfterFailedDecode("paper-compat", masked, D, 37)).to.equal(4);
    });
  });

  it("names no coordinate for errors that are not one coordinate's (lengths, other errors, an index past the vector)", function () {
    expect(undecodedCoordinate(new MaskLengthMismatchError(1, 200, 198), D)).to.equal(undefined);
    expect(undecodedCoordinate(new Error("boom"), D)).to.equal(undefined);
    expect(undecodedCoordinate(new MaskCiphertextMalformedError(0, D, "not a whole number of elements"), D)).to.equal(undefined);
    expect(undecodedCoordinate(new DlogOutOfRangeError(99, 10), D)).to.equal(99);
    expect(() => findWrongLeafLikeContract({ groupId: "rlwr-2048", masked: [new Uint32Array(2 * D)], posted: new Int32Array(D + 1) })).to.throw(WatchInputError);
  });
});
