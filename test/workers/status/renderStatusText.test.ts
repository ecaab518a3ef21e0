// renderStatusText on the literal fixture: the exact text a terminal shows for a finalized Mash round (groups,
// submissions with CIDs, verification with gas, payouts), a failed one, a Shamir round past its deadline, and the
// human times it is built from.
import { expect } from "chai";
import { getAddress } from "ethers";
import { formatDuration, formatUnixTime } from "../../../workers/status/formatTime";
import { renderStatusText, StatusRoundNotInSnapshotError } from "../../../workers/status/renderStatusText";
import { shapeStatusSnapshot } from "../../../workers/status/shapeStatusSnapshot";
import { CLIENT, statusFixture, tx } from "./statusFixture";

const short = (n: number): string => {
  const address = getAddress(CLIENT(n));
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
};

describe("renderStatusText", function () {
  const snapshot = shapeStatusSnapshot(statusFixture());

  it("renders one round in detail: joined and who submitted, groups, submissions, aggregate, verification gas, payouts", function () {
    const text = renderStatusText(snapshot, { round: 1n });
    const detail = text.slice(text.indexOf("\nround 1 ") + 1);
    expect(detail).to.equal(
      [
        "round 1 (#1 of task 1) · Mash · Finalized · 5 joined, 3 submitted · verification Passed",
        "  input model bafkreiinitialmodelcidoftaskone · opened at 2027-01-15 07:42:20 UTC in block 11",
        "  phases: Joining@11",
        `  joined (5): ${short(1)} ✓, ${short(2)} ✓, ${short(3)} ✓, ${short(4)}, ${short(5)}`,
        `  holder ${getAddress(CLIENT(1))}: key posted, submitted; 1/2 group sums, 1 group(s) included`,
        `    group 0: ${short(2)}, ${short(3)} (leader) — sum posted, 2/2 submitted, included`,
        `    group 1: ${short(4)}, ${short(5)} (leader) — shuffle at position 0, 0/2 submitted, excluded`,
        "  submissions (3):",
        `    ${short(2)}  bafkreiupdateofclienttwo0000000000  600 samples  loss 0.2537  tx 0x000000…006a @16`,
        `    ${short(3)}  bafkreiupdateofclientthree00000000  601 samples  loss 0.3000  tx 0x000000…006b @16`,
        `    ${short(1)}  bafkreiupdateoftheholder0000000000  602 samples  loss 0.1000  tx 0x000000…006c @17`,
        "  aggregate bafkreiaggregateofroundone0000000 → model bafkreinextmodelofroundone0000000 by 0x1111…1111 tx 0x000000…006d @18",
        "  verification: Settled, Passed · 3/3 committed, 0 challenge(s)",
        "    gas: aggregate 290,054 · batch sums 108,240 · commits 308,372 · settle 180,446 · total 887,112",
        `    settled tx ${tx(114)} @21`,
        "  payouts: owed 0.0000000000000025 ETH, claimed 0.0000000000000005 ETH, unclaimed 0.000000000000002 ETH, slashed 0.0 ETH, released 0.0000000000000005 ETH",
        `    ${short(2)} claimed 0.0000000000000005 ETH tx 0x000000…0073 @22`,
        "",
      ].join("\n"),
    );
  });

  it("heads the text with the chain, the block's time, the contracts and the participants", function () {
    const lines = renderStatusText(snapshot, { round: 1n }).split("\n");
    expect(lines[0]).to.equal("fedmash on chain 11155111 at block 50 (2027-01-15 08:00:00 UTC)");
    expect(lines[2]).to.equal("  participants: 7 clients (6 active), 1 aggregator, 2 servers");
    expect(lines[4]).to.equal("task 1 · Mash · owner 0x1010101010101010101010101010101010101010 · aggregator 0x1111111111111111111111111111111111111111");
  });

  it("lists the events with full transaction hashes when asked", function () {
    const text = renderStatusText(snapshot, { round: 1n, events: true });
    expect(text).to.contain(`  events (21):\n    @11 ${tx(101)} RoundOpened: round 1 opened (#1 of task 1) on model bafkreii…askone\n`);
    expect(text).to.contain(`    @18 ${tx(109)} VerificationStarted: verification started, 3 included client(s), batch sums due by 2027-01-15 07:51:40 UTC\n`);
  });

  it("says why a round failed and that no verification ran", function () {
    const text = renderStatusText(snapshot, { round: 2n });
    expect(text).to.contain("round 2 (#2 of task 1) · Mash · Failed (HolderMissing) · 3 joined, 0 submitted · verification Released\n");
    expect(text).to.contain("  verification: none ran (the round failed before its aggregate); the reserve went back to the pool\n");
    expect(text).to.not.contain("payouts:");
  });

  it("shows a Shamir round's share-sums and a passed deadline anyone may act on", function () {
    const text = renderStatusText(snapshot, { round: 3n });
    expect(text).to.contain(
      "round 3 (#1 of task 2) · Shamir · Aggregation · deadline 2027-01-15 07:59:45 UTC, passed 15s ago (anyone may advance the round) · 2 joined, 0 submitted\n",
    );
    expect(text).to.contain(
      "  share-sums: 1/2 posted, threshold 2\n    server 0 0x3131…3131: not posted\n    server 1 0x3232…3232: bafkreisharesumofservertwo tx 0x000000…0087 @45\n",
    );
    expect(text).to.contain("  verification: rewards reserved (0.0 ETH); it starts when the aggregate is posted\n");
  });

  it("without a round, gives every task a line per round and its latest round in detail", function () {
    const text = renderStatusText(snapshot);
    expect(text).to.contain("\n  round 1 (#1 of task 1) · Mash · Finalized · 5 joined, 3 submitted · verification Passed\n  round 2 (#2 of task 1)");
    expect(text).to.contain("\n    input model bafkreinextmodelofroundone0000000 · opened at 2027-01-15 07:54:00 UTC in block 30\n");
    expect(text).to.contain("\n  servers 0:0x3131313131313131313131313131313131313131, 1:0x3232323232323232323232323232323232323232\n");
    expect(text).to.not.contain("bafkreiupdateofclienttwo");
    // The task line names the mask group with its bits, and the floor on who is summed.
    expect(text).to.contain("3–5 clients per round (at least 3 summed), groups of 3, mask group rlwr-2048 (secure, 128-bit); 2 round(s)");
  });

  it("labels a paper-compat task NOT secure", function () {
    const fixture = statusFixture();
    const tasks = fixture.views.tasks.map((task) => (task.config.maskGroup ? { ...task, config: { ...task.config, maskGroup: { id: "paper-compat" as const, secure: false, securityBits: 80 } } } : task));
    const text = renderStatusText(shapeStatusSnapshot({ ...fixture, views: { ...fixture.views, tasks } }));
    expect(text).to.contain("mask group paper-compat (80-bit, NOT secure)");
  });

  it("throws StatusRoundNotInSnapshotError for a round the snapshot lacks", function () {
    expect(() => renderStatusText(snapshot, { round: 4n })).to.throw(StatusRoundNotInSnapshotError, "Round 4 is not in the snapshot.");
  });

  describe("human time", function () {
    it("prints unix seconds as UTC", function () {
      expect(formatUnixTime(0)).to.equal("1970-01-01 00:00:00 UTC");
      expect(formatUnixTime(1_800_000_000)).to.equal("2027-01-15 08:00:00 UTC");
    });

    for (const [seconds, text] of [
      [0, "0s"],
      [59, "59s"],
      [60, "1m"],
      [250, "4m 10s"],
      [3_600 * 2 + 185, "2h 3m"],
      [86_400 * 3 + 3_600 * 4 + 59, "3d 4h"],
      [-5, "0s"],
    ] as const) {
      it(`formats ${seconds} s as "${text}"`, function () {
        expect(formatDuration(seconds)).to.equal(text);
      });
    }
  });
});

describe("renderStatusText: a task's admission", function () {
  it("says open, or the allowlist's size and the stake, under the task", async function () {
    const { admissionText } = await import("../../../workers/status/renderStatusText");
    expect(admissionText({ allowlistOnly: false, allowed: 0, clientStake: "0" })).to.equal("open");
    expect(admissionText({ allowlistOnly: true, allowed: 4, clientStake: "0" })).to.equal("allowlist (4 allowed) · stake 0.0 ETH");
    expect(admissionText({ allowlistOnly: false, allowed: 0, clientStake: "500000000000000000" })).to.equal("open · stake 0.5 ETH");
    const snapshot = shapeStatusSnapshot(statusFixture());
    const [first] = snapshot.tasks;
    if (!first) throw new Error("the fixture has no task");
    first.admission = { allowlistOnly: true, allowed: 4, clientStake: "0" };
    expect(renderStatusText(snapshot).split("\n")).to.include("  admission: allowlist (4 allowed) · stake 0.0 ETH");
  });
});
