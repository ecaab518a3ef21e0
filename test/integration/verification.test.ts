// `fedmash demo --clients 4 --rounds 2 --malicious-aggregator`: the aggregator publishes a tampered aggregate with
// batch sums T that match it, so the clients' own check passes and the contract's one-ecMul check must catch it.
// Every round must fail as VerificationFailed with the aggregator's bond slashed, the clients must refuse the
// tampered models, the next round must start again from the initial model, and the demo must still exit 0 while
// saying plainly what happened.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatEther } from "ethers";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";
import { runCli, type CliResult } from "../helpers/runCli";
import type { DemoReport } from "../../workers/roles/runDemo";

const CLIENTS = 4;
const BOND_WEI = 10n ** 18n;

describe("fedmash demo with a malicious aggregator (mash, 4 clients, 2 rounds)", function () {
  this.timeout(600_000);
  let workspace: IntegrationWorkspace | undefined;
  let outDir: string;
  let run: CliResult;
  let report: DemoReport;

  before(async function () {
    workspace = integrationWorkspace("verification");
    outDir = workspace.dir;
    const { deploymentId } = workspace;
    // The flag last and without a value: it means "consistent".
    run = await runCli(["demo", "--clients", String(CLIENTS), "--rounds", "2", "--paillier-bits", "1024", "--out", outDir, "--deployment-id", deploymentId, "--malicious-aggregator"]);
    report = JSON.parse(readFileSync(join(outDir, "report.json"), "utf8")) as DemoReport;
  });

  after(function () {
    workspace?.remove();
  });

  it("fails every round as VerificationFailed and slashes the whole bond each time", function () {
    expect(report.rounds.map((r) => [r.phase, r.failureReason])).to.deep.equal([
      ["Failed", "VerificationFailed"],
      ["Failed", "VerificationFailed"],
    ]);
    for (const round of report.rounds) {
      expect(round.verification).to.deep.include({ status: "failed", samples: 64, batches: 2, committed: CLIENTS, included: CLIENTS, disputes: 0 });
      expect(round.slashed).to.equal(BOND_WEI.toString());
      expect(round.paid).to.equal("0");
      expect(round.claims).to.deep.equal([]);
      expect(round.verification.gasUsed).to.be.a("number").and.to.be.below(300_000);
    }
  });

  it("never trains on a failed round's model: round 2 starts again from the initial model", function () {
    expect(report.rounds[1].modelCid).to.equal(report.rounds[0].modelCid);
  });

  it("has every client log the refusal of the tampered models by name", function () {
    for (let index = 0; index < CLIENTS; index++) {
      const refusals = readFileSync(join(outDir, "logs", `client-${index}.jsonl`), "utf8")
        .split("\n")
        .filter((line) => line.includes('"ModelRefusedError"'))
        .map((line) => JSON.parse(line) as { round: string; outcome: string; error: { message: string } });
      expect(refusals.map((r) => [r.round, r.outcome]), `client ${index}`).to.deep.equal([
        ["1", "Failed"],
        ["2", "Failed"],
      ]);
      expect(refusals[0].error.message).to.include("(verification-not-passed)");
    }
  });

  it("exits 0 and says that the aggregator was malicious and slashed", function () {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`round 1 failed: VerificationFailed · verification failed, aggregator slashed ${formatEther(BOND_WEI)} ETH`);
    expect(run.stdout).to.include("MALICIOUS AGGREGATOR (consistent): 2 of 2 rounds failed verification");
    expect(readFileSync(join(outDir, "report.md"), "utf8")).to.match(/\| 1 \| failed \| \d+ \| 64 × 2 \| 4 \/ 4 \| 0 \| 0\.0 \| \*\*1\.0\*\* \| 0 \|/);
  });
});
