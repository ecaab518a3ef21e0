// shapeStatusSnapshot without a chain: literal events and views (statusFixture) in, the snapshot a page or a
// terminal shows out — rounds under their tasks in id order, each step with its transaction, groups, share-sums,
// verification gas and payouts, all JSON-safe with checksummed addresses.
import { expect } from "chai";
import { getAddress } from "ethers";
import { shapeStatusSnapshot } from "../../../workers/status/shapeStatusSnapshot";
import { AGGREGATOR, CLIENT, NOW, OWNER, SERVER, statusFixture, tx } from "./statusFixture";

const C = (i: number): string => getAddress(CLIENT(i));

function hasBigint(value: unknown): boolean {
  if (typeof value === "bigint") return true;
  if (value && typeof value === "object") return Object.values(value).some(hasBigint);
  return false;
}

describe("shapeStatusSnapshot", function () {
  const snapshot = shapeStatusSnapshot(statusFixture());
  const [mashTask, shamirTask] = snapshot.tasks;
  const [round1, round2] = mashTask.rounds;
  const round3 = shamirTask.rounds[0];

  it("puts the block, chain and contracts in the header, checksummed and as strings", function () {
    expect(snapshot).to.include({ version: 1, chainId: "11155111", blockNumber: 50, blockTimestamp: NOW, fromBlock: 9 });
    expect(snapshot.generatedAt).to.equal(new Date(NOW * 1000 + 1234).toISOString());
    expect(snapshot.contracts.coordinator).to.equal(getAddress(`0x${"a2".repeat(20)}`));
    expect(hasBigint(snapshot)).to.equal(false);
    expect(() => JSON.stringify(snapshot)).to.not.throw();
  });

  it("lists participants by role, with the deactivated one inactive", function () {
    expect(snapshot.participants.aggregators.map((p) => p.address)).to.deep.equal([getAddress(AGGREGATOR)]);
    expect(snapshot.participants.clients.map((p) => [p.address, p.active])).to.deep.equal([1, 2, 3, 4, 5, 6, 7].map((i) => [C(i), i !== 5]));
    expect(snapshot.participants.servers.map((p) => p.registered)).to.deep.equal([
      { tx: tx(61), block: 9 },
      { tx: tx(62), block: 9 },
    ]);
  });

  it("orders tasks and rounds by id whatever order the views came in", function () {
    expect(snapshot.tasks.map((t) => [t.taskId, t.mode, t.rounds.map((r) => r.roundId)])).to.deep.equal([
      ["1", "Mash", ["1", "2"]],
      ["2", "Shamir", ["3"]],
    ]);
    expect(mashTask.owner).to.equal(getAddress(OWNER));
    expect(mashTask.created).to.deep.equal({ tx: tx(100), block: 10 });
    expect(mashTask.initialModelCid).to.equal("bafkreiinitialmodelcidoftaskone");
    expect(mashTask.funds).to.deep.equal({ terms: { aggregatorBond: "10000", clientReward: "500", aggregatorReward: "1000" }, pool: "97000", bond: "10000", activeRoundId: "0" });
    expect(shamirTask.events.map((e) => e.name)).to.deep.equal(["TaskCreated", "ServersConfigured"]);
  });

  it("gives a round its events in chain order, each with a one-line summary", function () {
    // The fixture hands the events over reversed; logIndex was assigned in chain order.
    expect(round1.events.map((e) => e.logIndex)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(round1.events[0]).to.deep.equal({
      name: "RoundOpened",
      block: 11,
      tx: tx(101),
      logIndex: 1,
      summary: "round 1 opened (#1 of task 1) on model bafkreii…askone",
    });
    expect(round1.events.find((e) => e.name === "UpdateSubmitted")?.summary).to.equal(
      `${C(2).slice(0, 6)}…${C(2).slice(-4)} submitted bafkreiu…000000 (600 samples, loss 0.2537)`,
    );
    expect(round1.opened).to.deep.equal({ tx: tx(101), block: 11 });
    expect(round1.phases.map((p) => p.phase)).to.deep.equal(["Joining"]);
  });

  it("shapes a finalized Mash round: submissions, groups, aggregate", function () {
    expect(round1).to.include({ phase: "Finalized", failureReason: "None", deadline: 0, deadlinePassed: false, submittedCount: 3 });
    expect(round1.submissions.map((s) => [s.client, s.numSamples, s.loss, s.lossValue, s.tx])).to.deep.equal([
      [C(2), 600, "253700000000000000", 0.2537, tx(106)],
      [C(3), 601, "300000000000000000", 0.3, tx(107)],
      [C(1), 602, "100000000000000000", 0.1, tx(108)],
    ]);
    expect(round1.mash).to.deep.include({ holder: C(1), holderKey: { tx: tx(104), block: 14 }, holderSubmitted: true, includedGroupCount: 1 });
    expect(round1.mash?.groups).to.deep.equal([
      { index: 0, members: [C(2), C(3)], leader: C(3), shuffleStep: 1, sumPosted: true, sumTx: { tx: tx(105), block: 15 }, submittedCount: 2, complete: true, included: true },
      { index: 1, members: [C(4), C(5)], leader: C(5), shuffleStep: 0, sumPosted: false, sumTx: undefined, submittedCount: 0, complete: false, included: false },
    ]);
    expect(round1.aggregate).to.deep.equal({
      aggregator: getAddress(AGGREGATOR),
      cid: "bafkreiaggregateofroundone0000000",
      modelCid: "bafkreinextmodelofroundone0000000",
      hash: tx(9),
      tx: tx(109),
      block: 18,
    });
    expect(round1.shamir).to.equal(undefined);
  });

  it("sums the verification's gas per step from the receipts, hash case aside", function () {
    expect(round1.verification).to.deep.include({ stage: "Settled", outcome: "Passed", includedCount: 3, committedCount: 3, challengeCount: 0 });
    expect(round1.verification?.batchSums).to.deep.equal({ tx: tx(110), block: 19 });
    expect(round1.verification?.settled).to.deep.equal({ tx: tx(114), block: 21 });
    expect(round1.verification?.commitments.map((c) => c.client)).to.deep.equal([C(2), C(3), C(1)]);
    expect(round1.verification?.gasUsed).to.deep.equal({
      postAggregate: "290054",
      postBatchSums: "108240",
      commits: String(140_909 + 83_314 + 84_149),
      settle: "180446",
      total: String(290_054 + 108_240 + 140_909 + 83_314 + 84_149 + 180_446),
    });
  });

  it("leaves out a gas figure whose receipt is missing rather than under-count it", function () {
    const parameters = statusFixture();
    (parameters.gasUsed as Map<string, bigint>).delete(tx(112));
    const gas = shapeStatusSnapshot(parameters).tasks[0].rounds[0].verification?.gasUsed;
    expect(gas?.commits).to.equal(undefined);
    expect(gas?.total).to.equal(String(290_054 + 108_240 + 180_446));
  });

  it("reports payouts: owed at settlement, claims, claimed total, unclaimed from the verifier", function () {
    expect(round1.payouts).to.deep.equal({
      owed: "2500",
      claims: [{ account: C(2), amount: "500", tx: tx(115), block: 22 }],
      paidTotal: "500",
      unclaimed: "2000",
      slashed: "0",
      released: "500",
    });
  });

  it("shapes a failed round with its reason in words", function () {
    expect(round2).to.include({ phase: "Failed", failureReason: "HolderMissing", deadlinePassed: false });
    expect(round2.verification?.outcome).to.equal("Released");
    expect(round2.events.map((e) => e.summary)).to.deep.equal(["round 2 opened (#2 of task 1) on model bafkrein…000000", "failed: HolderMissing"]);
  });

  it("shapes a Shamir round with the task's servers, threshold and the posted share-sums", function () {
    expect(round3.shamir).to.deep.equal({
      servers: [getAddress(SERVER(1)), getAddress(SERVER(2))],
      threshold: 2,
      shareSums: [{ server: getAddress(SERVER(2)), index: 1, cid: "bafkreisharesumofservertwo", contentHash: tx(5), tx: tx(135), block: 45 }],
    });
    expect(round3.mash).to.equal(undefined);
  });

  it("flags a phase whose deadline passed at the snapshot's block but nobody advanced", function () {
    expect(round3).to.include({ phase: "Aggregation", deadline: NOW - 15, deadlinePassed: true });
    const parameters = statusFixture();
    parameters.views.rounds.find((r) => r.roundId === 3n)!.deadline = NOW;
    expect(shapeStatusSnapshot(parameters).tasks[1].rounds[0].deadlinePassed).to.equal(false);
  });
});
