// The client's admission decision, pure: from the task's policy and its own standing, join, stake the difference
// (within --max-stake, a cap on the total it keeps staked), or refuse: "not-allowed" on an allowlist that does not
// list it (staking cannot help), "stake-required" above --max-stake. And the allowlist's size from its events.
import { expect } from "chai";
import { countAllowed, decideAdmission, describeAdmission } from "../../../workers/protocol/admission";

const ETH = 10n ** 18n;

describe("decideAdmission", function () {
  const open = { allowlistOnly: false, clientStake: 0n };
  const listed = { allowed: true, staked: 0n };
  const stranger = { allowed: false, staked: 0n };

  it("joins an open task whatever the client's standing or --max-stake", function () {
    expect(decideAdmission(open, stranger, 0n)).to.deep.equal({ action: "join" });
    expect(decideAdmission(open, { allowed: false, staked: ETH }, 0n)).to.deep.equal({ action: "join" });
  });

  it("joins an allowlist-only task when listed, and refuses it when not, even with a large stake on offer", function () {
    const allowlist = { allowlistOnly: true, clientStake: 0n };
    expect(decideAdmission(allowlist, listed, 0n)).to.deep.equal({ action: "join" });
    expect(decideAdmission(allowlist, stranger, 10n * ETH)).to.deep.equal({ action: "refuse", reason: "not-allowed" });
    expect(decideAdmission({ allowlistOnly: true, clientStake: ETH }, stranger, 10n * ETH)).to.deep.equal({ action: "refuse", reason: "not-allowed" });
  });

  it("joins once the stake is held, stakes the difference within --max-stake, and refuses above it", function () {
    const staked = { allowlistOnly: false, clientStake: ETH };
    expect(decideAdmission(staked, { allowed: false, staked: ETH }, 0n)).to.deep.equal({ action: "join" });
    expect(decideAdmission(staked, { allowed: false, staked: 2n * ETH }, 0n)).to.deep.equal({ action: "join" });
    expect(decideAdmission(staked, stranger, ETH)).to.deep.equal({ action: "stake", amount: ETH });
    expect(decideAdmission(staked, { allowed: false, staked: ETH / 4n }, 2n * ETH)).to.deep.equal({ action: "stake", amount: (3n * ETH) / 4n });
    expect(decideAdmission(staked, stranger, 0n)).to.deep.equal({ action: "refuse", reason: "stake-required", missing: ETH });
    // --max-stake caps the total kept staked, not the top-up: 0.6 ETH does not cover a 1 ETH stake from 0.5.
    expect(decideAdmission(staked, { allowed: false, staked: ETH / 2n }, (6n * ETH) / 10n)).to.deep.equal({ action: "refuse", reason: "stake-required", missing: ETH / 2n });
  });

  it("asks both of a listed client on an allowlist with a stake", function () {
    const both = { allowlistOnly: true, clientStake: ETH };
    expect(decideAdmission(both, listed, ETH)).to.deep.equal({ action: "stake", amount: ETH });
    expect(decideAdmission(both, listed, 0n)).to.deep.include({ action: "refuse", reason: "stake-required" });
  });
});

describe("countAllowed and describeAdmission", function () {
  it("counts the accounts whose last change allowed them, whatever their case", function () {
    const a = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
    const b = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
    expect(countAllowed([])).to.equal(0);
    expect(countAllowed([{ account: a, allowed: true }, { account: b, allowed: true }, { account: a.toLowerCase(), allowed: true }])).to.equal(2);
    expect(countAllowed([{ account: a, allowed: true }, { account: b, allowed: true }, { account: a, allowed: false }])).to.equal(1);
  });

  it("names the policy as the owner and the demo print it", function () {
    expect(describeAdmission({ allowlistOnly: false, allowed: 0, clientStake: "0.0" })).to.equal("open");
    expect(describeAdmission({ allowlistOnly: true, allowed: 4, clientStake: "0.0" })).to.equal("allowlist of 4 clients");
    expect(describeAdmission({ allowlistOnly: true, allowed: 1, clientStake: "0.5" })).to.equal("allowlist of 1 client · stake 0.5 ETH");
    expect(describeAdmission({ allowlistOnly: false, allowed: 0, clientStake: "0.01" })).to.equal("open · stake 0.01 ETH");
  });
});
