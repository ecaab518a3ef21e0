// The pure update arithmetic: deltas, FedAvg weighting and L2 clipping, checked to exact values.
import { expect } from "chai";
import { applyDelta } from "../../../workers/ml/applyDelta";
import { clipL2 } from "../../../workers/ml/clipL2";
import { computeDelta } from "../../../workers/ml/computeDelta";
import {
  ClipInvalidBoundError,
  FedAvgInvalidSampleCountError,
  FedAvgNoUpdatesError,
  UpdateLengthMismatchError,
  UpdateNonFiniteError,
} from "../../../workers/ml/errors";
import { fedAvg } from "../../../workers/ml/fedAvg";

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

describe("ml: update arithmetic", function () {
  describe("computeDelta and applyDelta", function () {
    it("subtract and add back element-wise", function () {
      const global = f32(1, -2, 0.5);
      const local = f32(1.5, -3, 0.5);
      const delta = computeDelta(local, global);
      expect(Array.from(delta)).to.deep.equal([0.5, -1, 0]);
      expect(Array.from(applyDelta(global, delta))).to.deep.equal([1.5, -3, 0.5]);
      expect(Array.from(global)).to.deep.equal([1, -2, 0.5]);
    });

    it("reject vectors of different lengths with UpdateLengthMismatchError", function () {
      expect(() => computeDelta(f32(1, 2), f32(1))).to.throw(UpdateLengthMismatchError).that.includes({ expected: 1, actual: 2 });
      expect(() => applyDelta(f32(1, 2), f32(1))).to.throw(UpdateLengthMismatchError).that.includes({ expected: 2, actual: 1 });
    });
  });

  describe("fedAvg", function () {
    const updates = [
      { delta: f32(1, 0, -4), numSamples: 1 },
      { delta: f32(3, 8, 4), numSamples: 3 },
    ];

    it("weights by sample count: (1*1 + 3*3) / 4 = 2.5", function () {
      expect(Array.from(fedAvg(updates, "samples"))).to.deep.equal([2.5, 6, 2]);
    });

    it("weights uniformly: (1 + 3) / 2 = 2", function () {
      expect(Array.from(fedAvg(updates, "uniform"))).to.deep.equal([2, 4, 0]);
    });

    it("equals the lone update when there is one", function () {
      expect(Array.from(fedAvg([{ delta: f32(0.1, -7), numSamples: 9 }], "samples"))).to.deep.equal(Array.from(f32(0.1, -7)));
    });

    it("sums in float64, so cancelling large and small terms stays exact", function () {
      const big = { delta: f32(2 ** 24), numSamples: 1 };
      const small = { delta: f32(1), numSamples: 1 };
      const negative = { delta: f32(-(2 ** 24)), numSamples: 1 };
      // In float32, 2^24 + 1 rounds back to 2^24 and the 1 would be lost.
      expect(Array.from(fedAvg([big, small, negative], "uniform"))).to.deep.equal([Math.fround(1 / 3)]);
    });

    it("rejects no updates, mismatched lengths and bad sample counts with named errors", function () {
      expect(() => fedAvg([], "samples")).to.throw(FedAvgNoUpdatesError);
      expect(() => fedAvg([updates[0], { delta: f32(1), numSamples: 1 }], "samples")).to.throw(UpdateLengthMismatchError);
      expect(() => fedAvg([updates[0], { delta: f32(1, 2, 3), numSamples: 0 }], "samples"))
        .to.throw(FedAvgInvalidSampleCountError)
        .that.includes({ index: 1, numSamples: 0 });
      expect(() => fedAvg([{ delta: f32(1), numSamples: 1.5 }], "uniform")).to.throw(FedAvgInvalidSampleCountError);
    });
  });

  describe("clipL2", function () {
    it("scales a (3, 4) vector to norm 1 and reports the original norm 5", function () {
      const input = f32(3, 4);
      const { clipped, norm } = clipL2(input, 1);
      expect(norm).to.equal(5);
      expect(Array.from(clipped)).to.deep.equal(Array.from(f32(0.6, 0.8)));
      expect(Array.from(input)).to.deep.equal([3, 4]);
    });

    it("returns an unchanged copy when the norm is within the bound", function () {
      const input = f32(3, 4);
      const { clipped, norm } = clipL2(input, 5);
      expect(norm).to.equal(5);
      expect(Array.from(clipped)).to.deep.equal([3, 4]);
      expect(clipped).to.not.equal(input);
    });

    it("rejects a bad bound and a non-finite vector with named errors", function () {
      expect(() => clipL2(f32(1), 0)).to.throw(ClipInvalidBoundError);
      expect(() => clipL2(f32(1), Number.POSITIVE_INFINITY)).to.throw(ClipInvalidBoundError);
      expect(() => clipL2(f32(1, Number.NaN), 1)).to.throw(UpdateNonFiniteError);
    });
  });
});
