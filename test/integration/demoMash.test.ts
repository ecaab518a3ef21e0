// `fedmash demo --mode mash --clients 10 --rounds 3 --drop-clients 2 --drop-phase submit`: ten client processes,
// two of which vanish before submitting their masked update in the first round. Only their groups may be lost:
// every round finalizes, the report says who was excluded and why, the later rounds run with the eight left,
// and the model still reaches 0.90 test accuracy after round 3. Every round is verified on-chain: it passes, the
// settle transaction stays under 300k gas, nobody is slashed, and every included client and the aggregator claim.
import { expect } from "chai";
import { runDemo, DEMO_DEFAULTS, type DemoReport } from "../../workers/roles/runDemo";
import { hardhatTestWallet } from "../../workers/chain/connectChain";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";

describe("fedmash demo (mash mode, 10 clients, 3 rounds, 2 drop out at submit)", function () {
  this.timeout(600_000);
  let workspace: IntegrationWorkspace | undefined;
  let report: DemoReport;

  before(async function () {
    workspace = integrationWorkspace("demo-mash");
    report = await runDemo({
      ...DEMO_DEFAULTS,
      mode: "mash",
      clients: 10,
      rounds: 3,
      paillierBits: 1024,
      dropClients: 2,
      dropPhase: "submit",
      ...workspace.demoOptions,
    });
  });

  after(function () {
    workspace?.remove();
  });

  it("finalizes every round and reaches 0.90 test accuracy after round 3", function () {
    expect(report.rounds.map((r) => r.phase)).to.deep.equal(["Finalized", "Finalized", "Finalized"]);
    expect(report.rounds[2].accuracy).to.be.at.least(0.9);
    expect(report.rounds[2].accuracy).to.be.greaterThan(report.rounds[0].accuracy as number);
  });

  it("loses only the dropped clients' groups in round 1, naming why", function () {
    const first = report.rounds[0];
    const groups = first.groups ?? [];
    expect(groups).to.have.length(3);
    expect(first.holder).to.be.a("string");
    const includedGroups = groups.filter((g) => g.included);
    const excludedGroups = groups.filter((g) => !g.included);
    expect(excludedGroups.length).to.be.within(1, 2);
    const dropped = first.excluded.filter((e) => e.reason === "NoSubmission").map((e) => e.client);
    expect(dropped).to.have.length(2);
    for (const e of first.excluded) expect(e.reason).to.be.oneOf(["NoSubmission", "GroupExcluded"]);
    expect(first.excluded.map((e) => e.client).sort()).to.deep.equal(excludedGroups.flatMap((g) => g.members).sort());
    expect([...first.included].sort()).to.deep.equal([...includedGroups.flatMap((g) => g.members), first.holder as string].sort());
  });

  it("passes the verification of every round, settling under 300k gas, and pays every included client and the aggregator", function () {
    const { clientReward, aggregatorReward } = DEMO_DEFAULTS.terms;
    const aggregator = hardhatTestWallet(1).address;
    for (const round of report.rounds) {
      // A MASH round passes when its challenge window closes with no fraud proven: no commitments, no challenge.
      expect(round.verification).to.deep.include({ status: "passed", included: round.included.length, committed: 0 });
      expect(round.challenges).to.deep.equal([]);
      expect(round.slashedParties).to.deep.equal([]);
      expect(round.verification.gasUsed).to.be.a("number").and.to.be.below(300_000);
      expect(round.slashed).to.equal("0");
      expect(BigInt(round.paid)).to.equal(BigInt(round.included.length) * clientReward + aggregatorReward);
      const claims = Object.fromEntries(round.claims.map((c) => [c.account.toLowerCase(), c.wei]));
      for (const client of round.included) expect(claims[client.toLowerCase()], `round ${round.round}: ${client} claimed`).to.equal(clientReward.toString());
      expect(claims[aggregator.toLowerCase()]).to.equal(aggregatorReward.toString());
    }
  });

  it("runs the later rounds with the eight clients that are left", function () {
    for (const later of report.rounds.slice(1)) {
      expect(later.joined).to.equal(8);
      expect(later.included).to.have.length(8);
      expect(later.excluded).to.deep.equal([]);
    }
  });
});
