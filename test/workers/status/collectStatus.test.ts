// collectStatus against the real contracts on the in-process Hardhat network: a Mash round driven to the claims
// and a Plain round left in Joining read back as one snapshot, with the facts a person following them checks
// (phase, who joined and submitted, groups, verification outcome and gas, payouts), and the named errors for
// ids the deployment does not have.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFedmash } from "../../helpers/deployFedmash";
import { encryptionKey } from "../../helpers/encryptionKey";
import { driveMashRound } from "../../helpers/driveMashRound";
import { Mode, Role } from "../../helpers/enums";
import { taskConfig } from "../../helpers/taskConfig";
import { collectStatus } from "../../../workers/status/collectStatus";
import { StatusNoContractError, StatusUnknownRoundError, StatusUnknownTaskError } from "../../../workers/status/errors";

const CLIENT_REWARD = 1_000n;
const AGGREGATOR_REWARD = 5_000n;
const BOND = 10_000n;

describe("collectStatus", function () {
  async function twoTasksFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper] = signers;
    const clients = signers.slice(3, 8);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    await registry.connect(clients[4]).deactivate();
    const config = taskConfig({ mode: Mode.Mash, aggregator: aggregator.address });
    await coordinator.connect(owner).createTask(config, "bafkreiinitial");
    await verifier.connect(owner).setTerms(1n, { aggregatorBond: BOND, clientReward: CLIENT_REWARD, aggregatorReward: AGGREGATOR_REWARD, challengeDuration: 600n });
    await verifier.connect(owner).fundTask(1n, { value: 100_000n });
    await verifier.connect(aggregator).acceptTask(1n, BOND);
    await verifier.connect(aggregator).depositBond(1n, { value: BOND });
    const round = await driveMashRound({ coordinator, verifier, taskId: 1n, owner, aggregator, keeper, clients: clients.slice(0, 4) });
    await coordinator.connect(owner).createTask({ ...config, mode: Mode.Plain, maxClients: 2, minClients: 1 }, "bafkreiplain");
    await coordinator.connect(owner).openRound(2n, "bafkreiplain");
    await coordinator.connect(clients[0]).join(2n);
    const addresses = {
      registry: await registry.getAddress(),
      coordinator: await coordinator.getAddress(),
      verifier: await verifier.getAddress(),
      shamir: await shamir.getAddress(),
    };
    return { addresses, round, clients, aggregator, owner };
  }

  it("reads a finalized Mash round with its groups, verification, gas and claims", async function () {
    const { addresses, round, clients, aggregator } = await loadFixture(twoTasksFixture);
    const snapshot = await collectStatus({ provider: ethers.provider, addresses });
    expect(snapshot.chainId).to.equal("31337");
    expect(snapshot.blockNumber).to.equal(await ethers.provider.getBlockNumber());
    expect(snapshot.participants.aggregators.map((p) => p.address)).to.deep.equal([aggregator.address]);
    expect(snapshot.participants.clients.map((p) => [p.address, p.active])).to.deep.equal(clients.map((c, i) => [c.address, i !== 4]));
    expect(snapshot.tasks.map((task) => [task.taskId, task.mode, task.roundCount])).to.deep.equal([
      ["1", "Mash", 1],
      ["2", "Plain", 1],
    ]);
    const [mashTask] = snapshot.tasks;
    expect(mashTask.funds?.terms).to.deep.equal({ aggregatorBond: "10000", clientReward: "1000", aggregatorReward: "5000" });
    expect(mashTask.initialModelCid).to.equal("bafkreiinitial");
    // Nobody set a policy: the zero value, open admission.
    expect(mashTask.admission).to.deep.equal({ allowlistOnly: false, allowed: 0, clientStake: "0" });
    const mash = mashTask.rounds[0];
    expect(mash.phase).to.equal("Finalized");
    expect(mash.failureReason).to.equal("None");
    expect(mash.deadline).to.equal(0);
    expect(mash.phases.map((p) => p.phase)).to.deep.equal(["Joining", "Grouping", "Shuffle", "Submission", "Completion", "Aggregation", "Verification", "Finalized"]);
    expect(mash.participants).to.deep.equal(clients.slice(0, 4).map((c) => c.address));
    expect(new Set(mash.submissions.map((s) => s.client))).to.deep.equal(new Set(round.included.map((c) => c.address)));
    expect(mash.submissions.every((s) => s.numSamples === 600 && s.cid.startsWith("bafkrei") && s.tx.length === 66)).to.equal(true);
    expect(mash.mash?.holder).to.equal(round.holder?.address);
    expect(mash.mash?.groups.map((g) => [g.members, g.sumPosted, g.complete, g.included])).to.deep.equal(
      round.groups.map((members) => [members.map((m) => m.address), true, true, true]),
    );
    expect(mash.verification?.stage).to.equal("Settled");
    expect(mash.verification?.outcome).to.equal("Passed");
    // A MASH round is verified by its challenge window: no batch sums, no commitments, a settlement after it.
    expect(mash.verification?.commitments).to.deep.equal([]);
    expect(mash.verification?.challengeCount).to.equal(0);
    const gas = mash.verification!.gasUsed;
    expect(Number(gas.settle)).to.be.within(50_000, 300_000);
    expect(BigInt(gas.total!)).to.equal(BigInt(gas.postAggregate!) + BigInt(gas.settle!));
    const paid = 4n * CLIENT_REWARD + AGGREGATOR_REWARD;
    expect(mash.payouts.owed).to.equal(paid.toString());
    expect(mash.payouts.paidTotal).to.equal(paid.toString());
    expect(mash.payouts.unclaimed).to.equal("0");
    expect(mash.payouts.claims.map((c) => [c.account, c.amount])).to.deep.equal(round.claims.map((c) => [c.account, c.amount.toString()]));
    expect(mash.events.map((e) => e.name)).to.include.members(["RoundOpened", "GroupsDrawArmed", "GroupsFormed", "VerificationSettled", "RewardClaimed"]);
  });

  it("reads a Plain round still in Joining and only the asked round", async function () {
    const { addresses, clients } = await loadFixture(twoTasksFixture);
    const snapshot = await collectStatus({ provider: ethers.provider, addresses, roundId: 2n });
    expect(snapshot.tasks.map((task) => task.taskId)).to.deep.equal(["2"]);
    const [plain] = snapshot.tasks[0].rounds;
    expect([plain.roundId, plain.phase, plain.mode]).to.deep.equal(["2", "Joining", "Plain"]);
    expect(plain.participants).to.deep.equal([clients[0].address]);
    expect(plain.deadline).to.equal(plain.openedAt + 600);
    expect(plain.deadlinePassed).to.equal(false);
    expect(plain.verification).to.equal(undefined);
    expect(snapshot.tasks[0].funds).to.equal(undefined);
  });

  describe("should throw", function () {
    it("StatusUnknownRoundError for a round id past the last", async function () {
      const { addresses } = await loadFixture(twoTasksFixture);
      const error = await collectStatus({ provider: ethers.provider, addresses, roundId: 9n }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StatusUnknownRoundError);
      expect((error as StatusUnknownRoundError).shortMessage).to.equal("Round 9 does not exist.");
      expect((error as StatusUnknownRoundError).details).to.equal("Round ids run from 1 to 2.");
    });

    it("StatusUnknownTaskError for task 0", async function () {
      const { addresses } = await loadFixture(twoTasksFixture);
      const error = await collectStatus({ provider: ethers.provider, addresses, taskId: 0n }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StatusUnknownTaskError);
    });

    it("StatusNoContractError when the coordinator address has no code", async function () {
      const { addresses } = await loadFixture(twoTasksFixture);
      const stranger = ethers.Wallet.createRandom().address;
      const error = await collectStatus({ provider: ethers.provider, addresses: { ...addresses, coordinator: stranger } }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StatusNoContractError);
      expect((error as StatusNoContractError).shortMessage).to.equal(`No FedmashCoordinator at ${stranger} on chain 31337.`);
    });
  });
});
