// findDeploymentBlock reads the first block of a deployment from Ignition's journal, so the status sweep starts
// there; journals cut short by an interrupted deploy and missing folders fall back to "unknown".
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findDeploymentBlock } from "../../../workers/status/findDeploymentBlock";

function confirm(futureId: string, blockNumber: number): string {
  return JSON.stringify({ futureId, hash: "0x01", networkInteractionId: 1, receipt: { blockNumber, logs: [], status: "SUCCESS" }, type: "TRANSACTION_CONFIRM" });
}

describe("findDeploymentBlock", function () {
  let root: string;
  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), "fedmash-journal-"));
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  function journal(deploymentId: string, lines: string[]): void {
    const directory = join(root, "ignition", "deployments", deploymentId);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, "journal.jsonl"), lines.join("\n"));
  }

  it("returns the registry's block, the first of the deployment", function () {
    journal("chain-11155111", [
      JSON.stringify({ chainId: 11155111, type: "DEPLOYMENT_INITIALIZE" }),
      confirm("FedmashModule#FedmashRegistry", 7_001_234),
      confirm("FedmashModule#FedmashCoordinator", 7_001_236),
    ]);
    expect(findDeploymentBlock({ chainId: 11155111n, projectRoot: root })).to.equal(7_001_234);
  });

  it("uses the coordinator's block when the registry's confirmation line is cut short", function () {
    journal("mine", [confirm("FedmashModule#FedmashCoordinator", 42), confirm("FedmashModule#FedmashRegistry", 40).slice(0, 50)]);
    expect(findDeploymentBlock({ chainId: 1n, deploymentId: "mine", projectRoot: root })).to.equal(42);
  });

  it("returns undefined without a journal", function () {
    expect(findDeploymentBlock({ chainId: 5n, projectRoot: root })).to.equal(undefined);
  });
});
