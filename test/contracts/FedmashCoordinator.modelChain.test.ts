// Issue 15, M1: the chain of models of a secure task. In Mash and Shamir, openRound takes only the task's current model
// (the initial model, or the new model of the last round whose verification passed), so a model that no verification
// passed (a failed round's, or any CID the owner picks) can never become a secure round's input, and laundering it
// through one round of Sybils is impossible. Plain tasks keep taking any CID, and a task's mode never changes, so a
// Plain detour leads nowhere: a Plain task's models never reach a secure task's rounds.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveMashRound } from "../helpers/driveMashRound";
import { encryptionKey } from "../helpers/encryptionKey";
import { MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import { taskConfig } from "../helpers/taskConfig";
import { Outcome } from "../helpers/verifierEnums";

const MASH_TASK = 1n;
const PLAIN_TASK = 2n;
const SHAMIR_TASK = 3n;
const INITIAL_MODEL_CID = "bafkreiinitialmodel";
const POISONED_MODEL_CID = "bafkreipoisonedmodel";
const BOND = 10n ** 15n;

describe("FedmashCoordinator: the model chain of secure tasks (M1)", function () {
  async function tasksFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper, stranger] = signers;
    const clients = signers.slice(4, 8);
    const servers = signers.slice(10, 13);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`s${index}`).compressed);
    await coordinator.connect(owner).createTask(taskConfig({ mode: Mode.Mash, aggregator: aggregator.address }), INITIAL_MODEL_CID);
    await coordinator.connect(owner).createTask(taskConfig({ mode: Mode.Plain, aggregator: aggregator.address }), INITIAL_MODEL_CID);
    await coordinator.connect(owner).createShamirTask(
      {
        ...taskConfig({ mode: Mode.Plain, aggregator: aggregator.address }),
        mode: Mode.Shamir,
        minClients: 3,
        maxClients: 4,
        quantizationScale: 10_000,
        clipMillionths: 1_000_000,
        maskGroup: MaskGroup.Rlwr2048,
      },
      INITIAL_MODEL_CID,
      servers.map((server) => server.address),
      2,
    );
    for (const taskId of [MASH_TASK, SHAMIR_TASK]) {
      await verifier.connect(owner).setTerms(taskId, { aggregatorBond: BOND, clientReward: 1n, aggregatorReward: 1n, challengeDuration: 60n });
      await verifier.connect(owner).fundTask(taskId, { value: 10n ** 17n });
      // The aggregator opts in to the task with the largest bond it accepts, where the verifier asks for it.
      if (verifier.interface.getFunction("acceptTask")) await verifier.connect(aggregator).getFunction("acceptTask")(taskId, BOND);
      await verifier.connect(aggregator).depositBond(taskId, { value: BOND });
    }
    return { coordinator, verifier, owner, aggregator, keeper, stranger, clients };
  }

  type Fixture = Awaited<ReturnType<typeof tasksFixture>>;

  function drive(fixture: Fixture, behaviour: Parameters<typeof driveMashRound>[0]["behaviour"], updateSeed = 0) {
    const { coordinator, verifier, owner, aggregator, keeper, clients } = fixture;
    return driveMashRound({ coordinator, verifier, taskId: MASH_TASK, owner, aggregator, keeper, clients, behaviour, updateSeed });
  }

  it("refuses to open a Mash or Shamir round on any model but the task's current one", async function () {
    const { coordinator, owner } = await loadFixture(tasksFixture);
    for (const taskId of [MASH_TASK, SHAMIR_TASK]) {
      await expect(coordinator.connect(owner).openRound(taskId, POISONED_MODEL_CID))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorModelNotCurrent")
        .withArgs(taskId, POISONED_MODEL_CID, INITIAL_MODEL_CID);
      await expect(coordinator.connect(owner).openRound(taskId, INITIAL_MODEL_CID)).to.emit(coordinator, "RoundOpened");
    }
  });

  it("refuses anyone but the owner whatever the model, and an empty CID as before", async function () {
    const { coordinator, owner, stranger } = await loadFixture(tasksFixture);
    for (const cid of [INITIAL_MODEL_CID, POISONED_MODEL_CID]) {
      await expect(coordinator.connect(stranger).openRound(MASH_TASK, cid))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorNotTaskOwner")
        .withArgs(MASH_TASK, stranger.address);
    }
    await expect(coordinator.connect(owner).openRound(MASH_TASK, "")).to.be.revertedWithCustomError(coordinator, "CoordinatorEmptyCid");
  });

  it("never lets a round whose verification did not pass hand its model to the next round", async function () {
    const fixture = await loadFixture(tasksFixture);
    const { coordinator, owner } = fixture;
    // The aggregator posts a wrong sum and a new model; a challenge proves the fraud and the round fails.
    const failed = await drive(fixture, { aggregateSum: "tampered", challenges: [0] });
    expect(failed.outcome).to.equal(Outcome.FraudProven);
    const failedRound = await coordinator.round(failed.roundId);
    expect(failedRound.phase).to.equal(Phase.Failed);
    expect(failedRound.newModelCid).to.not.equal("");
    expect((await coordinator.task(MASH_TASK)).currentModelCid).to.equal(INITIAL_MODEL_CID);
    await expect(coordinator.connect(owner).openRound(MASH_TASK, failedRound.newModelCid))
      .to.be.revertedWithCustomError(coordinator, "CoordinatorModelNotCurrent")
      .withArgs(MASH_TASK, failedRound.newModelCid, INITIAL_MODEL_CID);
    await expect(coordinator.connect(owner).openRound(MASH_TASK, INITIAL_MODEL_CID)).to.emit(coordinator, "RoundOpened");
  });

  it("moves on to a passed round's model, and may go back to an earlier model of the verified chain", async function () {
    const fixture = await loadFixture(tasksFixture);
    const { coordinator, owner } = fixture;
    const passed = await drive(fixture, {});
    expect(passed.outcome).to.equal(Outcome.Passed);
    const verifiedModel = (await coordinator.round(passed.roundId)).newModelCid;
    expect((await coordinator.task(MASH_TASK)).currentModelCid).to.equal(verifiedModel);
    // A model outside the chain is still refused, naming the current one.
    await expect(coordinator.connect(owner).openRound(MASH_TASK, POISONED_MODEL_CID))
      .to.be.revertedWithCustomError(coordinator, "CoordinatorModelNotCurrent")
      .withArgs(MASH_TASK, POISONED_MODEL_CID, verifiedModel);
    // The driver opens the next round on the task's current model, as every caller does.
    const next = await drive(fixture, {}, 1);
    expect((await coordinator.round(next.roundId)).modelCid).to.equal(verifiedModel);
    // The model it replaced is in the verified chain too: clients that refused the latest model can go on from it.
    await expect(coordinator.connect(owner).openRound(MASH_TASK, INITIAL_MODEL_CID)).to.emit(coordinator, "RoundOpened");
  });

  it("leaves no Plain detour: a Plain task takes any model, but its models never reach a secure task", async function () {
    const { coordinator, owner } = await loadFixture(tasksFixture);
    // Plain rounds are unverified and take any model, as before.
    await expect(coordinator.connect(owner).openRound(PLAIN_TASK, POISONED_MODEL_CID)).to.emit(coordinator, "RoundOpened");
    // A Plain round's models stay in its own task; the secure task's mode is fixed and its current model untouched.
    expect((await coordinator.task(MASH_TASK)).config.mode).to.equal(Mode.Mash);
    expect((await coordinator.task(MASH_TASK)).currentModelCid).to.equal(INITIAL_MODEL_CID);
    await expect(coordinator.connect(owner).openRound(MASH_TASK, POISONED_MODEL_CID))
      .to.be.revertedWithCustomError(coordinator, "CoordinatorModelNotCurrent")
      .withArgs(MASH_TASK, POISONED_MODEL_CID, INITIAL_MODEL_CID);
    // No function changes a task's mode, model or aggregator after createTask: the coordinator's only writes are the
    // round steps and task creation.
    const writes = coordinator.interface.fragments
      .filter((fragment) => fragment.type === "function")
      .map((fragment) => fragment as unknown as { name: string; stateMutability: string })
      .filter((fragment) => fragment.stateMutability !== "view" && fragment.stateMutability !== "pure")
      .map((fragment) => fragment.name);
    expect(writes.filter((name) => /mode|task|model/i.test(name)).sort()).to.deep.equal(["createShamirTask", "createTask"]);
  });
});
