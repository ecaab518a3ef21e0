// `fedmash demo --clients 4 --rounds 2 --malicious-aggregator inconsistent`: the aggregator commits the Merkle root of
// a tampered sum (+1 on a few hundred coordinates, the first at coordinate 0) and publishes the untampered payload,
// which does not open that commitment. Before the aggregate dispute game nobody could prove it (a fraud proof needs
// the committed leaf), so every round passed on-chain. Now the clients' watch finds the root is not the true sum's,
// finds the payload does not open it, and disputes: the aggregator can only open the tampered tree it committed, the
// dispute reaches leaf 0, and its challenge proves the fraud. Every round must fail as AggregateFraudProven with the
// aggregator's bond slashed, the next round must start again from the initial model, and the demo must exit 0.
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

describe("fedmash demo with an inconsistent malicious aggregator (mash, 4 clients, 2 rounds)", function () {
  this.timeout(600_000);
  let workspace: IntegrationWorkspace | undefined;
  let outDir: string;
  let run: CliResult;
  let report: DemoReport;

  before(async function () {
    workspace = integrationWorkspace("verification-inconsistent");
    outDir = workspace.dir;
    const { deploymentId } = workspace;
    run = await runCli(["demo", "--clients", String(CLIENTS), "--rounds", "2", "--paillier-bits", "1024", "--out", outDir, "--deployment-id", deploymentId, "--malicious-aggregator", "inconsistent"]);
    report = JSON.parse(readFileSync(join(outDir, "report.json"), "utf8")) as DemoReport;
  });

  after(function () {
    workspace?.remove();
  });

  it("fails every round as AggregateFraudProven through a dispute, slashing the whole bond each time", function () {
    expect(report.rounds.map((r) => [r.phase, r.failureReason])).to.deep.equal([
      ["Failed", "AggregateFraudProven"],
      ["Failed", "AggregateFraudProven"],
    ]);
    for (const round of report.rounds) {
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

  it("never trains on a failed round's model: round 2 starts again from the initial model", function () {
    expect(report.rounds[1].modelCid).to.equal(report.rounds[0].modelCid);
  });

  it("has the clients dispute the aggregate and the aggregator answer from the tampered tree it committed", function () {
    const clientLogs = Array.from({ length: CLIENTS }, (_, index) => readFileSync(join(outDir, "logs", `client-${index}.jsonl`), "utf8")).join("\n");
    expect(clientLogs).to.include('"msg":"aggregate dispute opened: the aggregator must open its committed sum node by node"');
    expect(clientLogs).to.include('"msg":"dispute won: the revealed leaf proves the fraud"');
    const aggregatorLog = readFileSync(join(outDir, "logs", "aggregator.jsonl"), "utf8");
    expect(aggregatorLog).to.include('"msg":"dispute answered: leaf revealed"');
  });

  it("exits 0 and says that the aggregator was malicious and slashed", function () {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("round 1 failed: AggregateFraudProven · verification fraud-proven (4 included, dispute won: challenge upheld at coordinate 0 (gas ");
    expect(run.stdout).to.include(`slashed aggregator 0x709979… ${formatEther(BOND_WEI)} ETH (aggregate-fraud-proven)`);
    expect(run.stdout).to.include("MALICIOUS AGGREGATOR (inconsistent): 2 of 2 rounds failed verification");
  });
});
