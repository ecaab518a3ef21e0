// The product's main job, as a user runs it: `fedmash demo` with its default model and training settings —
// a real Hardhat node, an Ignition deployment, the aggregator and every client as their own OS processes —
// plus one client that posts a truncated update, which must be excluded by name while the rounds go on.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runDemo, DEMO_DEFAULTS, type DemoReport } from "../../workers/roles/runDemo";
import { createEmbeddedStore } from "../../workers/storage/createEmbeddedStore";
import { decodePayload } from "../../workers/storage/decodePayload";
import { PayloadKind } from "../../workers/storage/payloadFormat";
import { hardhatTestWallet } from "../../workers/chain/connectChain";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";

describe("fedmash demo (plain mode, 4 client processes, 3 rounds)", function () {
  this.timeout(600_000);
  let workspace: IntegrationWorkspace | undefined;
  let outDir: string;
  let report: DemoReport;

  before(async function () {
    workspace = integrationWorkspace("demo");
    outDir = workspace.dir;
    report = await runDemo({ ...DEMO_DEFAULTS, mode: "plain", clients: 4, rounds: 3, ...workspace.demoOptions, faultyClient: "truncated-update" });
  });

  after(function () {
    workspace?.remove();
  });

  it("finalizes every round with test accuracy rising to at least 0.90 after round 3", function () {
    expect(report.rounds.map((r) => r.phase)).to.deep.equal(["Finalized", "Finalized", "Finalized"]);
    const accuracies = report.rounds.map((r) => r.accuracy as number);
    expect(accuracies[1]).to.be.greaterThan(accuracies[0]);
    expect(accuracies[2]).to.be.greaterThan(accuracies[0]);
    expect(accuracies[2]).to.be.at.least(0.9);
  });

  it("includes the four honest clients and excludes the faulty one with PayloadTruncatedError", function () {
    const honest = [2, 3, 4, 5].map((i) => hardhatTestWallet(i).address).sort();
    const faulty = hardhatTestWallet(6).address;
    for (const round of report.rounds) {
      expect([...round.included].sort()).to.deep.equal(honest);
      expect(round.excluded).to.deep.equal([{ client: faulty, reason: "PayloadTruncatedError" }]);
    }
  });

  it("writes report.json with the documented fields and report.md", function () {
    const written = JSON.parse(readFileSync(join(outDir, "report.json"), "utf8")) as DemoReport;
    expect(written).to.include({ mode: "plain", model: "mlp", clients: 4, chainId: 31337 });
    expect(Object.keys(written.contracts)).to.have.members(["FedmashRegistry", "FedmashCoordinator", "FedmashVerifier"]);
    for (const round of written.rounds) {
      expect(round).to.have.all.keys(
        "round", "roundId", "phase", "accuracy", "loss", "trainLoss", "modelCid", "aggregateCid", "included", "excluded", "joined", "submitted", "durationMs",
        "verification", "slashed", "paid", "claims", "slashedParties", "challenges",
      );
      // Plain rounds are not verified and move no money.
      expect(round.verification.status).to.equal("none");
      expect([round.slashed, round.paid, round.claims, round.slashedParties, round.challenges]).to.deep.equal(["0", "0", [], [], []]);
    }
    expect(readFileSync(join(outDir, "report.md"), "utf8")).to.contain("| 3 | Finalized |");
  });

  it("stores every CID of the report in the embedded store as a decodable payload", async function () {
    expect(existsSync(report.storeDir)).to.equal(true);
    const store = await createEmbeddedStore({ directory: report.storeDir });
    try {
      for (const round of report.rounds) {
        const model = decodePayload(await store.get(round.modelCid), { kind: PayloadKind.Model, totalElements: 101_770 });
        expect(model.metadata.round).to.equal(round.round);
        const aggregate = decodePayload(await store.get(round.aggregateCid as string), { kind: PayloadKind.Aggregate, totalElements: 101_770 });
        expect(aggregate.metadata.included).to.have.length(4);
      }
    } finally {
      await store.close();
    }
  });
});
