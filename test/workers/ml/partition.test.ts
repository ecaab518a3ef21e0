// The data split: clients that never talk must compute the same disjoint rows from (labels, N, seed).
import { expect } from "chai";
import { createPrng } from "../../../workers/ml/createPrng";
import {
  PartitionInfeasibleError,
  PartitionInsufficientSamplesError,
  PartitionInvalidParametersError,
  PrngInvalidSeedError,
} from "../../../workers/ml/errors";
import { loadMnist } from "../../../workers/ml/loadMnist";
import { partitionDirichlet } from "../../../workers/ml/partitionDirichlet";
import { partitionIid } from "../../../workers/ml/partitionIid";

function expectDisjoint(rows: number[][], sampleCount: number): void {
  const seen = new Uint8Array(sampleCount);
  for (const row of rows) {
    for (const index of row) {
      // Plain checks: a chai assertion per sample is far too slow for 60k samples.
      if (!Number.isInteger(index) || index < 0 || index >= sampleCount) expect.fail(`sample ${index} is out of range`);
      if (seen[index]) expect.fail(`sample ${index} is in two rows`);
      seen[index] = 1;
    }
  }
}

/** Mean over clients of the total-variation distance between the client's label mix and the pool's. */
function labelSkew(labels: Uint8Array, rows: number[][]): number {
  const pool = new Array<number>(10).fill(0);
  let total = 0;
  for (const row of rows) for (const index of row) (pool[labels[index]]++, total++);
  let sum = 0;
  for (const row of rows) {
    const counts = new Array<number>(10).fill(0);
    for (const index of row) counts[labels[index]]++;
    let distance = 0;
    for (let label = 0; label < 10; label++) distance += Math.abs(counts[label] / row.length - pool[label] / total);
    sum += distance / 2;
  }
  return sum / rows.length;
}

describe("ml: partitioning", function () {
  let labels: Uint8Array;
  before(async function () {
    labels = (await loadMnist({ split: "train" })).labels;
  });

  describe("createPrng", function () {
    it("gives the same stream for the same seed and domain, another for another domain", function () {
      const draw = (seed: number | bigint | string, domain?: string): number[] => {
        const prng = createPrng(seed, domain);
        return Array.from({ length: 5 }, () => prng.nextUint32());
      };
      expect(draw(7)).to.deep.equal(draw(7));
      expect(draw(7n)).to.deep.equal(draw(7));
      expect(draw(7, "a")).to.not.deep.equal(draw(7, "b"));
      expect(draw(7)).to.not.deep.equal(draw(8));
    });

    it("draws nextInt uniformly (chi-square over 10 bins, 100k draws)", function () {
      const prng = createPrng("uniformity");
      const bins = new Array<number>(10).fill(0);
      for (let i = 0; i < 100_000; i++) bins[prng.nextInt(10)]++;
      const chiSquare = bins.reduce((sum, observed) => sum + (observed - 10_000) ** 2 / 10_000, 0);
      expect(chiSquare).to.be.below(27.9); // the 0.999 quantile of chi-square with 9 degrees of freedom
    });

    it("rejects a seed that is not a safe integer with PrngInvalidSeedError", function () {
      expect(() => createPrng(1.5)).to.throw(PrngInvalidSeedError);
      expect(() => createPrng("")).to.throw(PrngInvalidSeedError);
    });
  });

  describe("partitionIid", function () {
    it("gives each of 4 clients 6000 distinct samples", function () {
      const rows = partitionIid(labels, 4, 6000, 42);
      expect(rows.map((row) => row.length)).to.deep.equal([6000, 6000, 6000, 6000]);
      expectDisjoint(rows, labels.length);
    });

    it("splits the whole set equally when samplesPerClient is undefined", function () {
      const rows = partitionIid(labels, 7, undefined, 42);
      expect(rows.map((row) => row.length)).to.deep.equal(new Array(7).fill(Math.floor(60000 / 7)));
      expectDisjoint(rows, labels.length);
    });

    it("is the same in every process for one seed and differs for another seed", function () {
      expect(partitionIid(labels, 10, 500, "task-1")).to.deep.equal(partitionIid(labels, 10, 500, "task-1"));
      expect(partitionIid(labels, 10, 500, "task-1")[0]).to.not.deep.equal(partitionIid(labels, 10, 500, "task-2")[0]);
    });

    it("draws from all digits roughly as often as they occur", function () {
      expect(labelSkew(labels, partitionIid(labels, 10, 3000, 42))).to.be.below(0.05);
    });

    it("rejects more samples than exist with PartitionInsufficientSamplesError", function () {
      expect(() => partitionIid(labels, 11, 6000, 1)).to.throw(PartitionInsufficientSamplesError).with.property("required", 66000);
    });

    it("rejects a non-integer client count with PartitionInvalidParametersError", function () {
      expect(() => partitionIid(labels, 0, 10, 1)).to.throw(PartitionInvalidParametersError);
      expect(() => partitionIid(labels, 2.5, 10, 1)).to.throw(PartitionInvalidParametersError);
      expect(() => partitionIid(labels, 2, -1, 1)).to.throw(PartitionInvalidParametersError);
    });
  });

  describe("partitionDirichlet", function () {
    it("spreads numClients * samplesPerClient distinct samples, each client above the minimum", function () {
      const rows = partitionDirichlet(labels, 10, 0.5, 600, 3);
      expect(rows.reduce((total, row) => total + row.length, 0)).to.equal(6000);
      expect(Math.min(...rows.map((row) => row.length))).to.be.at.least(10);
      expectDisjoint(rows, labels.length);
    });

    it("uses every sample when samplesPerClient is undefined", function () {
      const rows = partitionDirichlet(labels, 5, 1, undefined, 3);
      expect(rows.reduce((total, row) => total + row.length, 0)).to.equal(60000);
      expectDisjoint(rows, labels.length);
    });

    it("is the same for one seed and differs for another", function () {
      expect(partitionDirichlet(labels, 8, 0.3, 500, 9)).to.deep.equal(partitionDirichlet(labels, 8, 0.3, 500, 9));
      expect(partitionDirichlet(labels, 8, 0.3, 500, 9)[0]).to.not.deep.equal(partitionDirichlet(labels, 8, 0.3, 500, 10)[0]);
    });

    it("skews the label mix more as alpha shrinks", function () {
      const skews = [100, 1, 0.1].map((alpha) => labelSkew(labels, partitionDirichlet(labels, 10, alpha, 600, 3)));
      expect(skews[0]).to.be.below(0.1);
      expect(skews[1]).to.be.above(skews[0]);
      expect(skews[2]).to.be.above(skews[1]);
      expect(skews[2]).to.be.above(0.6);
    });

    it("rejects a non-positive alpha with PartitionInvalidParametersError", function () {
      expect(() => partitionDirichlet(labels, 4, 0, 100, 1)).to.throw(PartitionInvalidParametersError);
      expect(() => partitionDirichlet(labels, 4, Number.NaN, 100, 1)).to.throw(PartitionInvalidParametersError);
    });

    it("gives up with PartitionInfeasibleError when no draw can satisfy the minimum", function () {
      // 2 samples of 1 class over 2 clients with a minimum of 1 each: alpha 1e-3 almost always puts both on one.
      const oneClass = new Uint8Array(2);
      expect(() => partitionDirichlet(oneClass, 2, 1e-3, 1, 1, { minSamplesPerClient: 1, maxAttempts: 3 })).to.throw(PartitionInfeasibleError);
    });
  });
});
