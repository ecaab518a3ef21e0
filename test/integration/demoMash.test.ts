// `fedmash demo --mode mash --clients 7 --rounds 2 --drop-clients 1 --drop-phase submit`: seven client processes,
// one of which vanishes before submitting its masked update in round 1. Only its group may be lost: every round
// finalizes, the report names the dropout (NoSubmission) and its group-mates (GroupExcluded), round 2 runs with the
// six left, and the model's test accuracy rises from the initial model to round 1 and again to round 2. Every round
// is verified on-chain: it passes, the settle transaction stays under 300k gas, nobody is slashed, and every included
// client and the aggregator claim.
// The size is the smallest that still means it. The contract draws a holder and G = max(1, (n - 1) / 3) groups of
// at least 3 (RoundLib._formGroups), and a round needs one complete group. 7 clients give the holder and 2 groups of
// 3, so the dropout's group is lost while the other completes. Dropouts land in groups by the draw: two of them would
// fall in different groups 3 times in 5 with 2 groups and fail the round (NoSubmissions), so two need 3 groups and
// 10 clients, the run of `npm run bench:demo`, which also measures the 0.90 accuracy target after 3 rounds.
import { expect } from "chai";
import { runDemo, DEMO_DEFAULTS, type DemoReport } from "../../workers/roles/runDemo";
import { hardhatTestWallet } from "../../workers/chain/connectChain";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";

const CLIENTS = 7;
const DROPPED = 1;

describe("fedmash demo (mash mode, 7 clients, 2 rounds, 1 drops out at submit)", function () {
  this.timeout(600_000);
  let workspace: IntegrationWorkspace | undefined;
  let report: DemoReport;

  before(async function () {
    workspace = integrationWorkspace("demo-mash");
    report = await runDemo({
      ...DEMO_DEFAULTS,
      mode: "mash",
      clients: CLIENTS,
      rounds: 2,
      paillierBits: 1024,
      dropClients: DROPPED,
      dropPhase: "submit",
      ...workspace.demoOptions,
    });
  });

  after(function () {
    workspace?.remove();
  });

  it("finalizes every round, the test accuracy rising in each", function () {
    expect(report.rounds.map((r) => r.phase)).to.deep.equal(["Finalized", "Finalized"]);
    const [first, second] = report.rounds.map((r) => r.accuracy as number);
    expect(first, `initial ${report.initialAccuracy}`).to.be.greaterThan(report.initialAccuracy);
    expect(second).to.be.greaterThan(first!);
  });

  it("loses only the dropped client's group in round 1, naming why", function () {
    const first = report.rounds[0];
    const groups = first.groups ?? [];
    expect(groups).to.have.length(2);
    expect(first.holder).to.be.a("string");
    const includedGroups = groups.filter((g) => g.included);
    const excludedGroups = groups.filter((g) => !g.included);
    expect(excludedGroups).to.have.length(1);
    const dropped = first.excluded.filter((e) => e.reason === "NoSubmission").map((e) => e.client);
    expect(dropped).to.have.length(DROPPED);
    expect(excludedGroups[0]!.members).to.include(dropped[0]);
    // The dropout's group-mates submitted, and are left out only because their group's masks no longer cancel.
    const groupMates = first.excluded.filter((e) => e.reason === "GroupExcluded").map((e) => e.client);
    expect(groupMates.sort()).to.deep.equal(excludedGroups[0]!.members.filter((m) => m !== dropped[0]).sort());
    expect(first.excluded.map((e) => e.client).sort()).to.deep.equal([...excludedGroups[0]!.members].sort());
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

  it("runs round 2 with the six clients that are left, the dropout's group-mates among them", function () {
    const second = report.rounds[1];
    expect(second.joined).to.equal(CLIENTS - DROPPED);
    expect(second.included).to.have.length(CLIENTS - DROPPED);
    expect(second.excluded).to.deep.equal([]);
    const dropped = report.rounds[0].excluded.find((e) => e.reason === "NoSubmission")!.client;
    expect(second.included.map((c) => c.toLowerCase())).to.not.include(dropped.toLowerCase());
  });
});
