// When the Shamir aggregator stops waiting for share-sums: all n at once; t only after the grace period; fewer
// than t never, and past the Aggregation deadline that is the ServersMissing outcome.
import { expect } from "chai";
import { shareSumsReady } from "../../../../workers/protocol/shamir/shareSumsReady";

describe("shareSumsReady (n = 3, t = 2, grace until 110 s, deadline 200 s)", function () {
  const at = (posted: number, now: number) => shareSumsReady({ posted, servers: 3, threshold: 2, now, graceUntil: 110, deadline: 200 });

  it("is ready as soon as every server posted, grace or not", function () {
    expect(at(3, 100)).to.deep.equal({ status: "ready", reason: "all-posted" });
  });

  it("waits for the third server until the grace period ends, then goes on with two", function () {
    expect(at(2, 109.9)).to.deep.equal({ status: "waiting", missing: 1 });
    expect(at(2, 110)).to.deep.equal({ status: "ready", reason: "grace-passed" });
  });

  it("keeps waiting below the threshold until the deadline, then reports too few", function () {
    expect(at(1, 150)).to.deep.equal({ status: "waiting", missing: 2 });
    expect(at(1, 200)).to.deep.equal({ status: "too-few", posted: 1, threshold: 2 });
    expect(at(0, 250)).to.deep.equal({ status: "too-few", posted: 0, threshold: 2 });
  });

  it("never waits past the deadline when t are in, even with a grace period longer than Aggregation", function () {
    expect(shareSumsReady({ posted: 2, servers: 3, threshold: 2, now: 200, graceUntil: 300, deadline: 200 })).to.deep.equal({ status: "ready", reason: "grace-passed" });
    expect(shareSumsReady({ posted: 2, servers: 3, threshold: 2, now: 199, graceUntil: 300, deadline: 200 })).to.deep.equal({ status: "waiting", missing: 1 });
  });
});
