// The refusal before a task starts: settings past a mask group's exact-aggregation bounds (docs/MASKING.md,
// "Supported bounds") are named with the fix, and the demo refuses them in one line before anything runs.
import { expect } from "chai";
import { checkMaskSettings } from "../../../../workers/crypto/mask/checkMaskSettings";
import { MaskSettingsUnsupportedError } from "../../../../workers/crypto/mask/errors";
import { checkDemoOptions, DemoOptionsError } from "../../../../workers/roles/runDemo";

describe("checkMaskSettings (workers/crypto/mask)", function () {
  it("accepts rlwr-2048 up to 2048 vectors and an aggregate bound of 2^28 − 1", function () {
    expect(() => checkMaskSettings({ maskGroup: "rlwr-2048", maxClients: 2048, clip: 1, scale: 10_000 })).to.not.throw();
    // 1000 × round(26.8 × 10^4) = 268,000,000 ≤ 268,435,455.
    expect(() => checkMaskSettings({ maskGroup: "rlwr-2048", maxClients: 1000, clip: 26.8, scale: 10_000 })).to.not.throw();
  });

  it("refuses more vectors than rlwr-2048 decodes, naming the limit", function () {
    expect(() => checkMaskSettings({ maskGroup: "rlwr-2048", maxClients: 2049, clip: 1, scale: 10_000 }))
      .to.throw(MaskSettingsUnsupportedError)
      .with.property("details")
      .that.includes("--max-clients 2048");
  });

  it("refuses an aggregate bound past 2^28 − 1 and offers the largest clip that fits", function () {
    expect(() => checkMaskSettings({ maskGroup: "rlwr-2048", maxClients: 1000, clip: 27, scale: 10_000 }))
      .to.throw(MaskSettingsUnsupportedError)
      .with.property("details")
      .that.includes("--clip 26.843545");
  });

  it("counts distributed DP noise in the bound", function () {
    expect(() => checkMaskSettings({ maskGroup: "rlwr-2048", maxClients: 1000, clip: 26.8, scale: 10_000 })).to.not.throw();
    expect(() => checkMaskSettings({ maskGroup: "rlwr-2048", maxClients: 1000, clip: 26.8, scale: 10_000, noiseBound: 1_000_000 }))
      .to.throw(MaskSettingsUnsupportedError)
      .with.property("shortMessage")
      .that.includes("+ 1000000 of DP noise");
  });

  it("lets paper-compat sum what an int32 discrete log reaches", function () {
    expect(() => checkMaskSettings({ maskGroup: "paper-compat", maxClients: 2049, clip: 27, scale: 10_000 })).to.not.throw();
    expect(() => checkMaskSettings({ maskGroup: "paper-compat", maxClients: 10_000, clip: 30, scale: 10_000 })).to.throw(MaskSettingsUnsupportedError);
  });

  it("makes the demo refuse such settings before anything starts", function () {
    const base = { mode: "mash" as const, servers: 3, threshold: 2, dropServers: 0 };
    expect(() => checkDemoOptions({ ...base, maskGroup: "rlwr-2048", clients: 1000, clip: 27, scale: 10_000 }))
      .to.throw(DemoOptionsError)
      .with.property("shortMessage")
      .that.includes("rlwr-2048 mask group cannot aggregate");
    expect(() => checkDemoOptions({ ...base, maskGroup: "rlwr-2048", clients: 4, clip: 0.5, scale: 10_000 })).to.not.throw();
  });
});
