// DP settings from untrusted input: valid ones come back typed (δ defaulting to 1e-5, CLI strings accepted),
// every invalid field is a one-line DpSettingsError that names the field.
import { expect } from "chai";
import { DpSettingsError } from "../../../../workers/ml/dp/errors";
import { DEFAULT_DP_DELTA, parseDpSettings } from "../../../../workers/ml/dp/parseDpSettings";

describe("ml/dp: parseDpSettings", function () {
  const valid = { mechanism: "distributed", noiseMultiplier: 1.1, clip: 0.5, delta: 1e-6 };

  it("returns the settings it was given", function () {
    expect(parseDpSettings(valid)).to.deep.equal(valid);
    expect(parseDpSettings({ ...valid, mechanism: "local" }).mechanism).to.equal("local");
  });

  it("defaults δ to 1e-5 and reads numbers given as CLI strings", function () {
    expect(DEFAULT_DP_DELTA).to.equal(1e-5);
    expect(parseDpSettings({ mechanism: "local", noiseMultiplier: "0.8", clip: "2" })).to.deep.equal({ mechanism: "local", noiseMultiplier: 0.8, clip: 2, delta: 1e-5 });
  });

  const invalid: [string, unknown, string, RegExp][] = [
    ["not an object", "local", "settings", /must be an object/],
    ["null", null, "settings", /got null/],
    ["an unknown mechanism", { ...valid, mechanism: "central" }, "mechanism", /"local" or "distributed", got "central"/],
    ["no mechanism", { noiseMultiplier: 1, clip: 1 }, "mechanism", /got nothing/],
    ["a zero noise multiplier", { ...valid, noiseMultiplier: 0 }, "noiseMultiplier", /finite number > 0, got 0/],
    ["an infinite noise multiplier", { ...valid, noiseMultiplier: Infinity }, "noiseMultiplier", /got Infinity/],
    ["a non-numeric noise multiplier", { ...valid, noiseMultiplier: "lots" }, "noiseMultiplier", /must be a number, got "lots"/],
    ["a negative clip", { ...valid, clip: -1 }, "clip", /"clip" must be a finite number > 0, got -1/],
    ["a missing clip", { mechanism: "local", noiseMultiplier: 1 }, "clip", /"clip" must be a number, got nothing/],
    ["δ = 0", { ...valid, delta: 0 }, "delta", /"delta" must be in \(0, 1\), got 0/],
    ["δ = 1", { ...valid, delta: 1 }, "delta", /got 1$/],
  ];
  for (const [what, input, field, message] of invalid) {
    it(`rejects ${what} with a one-line DpSettingsError naming "${field}"`, function () {
      let caught: unknown;
      try {
        parseDpSettings(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(DpSettingsError);
      const error = caught as DpSettingsError;
      expect(error.field).to.equal(field);
      expect(error.message).to.match(message);
      expect(error.message).not.to.include("\n");
    });
  }
});
