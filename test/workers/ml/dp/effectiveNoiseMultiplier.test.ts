// The z the guarantee holds with against the aggregator, per mode and mechanism (docs/PRIVACY.md's table), and the
// bound the summed integer noise gets in the discrete-log search / Shamir range check.
import { expect } from "chai";
import { effectiveNoiseMultiplier } from "../../../../workers/ml/dp/effectiveNoiseMultiplier";
import { DpInputError } from "../../../../workers/ml/dp/errors";
import { integerNoiseBound } from "../../../../workers/ml/dp/integerNoiseBound";
import type { DpSettings } from "../../../../workers/ml/dp/parseDpSettings";

describe("ml/dp: effectiveNoiseMultiplier and integerNoiseBound", function () {
  const local: DpSettings = { mechanism: "local", noiseMultiplier: 1.2, clip: 0.9, delta: 1e-5 };
  const distributed: DpSettings = { ...local, mechanism: "distributed" };
  // C·S = 90 and √d/2 = 10: the quantized sensitivity is 100, so z_eff = 0.9 σ exactly.
  const common = { clients: 16, modelSize: 400, scale: 100 };

  it("local noise: σ in every mode (quantization after the noise is post-processing)", function () {
    for (const mode of ["plain", "mash", "shamir"] as const) {
      expect(effectiveNoiseMultiplier({ settings: local, mode, ...common })).to.equal(1.2);
    }
  });

  it("distributed noise in plain mode: σ/√N, since the aggregator sees each update", function () {
    expect(effectiveNoiseMultiplier({ settings: distributed, mode: "plain", ...common })).to.be.closeTo(1.2 / 4, 1e-15);
  });

  it("distributed noise in mash and shamir: σ·C·S / (C·S + √d/2), the sum's noise over the rounded update's sensitivity", function () {
    for (const mode of ["mash", "shamir"] as const) {
      expect(effectiveNoiseMultiplier({ settings: distributed, mode, ...common })).to.be.closeTo(1.2 * 0.9, 1e-12);
    }
  });

  it("with fewer included clients than N the sum carries only √(included/N) of the noise", function () {
    expect(effectiveNoiseMultiplier({ settings: distributed, mode: "shamir", ...common, includedClients: 4 })).to.be.closeTo(1.2 * 0.9 * 0.5, 1e-12);
  });

  it("needs the scale for distributed noise in a secure mode, and valid counts, else DpInputError", function () {
    expect(() => effectiveNoiseMultiplier({ settings: distributed, mode: "mash", clients: 4, modelSize: 10 })).to.throw(DpInputError, /scale/);
    expect(() => effectiveNoiseMultiplier({ settings: local, mode: "plain", clients: 0, modelSize: 10 })).to.throw(DpInputError, /client count/);
    expect(() => effectiveNoiseMultiplier({ settings: local, mode: "plain", clients: 2, modelSize: 1.5 })).to.throw(DpInputError, /model size/);
  });

  it("integerNoiseBound: 8 std of the summed noise ⌈8σCS⌉ for distributed (+⌈N/2⌉ for the roundings), 0 for local", function () {
    expect(integerNoiseBound({ settings: distributed, scale: 1000 })).to.equal(8640); // 8 · 1.2 · 0.9 · 1000
    expect(integerNoiseBound({ settings: distributed, scale: 1000, clients: 5 })).to.equal(8643);
    expect(integerNoiseBound({ settings: { ...distributed, noiseMultiplier: 0.1, clip: 0.3 }, scale: 7 })).to.equal(2); // ⌈1.68⌉
    expect(integerNoiseBound({ settings: local, scale: 1000, clients: 5 })).to.equal(0);
    expect(() => integerNoiseBound({ settings: distributed, scale: 0 })).to.throw(DpInputError, /scale/);
  });
});
