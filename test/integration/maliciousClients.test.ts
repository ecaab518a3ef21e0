// The demo's adversary rows among the clients (issue 15, section 4: "Every row is an integration test"), one round
// each on rlwr-2048 with 4 clients, client 0 (Hardhat account 2) the adversary:
// - `--malicious-client false-challenge`: client 0 challenges the honest aggregate. The challenge is rejected (its
//   0.01 ETH bond burned, the only loss of the round), the round finalizes, the aggregator keeps its bond and every
//   honest client is paid.
// - `--malicious-client oversized-payload`: client 0 submits twice the task's masked size. The holder (or, when the
//   adversary is the holder, the aggregator) refuses it unread, so the round fails at a deadline with nobody slashed,
//   nobody paid and nobody challenged, and the refusing worker's log names the client by its error class. With a
//   malicious client the demo shortens the completion and aggregation deadlines to 25 s, so this run does not wait
//   out the usual two minutes.
import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseEther } from "ethers";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";
import { runCli, type CliResult } from "../helpers/runCli";
import type { DemoReport } from "../../workers/roles/runDemo";

const CLIENTS = 4;
const CHALLENGE_BOND_WEI = 10n ** 16n;
/** Hardhat test account 1, the demo's aggregator. */
const AGGREGATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/** Hardhat test account 2, the demo's client 0: the adversary. */
const MALICIOUS = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
/** Hardhat test accounts 3-5, the honest clients 1-3. */
const HONEST = ["0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"];

interface Demo {
  workspace: IntegrationWorkspace;
  run: CliResult;
  report: DemoReport;
}

async function runDemoWith(mode: "false-challenge" | "oversized-payload"): Promise<Demo> {
  const workspace = integrationWorkspace(`malicious-${mode}`);
  const run = await runCli([
    "demo", "--clients", String(CLIENTS), "--rounds", "1", "--paillier-bits", "1024",
    "--out", workspace.dir, "--deployment-id", workspace.deploymentId, "--malicious-client", mode,
  ]);
  let report: DemoReport;
  try {
    report = JSON.parse(readFileSync(join(workspace.dir, "report.json"), "utf8")) as DemoReport;
  } catch (error) {
    workspace.remove();
    throw new Error(`the demo wrote no report (exit ${run.code}): ${run.stderr.slice(-2000)}`, { cause: error });
  }
  return { workspace, run, report };
}

/** Every JSON line of every worker's log in the demo's out folder. */
function logLines(dir: string): Record<string, unknown>[] {
  const logs = join(dir, "logs");
  return readdirSync(logs)
    .filter((file) => file.endsWith(".jsonl"))
    .flatMap((file) => readFileSync(join(logs, file), "utf8").split("\n"))
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("fedmash demo with a malicious client (mash, 4 clients, 1 round each)", function () {
  this.timeout(600_000);

  describe("--malicious-client false-challenge", function () {
    let demo: Demo | undefined;

    before(async function () {
      demo = await runDemoWith("false-challenge");
    });

    after(function () {
      demo?.workspace.remove();
    });

    it("finalizes the round: the challenge of the honest aggregate is rejected, with its gas", function () {
      const round = demo!.report.rounds[0]!;
      expect(demo!.report.rounds).to.have.length(1);
      expect([round.phase, round.failureReason]).to.deep.equal(["Finalized", undefined]);
      expect(round.verification.status).to.equal("passed");
      expect(round.challenges).to.have.length(1);
      expect(round.challenges[0]).to.deep.include({ challenger: MALICIOUS, upheld: false });
      expect(round.challenges[0]!.gasUsed).to.be.a("number").and.to.be.above(0);
    });

    it("slashes only the false challenger's 0.01 ETH bond (challenge-rejected); the aggregator's bond is untouched", function () {
      const round = demo!.report.rounds[0]!;
      expect(round.slashedParties).to.deep.equal([{ address: MALICIOUS, role: "challenger", reason: "challenge-rejected", wei: CHALLENGE_BOND_WEI.toString() }]);
      expect(round.slashed).to.equal("0");
    });

    it("pays every honest client its reward (and the aggregator its own)", function () {
      const round = demo!.report.rounds[0]!;
      const clientReward = parseEther(String(demo!.report.settings.clientRewardEth)).toString();
      const aggregatorReward = parseEther(String(demo!.report.settings.aggregatorRewardEth)).toString();
      expect(round.included).to.include.members(HONEST);
      for (const client of HONEST) expect(round.claims, client).to.deep.include({ account: client, wei: clientReward });
      expect(round.claims).to.deep.include({ account: AGGREGATOR, wei: aggregatorReward });
    });

    it("exits 0 and says that a challenge bond was burned and the aggregator not slashed", function () {
      expect(demo!.run.code, demo!.run.stderr).to.equal(0);
      expect(demo!.run.stdout).to.include("MALICIOUS CLIENT (false-challenge): round 1 finalized; challenge bonds burned: 1; aggregator slashed in 0 round(s)");
    });
  });

  describe("--malicious-client oversized-payload", function () {
    let demo: Demo | undefined;

    before(async function () {
      demo = await runDemoWith("oversized-payload");
    });

    after(function () {
      demo?.workspace.remove();
    });

    it("fails the round at a deadline with nobody slashed, paid or challenged", function () {
      const round = demo!.report.rounds[0]!;
      expect(demo!.report.rounds).to.have.length(1);
      expect(round.phase).to.equal("Failed");
      // The holder refuses a member's payload (HolderMissing); the aggregator refuses the holder's (AggregatorMissing).
      expect(round.failureReason).to.be.oneOf(["HolderMissing", "AggregatorMissing"]);
      expect(round.slashedParties).to.deep.equal([]);
      expect(round.slashed).to.equal("0");
      expect(round.challenges).to.deep.equal([]);
      expect(round.paid).to.equal("0");
      expect(round.claims).to.deep.equal([]);
    });

    it("has the refusing worker's log name the oversized client by its error class", function () {
      const named = logLines(demo!.workspace.dir).filter((line) => line.level === "error" && line.client === MALICIOUS && line.reason === "IpfsPayloadTooLargeError");
      expect(named, "a log line naming the oversized client").to.not.be.empty;
    });

    it("ends within a minute of the round's start (the demo's short deadlines with a malicious client) and exits 0", function () {
      expect(demo!.report.rounds[0]!.durationMs).to.be.below(60_000);
      expect(demo!.run.code, demo!.run.stderr).to.equal(0);
      expect(demo!.run.stdout).to.match(/MALICIOUS CLIENT \(oversized-payload\): round 1 failed (HolderMissing|AggregatorMissing); challenge bonds burned: 0; aggregator slashed in 0 round\(s\)/);
    });
  });
});
