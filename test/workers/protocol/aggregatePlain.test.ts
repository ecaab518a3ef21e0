// Plain FedAvg aggregation: the exact weighted average of the valid deltas applied to the global model, with
// rejected updates listed and without effect.
import { expect } from "chai";
import { aggregatePlain } from "../../../workers/protocol/plain/aggregatePlain";

describe("aggregatePlain", function () {
  const global = Float32Array.of(1, 2, 3);

  it("averages deltas weighted by sample count and applies them", function () {
    const result = aggregatePlain({
      global,
      weighting: "samples",
      updates: [
        { client: "a", numSamples: 1, delta: Float32Array.of(4, 0, -4) },
        { client: "b", numSamples: 3, delta: Float32Array.of(0, 4, 8) },
      ],
    });
    expect(Array.from(result.averagedDelta)).to.deep.equal([1, 3, 5]);
    expect(Array.from(result.newWeights)).to.deep.equal([2, 5, 8]);
    expect(result.included).to.deep.equal(["a", "b"]);
    expect(result.excluded).to.deep.equal([]);
  });

  it("leaves rejected updates out and names why", function () {
    const result = aggregatePlain({
      global,
      weighting: "uniform",
      updates: [
        { client: "a", numSamples: 10, delta: Float32Array.of(2, 2, 2) },
        { client: "bad", numSamples: 1_000, rejected: "PayloadTruncatedError" },
      ],
    });
    expect(Array.from(result.newWeights)).to.deep.equal([3, 4, 5]);
    expect(result.excluded).to.deep.equal([{ client: "bad", reason: "PayloadTruncatedError" }]);
  });

  it("keeps the model unchanged when no update is valid", function () {
    const result = aggregatePlain({ global, weighting: "samples", updates: [{ client: "x", numSamples: 1, rejected: "PayloadHashMismatchError" }] });
    expect(Array.from(result.newWeights)).to.deep.equal([1, 2, 3]);
    expect(result.included).to.deep.equal([]);
  });
});
