// The demo's malicious aggregator changes exactly `count` coordinates of Σg by +1, spread over the vector, and
// leaves the true sum it was given untouched (it still posts T of that in "inconsistent" mode).
import { expect } from "chai";
import { tamperAggregateSum, TamperInputError } from "../../../workers/protocol/mash/tamperAggregateSum";

describe("tamperAggregateSum", function () {
  it("adds 1 to exactly 300 coordinates spread over the whole vector, on a copy", function () {
    const sum = Int32Array.from({ length: 101_770 }, (_, i) => (i % 19) - 9);
    const original = Int32Array.from(sum);
    const tampered = tamperAggregateSum(sum);
    const changed = Array.from(tampered.keys()).filter((i) => tampered[i] !== sum[i]);
    expect(changed).to.have.length(300);
    for (const i of changed) expect(tampered[i]! - sum[i]!).to.equal(1);
    expect(changed[0]).to.equal(0);
    expect(changed[299]).to.be.greaterThan(101_770 * 0.99);
    expect(Buffer.from(sum.buffer).equals(Buffer.from(original.buffer))).to.equal(true);
  });

  it("changes every coordinate of a vector shorter than the count, and refuses bad input by name", function () {
    expect(Array.from(tamperAggregateSum(Int32Array.from([5, -5, 0]), 300))).to.deep.equal([6, -4, 1]);
    expect(() => tamperAggregateSum(new Int32Array(0))).to.throw(TamperInputError);
    expect(() => tamperAggregateSum(Int32Array.from([1]), 0)).to.throw(TamperInputError);
  });
});
