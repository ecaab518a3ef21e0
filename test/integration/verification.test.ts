// `fedmash demo --clients 4 --malicious-aggregator [consistent|inconsistent]` (2 rounds, 1 round).
//
// consistent: the aggregator publishes a tampered aggregate and
// commits the tampered sum's Merkle root, so the clients' watch (recompute the sum from the included vectors) finds
// it wrong and one of them proves it on-chain. Every round must fail as AggregateFraudProven with the aggregator's
// bond slashed and paid out to the challenger and the clients, the clients must refuse the tampered models, the
// next round must start again from the initial model, and the demo must still exit 0 while saying plainly what
// happened.
//
// inconsistent: the aggregator commits the Merkle root of
// a tampered sum (+1 on a few hundred coordinates, the first at coordinate 0) and publishes the untampered payload,
// which does not open that commitment. Before the aggregate dispute game nobody could prove it (a fraud proof needs
// the committed leaf), so every round passed on-chain. Now the clients' watch finds the root is not the true sum's,
// finds the payload does not open it, and disputes: the aggregator can only open the tampered tree it committed, the
// dispute reaches leaf 0, and its challenge proves the fraud. Every round must fail as AggregateFraudProven with the
// aggregator's bond slashed, and the demo must exit 0.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatEther } from "ethers";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";
import { runCli, type CliResult } from "../helpers/runCli";
import type { DemoReport } from "../../workers/roles/runDemo";

const CLIENTS = 4;
const BOND_WEI = 10n ** 18n;
const CHALLENGE_BOND_WEI = 10n ** 16n;
/** Hardhat test account 1, the demo's aggregator. */
const AGGREGATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** One demo run with a malicious aggregator in a fresh workspace, before the describe's tests; its output and report. */
function maliciousAggregatorDemo(workspaceName: string, rounds: number, flag: readonly string[]): { outDir: string; run: CliResult; report: DemoReport } {
  const context = {} as { outDir: string; run: CliResult; report: DemoReport };
  let workspace: IntegrationWorkspace | undefined;
  before(async function () {
    workspace = integrationWorkspace(workspaceName);
    context.outDir = workspace.dir;
    const { deploymentId } = workspace;
    context.run = await runCli(["demo", "--clients", String(CLIENTS), "--rounds", String(rounds), "--paillier-bits", "1024", "--out", context.outDir, "--deployment-id", deploymentId, ...flag]);
    context.report = JSON.parse(readFileSync(join(context.outDir, "report.json"), "utf8")) as DemoReport;
  });
  after(function () {
    workspace?.remove();
  });
  return context;
}

describe("fedmash demo with a malicious aggregator (mash, 4 clients, 2 rounds)", function () {
  this.timeout(600_000);
  // The flag last and without a value: it means "consistent".
  const demo = maliciousAggregatorDemo("verification", 2, ["--malicious-aggregator"]);

  it("fails every round as AggregateFraudProven, slashing the whole bond each time on a watcher's challenge", function () {
    expect(demo.report.rounds.map((r) => [r.phase, r.failureReason])).to.deep.equal([
      ["Failed", "AggregateFraudProven"],
      ["Failed", "AggregateFraudProven"],
    ]);
    for (const round of demo.report.rounds) {
      expect(round.verification).to.deep.include({ status: "fraud-proven", committed: 0, included: CLIENTS });
      expect(round.slashed).to.equal(BOND_WEI.toString());
      expect(round.slashedParties).to.deep.equal([{ address: AGGREGATOR, role: "aggregator", reason: "aggregate-fraud-proven", wei: BOND_WEI.toString() }]);
      expect(round.challenges).to.have.length(1);
      expect(round.challenges[0]).to.deep.include({ upheld: true, coordinate: 0 });
      expect(round.challenges[0]!.gasUsed).to.be.a("number").and.to.be.below(1_000_000);
      expect(round.paid).to.equal("0");
      // The slash goes to the challenger (half, with its bond back) and the included clients (the other half). A
      // watcher that knows the true sum also opens a dispute beside its challenge; every dispute still open when the
      // fraud is proven gets its 0.01 ETH back: how many opened in time depends on the race, at most one per client.
      const claimed = round.claims.reduce((total, claim) => total + BigInt(claim.wei), 0n);
      const refunds = claimed - BOND_WEI - CHALLENGE_BOND_WEI;
      expect(refunds % CHALLENGE_BOND_WEI, `claimed ${claimed}`).to.equal(0n);
      expect(Number(refunds / CHALLENGE_BOND_WEI), `claimed ${claimed}`).to.be.within(0, CLIENTS);
    }
  });

  it("never trains on a failed round's model: round 2 starts again from the initial model", function () {
    expect(demo.report.rounds[1].modelCid).to.equal(demo.report.rounds[0].modelCid);
  });

  it("has every client log the refusal of the tampered models by name", function () {
    for (let index = 0; index < CLIENTS; index++) {
      const refusals = readFileSync(join(demo.outDir, "logs", `client-${index}.jsonl`), "utf8")
        .split("\n")
        .filter((line) => line.includes('"ModelRefusedError"'))
        .map((line) => JSON.parse(line) as { round: string; outcome?: string; error: { message: string } });
      const settled = refusals.filter((r) => r.outcome !== undefined);
      expect(settled.map((r) => [r.round, r.outcome]), `client ${index}`).to.deep.equal([
        ["1", "FraudProven"],
        ["2", "FraudProven"],
      ]);
      expect(settled[0].error.message).to.include("(verification-not-passed)");
    }
  });

  it("exits 0 and says that the aggregator was malicious and slashed", function () {
    expect(demo.run.code, demo.run.stderr).to.equal(0);
    // Each watcher disputes and challenges in parallel, so which move proves the fraud first is a race (on a loaded
    // machine the aggregator can even miss a dispute step): either way the round's line says it was proven.
    expect(demo.run.stdout, demo.run.stdout).to.match(
      /round 1 failed: AggregateFraudProven · verification fraud-proven \(4 included, (challenge upheld at coordinate 0 \(gas \d+\)|dispute won)/,
    );
    expect(demo.run.stdout).to.include(`slashed aggregator 0x709979… ${formatEther(BOND_WEI)} ETH (aggregate-fraud-proven)`);
    expect(demo.run.stdout).to.include("MALICIOUS AGGREGATOR (consistent): 2 of 2 rounds failed verification");
    expect(readFileSync(join(demo.outDir, "report.md"), "utf8")).to.match(
      /\| 1 \| fraud-proven \| \d+ \| – \/ 4 \| `0x[0-9a-fA-F]{8}…` (upheld at coordinate 0 \(gas \d+\)|dispute, upheld at coordinate 0 \(gas \d+\)|dispute won \(\w+\))[^|]* \| 0\.0 \| \*\*1\.0\*\* aggregator/,
    );
  });
});

// One round: the second round's restart from the last verified model is the same code as the consistent demo's.
describe("fedmash demo with an inconsistent malicious aggregator (mash, 4 clients, 1 round)", function () {
  this.timeout(600_000);
  const demo = maliciousAggregatorDemo("verification-inconsistent", 1, ["--malicious-aggregator", "inconsistent"]);

  it("fails the round as AggregateFraudProven through a dispute, slashing the whole bond", function () {
    expect(demo.report.rounds.map((r) => [r.phase, r.failureReason])).to.deep.equal([["Failed", "AggregateFraudProven"]]);
    for (const round of demo.report.rounds) {
      expect(round.verification).to.deep.include({ status: "fraud-proven", included: CLIENTS });
      expect(round.slashed).to.equal(BOND_WEI.toString());
      expect(round.slashedParties).to.deep.equal([{ address: AGGREGATOR, role: "aggregator", reason: "aggregate-fraud-proven", wei: BOND_WEI.toString() }]);
      const upheld = round.challenges.filter((c) => c.upheld);
      expect(upheld).to.have.length(1);
      // The watcher that won had to dispute: the payload never opened the commitment.
      expect(upheld[0]).to.deep.include({ kind: "dispute", end: "ChallengeUpheld", coordinate: 0 });
      // The slash to the challenger and the clients, the challenge bond back, and every dispute bond back.
      const claimed = round.claims.reduce((total, claim) => total + BigInt(claim.wei), 0n);
      expect(claimed >= BOND_WEI + 2n * CHALLENGE_BOND_WEI, `claimed ${claimed}`).to.equal(true);
    }
  });

  it("has the clients dispute the aggregate and the aggregator answer from the tampered tree it committed", function () {
    const clientLogs = Array.from({ length: CLIENTS }, (_, index) => readFileSync(join(demo.outDir, "logs", `client-${index}.jsonl`), "utf8")).join("\n");
    expect(clientLogs).to.include('"msg":"aggregate dispute opened: the aggregator must open its committed sum node by node"');
    expect(clientLogs).to.include('"msg":"dispute won: the revealed leaf proves the fraud"');
    const aggregatorLog = readFileSync(join(demo.outDir, "logs", "aggregator.jsonl"), "utf8");
    expect(aggregatorLog).to.include('"msg":"dispute answered: leaf revealed"');
  });

  it("exits 0 and says that the aggregator was malicious and slashed", function () {
    expect(demo.run.code, demo.run.stderr).to.equal(0);
    expect(demo.run.stdout).to.include("round 1 failed: AggregateFraudProven · verification fraud-proven (4 included, dispute won: challenge upheld at coordinate 0 (gas ");
    expect(demo.run.stdout).to.include(`slashed aggregator 0x709979… ${formatEther(BOND_WEI)} ETH (aggregate-fraud-proven)`);
    expect(demo.run.stdout).to.include("MALICIOUS AGGREGATOR (inconsistent): 1 of 1 rounds failed verification");
  });
});
