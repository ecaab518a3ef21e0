// Tests of FedmashCoordinator in Plain mode: tasks, the round lifecycle Joining -> Submission -> Aggregation ->
// Finalized, every way a round fails, and every refusal, against contracts deployed through the Ignition module.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { FailureReason, MaskGroup, Mode, Phase, Role, phaseName } from "../helpers/enums";
import { deployFedmash } from "../helpers/deployFedmash";
import { encryptionKey } from "../helpers/encryptionKey";
import { phaseBitmap } from "../helpers/phaseBitmap";
import { advanceAfterDeadline, anyDeadline, deadlineOf, pinNextTimestamp, reachDeadline } from "../helpers/roundClock";
import { eventNames, expectRoundFailed } from "../helpers/roundEvents";

const JOIN_DURATION = 100n;
const SUBMIT_DURATION = 200n;
const AGGREGATE_DURATION = 300n;
const MIN_CLIENTS = 2;
const MAX_CLIENTS = 3;
const MODEL_SIZE = 101_770;
const INITIAL_MODEL_CID = "bafkreiinitialmodel";
const NEXT_MODEL_CID = "bafkreinextmodel";
const AGGREGATE_CID = "bafkreiaggregate";
const AGGREGATE_HASH = ethers.id("aggregate payload");
const NUM_SAMPLES = 600n;
const LOSS = 250_000_000_000_000_000n; // 0.25 in 18-decimal fixed point
const TASK_ID = 1n;
const ONE_YEAR = 365n * 24n * 60n * 60n;

/** The phases a Plain round can be observed in after it opened. */
const PLAIN_PHASES = [Phase.Joining, Phase.Submission, Phase.Aggregation, Phase.Finalized, Phase.Failed] as const;
type PlainPhase = (typeof PLAIN_PHASES)[number];

function updateCid(client: HardhatEthersSigner): string {
  return `bafkreiupdate${client.address.slice(2, 10).toLowerCase()}`;
}

describe("FedmashCoordinator", function () {
  async function deployCoordinatorFixture() {
    const [owner, aggregator, client0, client1, client2, client3, stranger] = await ethers.getSigners();
    const { registry, coordinator } = await deployFedmash();

    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    const clients = [client0, client1, client2, client3];
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }

    const config: IFedmashCoordinator.TaskConfigStruct = {
      mode: Mode.Plain,
      aggregator: aggregator.address,
      modelSize: MODEL_SIZE,
      minClients: MIN_CLIENTS,
      maxClients: MAX_CLIENTS,
      joinDuration: JOIN_DURATION,
      submitDuration: SUBMIT_DURATION,
      aggregateDuration: AGGREGATE_DURATION,
      modelKind: "mlp",
      // Plain ignores the MASH parameters.
      groupSize: 0,
      quantizationScale: 0,
      clipMillionths: 0,
      keyDuration: 0,
      shuffleDuration: 0,
      completionDuration: 0,
      // Plain has no floor on the included set and no masks.
      minIncluded: 0,
      maskGroup: MaskGroup.Rlwr2048,
    };
    await coordinator.connect(owner).createTask(config, INITIAL_MODEL_CID);
    return { registry, coordinator, owner, aggregator, clients, stranger, config };
  }

  type Fixture = Awaited<ReturnType<typeof deployCoordinatorFixture>>;

  async function openRound({ coordinator, owner }: Fixture, modelCid = INITIAL_MODEL_CID): Promise<bigint> {
    await coordinator.connect(owner).openRound(TASK_ID, modelCid);
    return coordinator.roundCount();
  }

  function submitUpdate(
    { coordinator }: Fixture,
    client: HardhatEthersSigner,
    roundId: bigint,
  ): Promise<ContractTransactionResponse> {
    const cid = updateCid(client);
    return coordinator.connect(client).submitUpdate(roundId, cid, ethers.id(cid), NUM_SAMPLES, LOSS);
  }

  function postAggregate({ coordinator, aggregator }: Fixture, roundId: bigint): Promise<ContractTransactionResponse> {
    return coordinator.connect(aggregator).postAggregate(roundId, AGGREGATE_CID, NEXT_MODEL_CID, AGGREGATE_HASH);
  }

  /**
   * Opens a round and drives it into `phase` the standard way: clients 0 and 1 join (the round is not full),
   * client 0 alone submits, the aggregator posts; Failed is reached by cancelling during Joining. Client 1 thus
   * never submits and client 2 never joins, which the phase tables rely on.
   */
  async function roundIn(fixture: Fixture, phase: PlainPhase): Promise<bigint> {
    const { coordinator, owner, clients } = fixture;
    const roundId = await openRound(fixture);
    await coordinator.connect(clients[0]).join(roundId);
    await coordinator.connect(clients[1]).join(roundId);
    if (phase === Phase.Joining) return roundId;
    if (phase === Phase.Failed) {
      await coordinator.connect(owner).cancelRound(roundId);
      return roundId;
    }
    await advanceAfterDeadline(fixture, roundId);
    if (phase === Phase.Submission) return roundId;
    await submitUpdate(fixture, clients[0], roundId);
    await advanceAfterDeadline(fixture, roundId);
    if (phase === Phase.Aggregation) return roundId;
    await postAggregate(fixture, roundId);
    return roundId;
  }

  describe("deployment", function () {
    it("points the coordinator at the registry deployed beside it and starts with no tasks or rounds", async function () {
      const { coordinator, registry } = await loadFixture(deployCoordinatorFixture);
      expect(await coordinator.registry()).to.equal(await registry.getAddress());
      expect(await coordinator.roundCount()).to.equal(0);
    });
  });

  describe("createTask", function () {
    it("stores the task with the caller as owner and the initial model as current model", async function () {
      const { coordinator, owner, aggregator } = await loadFixture(deployCoordinatorFixture);
      const created = await coordinator.task(TASK_ID);
      expect(created.owner).to.equal(owner.address);
      expect(created.currentModelCid).to.equal(INITIAL_MODEL_CID);
      expect(created.roundCount).to.equal(0);
      expect(created.lastRoundId).to.equal(0);
      expect(created.config.mode).to.equal(Mode.Plain);
      expect(created.config.aggregator).to.equal(aggregator.address);
      expect(created.config.modelSize).to.equal(MODEL_SIZE);
      expect(created.config.minClients).to.equal(MIN_CLIENTS);
      expect(created.config.maxClients).to.equal(MAX_CLIENTS);
      expect(created.config.joinDuration).to.equal(JOIN_DURATION);
      expect(created.config.submitDuration).to.equal(SUBMIT_DURATION);
      expect(created.config.aggregateDuration).to.equal(AGGREGATE_DURATION);
      expect(created.config.modelKind).to.equal("mlp");
      expect(await coordinator.taskCount()).to.equal(1);
      expect(await coordinator.latestRound(TASK_ID)).to.equal(0);
    });

    it("numbers tasks from 1 and emits TaskCreated", async function () {
      const { coordinator, stranger, aggregator, config } = await loadFixture(deployCoordinatorFixture);
      const second = { ...config, minClients: 1, maxClients: 1, modelKind: "cnn" };

      await expect(coordinator.connect(stranger).createTask(second, "bafkreisecondtask"))
        .to.emit(coordinator, "TaskCreated")
        .withArgs(2, stranger.address, Mode.Plain, aggregator.address, "bafkreisecondtask");

      expect(await coordinator.taskCount()).to.equal(2);
      const created = await coordinator.task(2);
      expect(created.owner).to.equal(stranger.address);
      expect(created.config.modelKind).to.equal("cnn");
      expect(created.config.maxClients).to.equal(1);
    });

    it("accepts minClients equal to maxClients and durations of exactly one year", async function () {
      const { coordinator, owner, config } = await loadFixture(deployCoordinatorFixture);
      const edge = {
        ...config,
        minClients: MAX_CLIENTS,
        joinDuration: ONE_YEAR,
        submitDuration: ONE_YEAR,
        aggregateDuration: ONE_YEAR,
      };
      await expect(coordinator.connect(owner).createTask(edge, INITIAL_MODEL_CID))
        .to.emit(coordinator, "TaskCreated")
        .withArgs(2, owner.address, Mode.Plain, config.aggregator, INITIAL_MODEL_CID);
    });
  });

  describe("openRound", function () {
    it("opens round 1 in Joining until now + joinDuration, emitting RoundOpened then PhaseChanged", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, owner } = fixture;
      const openedAt = await pinNextTimestamp();
      const joinDeadline = openedAt + JOIN_DURATION;

      const transaction = await coordinator.connect(owner).openRound(TASK_ID, INITIAL_MODEL_CID);
      await expect(transaction)
        .to.emit(coordinator, "RoundOpened")
        .withArgs(TASK_ID, 1, 1, INITIAL_MODEL_CID, joinDeadline);
      await expect(transaction)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(1, Phase.None, Phase.Joining, joinDeadline);
      expect(await eventNames(coordinator, transaction)).to.deep.equal(["RoundOpened", "PhaseChanged"]);

      const opened = await coordinator.round(1);
      expect(opened.taskId).to.equal(TASK_ID);
      expect(opened.index).to.equal(1);
      expect(opened.mode).to.equal(Mode.Plain);
      expect(opened.phase).to.equal(Phase.Joining);
      expect(opened.deadline).to.equal(joinDeadline);
      expect(opened.openedAt).to.equal(openedAt);
      expect(opened.modelCid).to.equal(INITIAL_MODEL_CID);
      expect(opened.aggregateCid).to.equal("");
      expect(opened.newModelCid).to.equal("");
      expect(opened.aggregateHash).to.equal(ethers.ZeroHash);
      expect(opened.joinedCount).to.equal(0);
      expect(opened.submittedCount).to.equal(0);
      expect(opened.failureReason).to.equal(FailureReason.None);

      expect(await coordinator.phase(1)).to.equal(Phase.Joining);
      expect(await coordinator.roundCount()).to.equal(1);
      expect(await coordinator.latestRound(TASK_ID)).to.equal(1);
      expect(await coordinator.participants(1)).to.deep.equal([]);
      const owning = await coordinator.task(TASK_ID);
      expect(owning.roundCount).to.equal(1);
      expect(owning.lastRoundId).to.equal(1);
    });

    it("numbers rounds globally while indexing them per task", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, owner, stranger, config } = fixture;
      await coordinator.connect(stranger).createTask(config, "bafkreisecondtask");

      await openRound(fixture);
      await expect(coordinator.connect(stranger).openRound(2, "bafkreisecondtask"))
        .to.emit(coordinator, "RoundOpened")
        .withArgs(2, 2, 1, "bafkreisecondtask", anyDeadline());
      await coordinator.connect(owner).cancelRound(1);
      await expect(coordinator.connect(owner).openRound(TASK_ID, INITIAL_MODEL_CID))
        .to.emit(coordinator, "RoundOpened")
        .withArgs(TASK_ID, 3, 2, INITIAL_MODEL_CID, anyDeadline());

      expect(await coordinator.latestRound(TASK_ID)).to.equal(3);
      expect(await coordinator.latestRound(2)).to.equal(2);
      expect((await coordinator.round(3)).index).to.equal(2);
      expect((await coordinator.round(2)).taskId).to.equal(2);
      expect((await coordinator.task(TASK_ID)).roundCount).to.equal(2);
    });
  });

  describe("join", function () {
    it("adds clients in order and emits ClientJoined with the running count", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await openRound(fixture);

      await expect(coordinator.connect(clients[0]).join(roundId))
        .to.emit(coordinator, "ClientJoined")
        .withArgs(roundId, clients[0].address, 1);
      await expect(coordinator.connect(clients[1]).join(roundId))
        .to.emit(coordinator, "ClientJoined")
        .withArgs(roundId, clients[1].address, 2);

      expect(await coordinator.participants(roundId)).to.deep.equal([clients[0].address, clients[1].address]);
      expect(await coordinator.hasJoined(roundId, clients[1].address)).to.equal(true);
      expect(await coordinator.hasJoined(roundId, clients[2].address)).to.equal(false);
      const joining = await coordinator.round(roundId);
      expect(joining.joinedCount).to.equal(2);
      expect(joining.phase).to.equal(Phase.Joining);
    });

    it("moves the round to Submission as soon as maxClients joined", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await openRound(fixture);
      await coordinator.connect(clients[0]).join(roundId);
      await coordinator.connect(clients[1]).join(roundId);
      const joinedAt = await pinNextTimestamp();

      const transaction = await coordinator.connect(clients[2]).join(roundId);
      await expect(transaction)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Joining, Phase.Submission, joinedAt + SUBMIT_DURATION);
      expect(await eventNames(coordinator, transaction)).to.deep.equal(["ClientJoined", "PhaseChanged"]);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Submission);
      expect(await deadlineOf(fixture, roundId)).to.equal(joinedAt + SUBMIT_DURATION);
    });

    it("accepts a join at the very second of the deadline", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await openRound(fixture);
      await time.setNextBlockTimestamp(await deadlineOf(fixture, roundId));

      await expect(coordinator.connect(clients[0]).join(roundId))
        .to.emit(coordinator, "ClientJoined")
        .withArgs(roundId, clients[0].address, 1);
    });
  });

  describe("submitUpdate", function () {
    it("records the update and emits UpdateSubmitted", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await roundIn(fixture, Phase.Submission);
      const cid = updateCid(clients[0]);

      await expect(submitUpdate(fixture, clients[0], roundId))
        .to.emit(coordinator, "UpdateSubmitted")
        .withArgs(roundId, clients[0].address, cid, ethers.id(cid), NUM_SAMPLES, LOSS);

      const stored = await coordinator.submission(roundId, clients[0].address);
      expect(stored.cid).to.equal(cid);
      expect(stored.contentHash).to.equal(ethers.id(cid));
      expect(stored.numSamples).to.equal(NUM_SAMPLES);
      expect(stored.loss).to.equal(LOSS);
      expect(stored.submitted).to.equal(true);
      const missing = await coordinator.submission(roundId, clients[1].address);
      expect(missing.submitted).to.equal(false);
      expect(missing.cid).to.equal("");
      expect(missing.numSamples).to.equal(0);
      const submitting = await coordinator.round(roundId);
      expect(submitting.submittedCount).to.equal(1);
      expect(submitting.phase).to.equal(Phase.Submission);
    });

    it("moves the round to Aggregation as soon as every joined client submitted", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await roundIn(fixture, Phase.Submission);
      await submitUpdate(fixture, clients[0], roundId);
      const submittedAt = await pinNextTimestamp();

      const transaction = await submitUpdate(fixture, clients[1], roundId);
      await expect(transaction)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Submission, Phase.Aggregation, submittedAt + AGGREGATE_DURATION);
      expect(await eventNames(coordinator, transaction)).to.deep.equal(["UpdateSubmitted", "PhaseChanged"]);
      expect((await coordinator.round(roundId)).submittedCount).to.equal(2);
    });

    it("accepts an update at the very second of the deadline", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await roundIn(fixture, Phase.Submission);
      await time.setNextBlockTimestamp(await deadlineOf(fixture, roundId));

      await expect(submitUpdate(fixture, clients[0], roundId)).to.emit(coordinator, "UpdateSubmitted");
    });
  });

  describe("postAggregate", function () {
    it("finalizes the round and makes the new model the task's current model", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, aggregator } = fixture;
      const roundId = await roundIn(fixture, Phase.Aggregation);

      const transaction = await postAggregate(fixture, roundId);
      await expect(transaction)
        .to.emit(coordinator, "AggregatePosted")
        .withArgs(roundId, aggregator.address, AGGREGATE_CID, NEXT_MODEL_CID, AGGREGATE_HASH);
      await expect(transaction)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Aggregation, Phase.Finalized, 0);
      await expect(transaction).to.emit(coordinator, "RoundFinalized").withArgs(TASK_ID, roundId, NEXT_MODEL_CID);
      expect(await eventNames(coordinator, transaction)).to.deep.equal([
        "AggregatePosted",
        "PhaseChanged",
        "RoundFinalized",
      ]);

      const finalized = await coordinator.round(roundId);
      expect(finalized.phase).to.equal(Phase.Finalized);
      expect(finalized.deadline).to.equal(0);
      expect(finalized.modelCid).to.equal(INITIAL_MODEL_CID);
      expect(finalized.aggregateCid).to.equal(AGGREGATE_CID);
      expect(finalized.newModelCid).to.equal(NEXT_MODEL_CID);
      expect(finalized.aggregateHash).to.equal(AGGREGATE_HASH);
      expect(finalized.failureReason).to.equal(FailureReason.None);
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(NEXT_MODEL_CID);
    });

    it("accepts the aggregate at the very second of the deadline", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator } = fixture;
      const roundId = await roundIn(fixture, Phase.Aggregation);
      await time.setNextBlockTimestamp(await deadlineOf(fixture, roundId));

      await expect(postAggregate(fixture, roundId)).to.emit(coordinator, "RoundFinalized");
    });

    it("lets the owner open the next round from the new model", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, owner } = fixture;
      const roundId = await roundIn(fixture, Phase.Finalized);

      await expect(coordinator.connect(owner).openRound(TASK_ID, NEXT_MODEL_CID))
        .to.emit(coordinator, "RoundOpened")
        .withArgs(TASK_ID, roundId + 1n, 2, NEXT_MODEL_CID, anyDeadline());
      expect(await coordinator.latestRound(TASK_ID)).to.equal(roundId + 1n);
    });
  });

  describe("a full round with every client", function () {
    it("runs join -> submit -> aggregate without any advance call", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await openRound(fixture);
      for (const client of clients.slice(0, MAX_CLIENTS)) await coordinator.connect(client).join(roundId);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Submission);
      for (const client of clients.slice(0, MAX_CLIENTS)) await submitUpdate(fixture, client, roundId);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Aggregation);
      await postAggregate(fixture, roundId);

      const finalized = await coordinator.round(roundId);
      expect(finalized.phase).to.equal(Phase.Finalized);
      expect(finalized.joinedCount).to.equal(MAX_CLIENTS);
      expect(finalized.submittedCount).to.equal(MAX_CLIENTS);
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(NEXT_MODEL_CID);
    });
  });

  describe("advance", function () {
    it("moves Joining to Submission once the deadline passed with minClients joined", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, stranger } = fixture;
      const roundId = await roundIn(fixture, Phase.Joining);
      const deadline = await reachDeadline(fixture, roundId);
      await time.setNextBlockTimestamp(deadline + 1n);

      await expect(coordinator.connect(stranger).advance(roundId))
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Joining, Phase.Submission, deadline + 1n + SUBMIT_DURATION);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Submission);
    });

    it("fails a round in Joining with fewer than minClients (NotEnoughClients)", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await openRound(fixture);
      await coordinator.connect(clients[0]).join(roundId);

      const transaction = await advanceAfterDeadline(fixture, roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Joining, FailureReason.NotEnoughClients);
    });

    it("fails a round in Joining that nobody joined (NotEnoughClients)", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const roundId = await openRound(fixture);

      const transaction = await advanceAfterDeadline(fixture, roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Joining, FailureReason.NotEnoughClients);
    });

    it("moves Submission to Aggregation with only part of the updates, leaving the others out", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const { coordinator, clients } = fixture;
      const roundId = await roundIn(fixture, Phase.Submission);
      await submitUpdate(fixture, clients[0], roundId);
      const deadline = await reachDeadline(fixture, roundId);
      await time.setNextBlockTimestamp(deadline + 1n);

      await expect(coordinator.advance(roundId))
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Submission, Phase.Aggregation, deadline + 1n + AGGREGATE_DURATION);
      await expect(postAggregate(fixture, roundId)).to.emit(coordinator, "RoundFinalized");

      const finalized = await coordinator.round(roundId);
      expect(finalized.joinedCount).to.equal(2);
      expect(finalized.submittedCount).to.equal(1);
      expect((await coordinator.submission(roundId, clients[1].address)).submitted).to.equal(false);
    });

    it("fails a round in Submission without any update (NoSubmissions)", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const roundId = await roundIn(fixture, Phase.Submission);

      const transaction = await advanceAfterDeadline(fixture, roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Submission, FailureReason.NoSubmissions);
    });

    it("fails a round whose aggregator missed the deadline (AggregatorMissing) and keeps the old model", async function () {
      const fixture = await loadFixture(deployCoordinatorFixture);
      const roundId = await roundIn(fixture, Phase.Aggregation);

      const transaction = await advanceAfterDeadline(fixture, roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Aggregation, FailureReason.AggregatorMissing);
    });
  });

  describe("cancelRound", function () {
    for (const phase of [Phase.Joining, Phase.Submission] as const) {
      it(`fails a round in ${phaseName(phase)} with Cancelled`, async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const roundId = await roundIn(fixture, phase);

        const transaction = await fixture.coordinator.connect(fixture.owner).cancelRound(roundId);
        await expectRoundFailed(fixture, transaction, roundId, phase, FailureReason.Cancelled);
      });
    }
  });

  describe("after a failed round", function () {
    const failures: ReadonlyArray<[string, (fixture: Fixture) => Promise<bigint>]> = [
      ["NotEnoughClients", async (fixture) => {
        const roundId = await openRound(fixture);
        await advanceAfterDeadline(fixture, roundId);
        return roundId;
      }],
      ["NoSubmissions", async (fixture) => {
        const roundId = await roundIn(fixture, Phase.Submission);
        await advanceAfterDeadline(fixture, roundId);
        return roundId;
      }],
      ["AggregatorMissing", async (fixture) => {
        const roundId = await roundIn(fixture, Phase.Aggregation);
        await advanceAfterDeadline(fixture, roundId);
        return roundId;
      }],
      ["Cancelled", (fixture) => roundIn(fixture, Phase.Failed)],
    ];
    for (const [reason, fail] of failures) {
      it(`opens the next round from the unchanged model after ${reason}`, async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, owner, clients } = fixture;
        const failedId = await fail(fixture);
        expect(await coordinator.phase(failedId)).to.equal(Phase.Failed);
        const currentModel = (await coordinator.task(TASK_ID)).currentModelCid;
        expect(currentModel).to.equal(INITIAL_MODEL_CID);

        await expect(coordinator.connect(owner).openRound(TASK_ID, currentModel))
          .to.emit(coordinator, "RoundOpened")
          .withArgs(TASK_ID, failedId + 1n, 2, INITIAL_MODEL_CID, anyDeadline());
        // A client of the failed round may take part again.
        await expect(coordinator.connect(clients[0]).join(failedId + 1n))
          .to.emit(coordinator, "ClientJoined")
          .withArgs(failedId + 1n, clients[0].address, 1);
      });
    }
  });

  describe("should revert", function () {
    describe("on deployment", function () {
      it("if the registry has no code", async function () {
        const { stranger } = await loadFixture(deployCoordinatorFixture);
        const factory = await ethers.getContractFactory("FedmashCoordinator");
        await expect(factory.deploy(stranger.address, stranger.address))
          .to.be.revertedWithCustomError(factory, "CoordinatorInvalidRegistry")
          .withArgs(stranger.address);
      });
    });

    describe("on createTask", function () {
      it("if the mode is Shamir", async function () {
        const { coordinator, config } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.createTask({ ...config, mode: Mode.Shamir }, INITIAL_MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorModeUnsupported")
          .withArgs(Mode.Shamir);
      });

      it("if the aggregator never registered", async function () {
        const { coordinator, config, stranger } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.createTask({ ...config, aggregator: stranger.address }, INITIAL_MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotAggregator")
          .withArgs(stranger.address);
      });

      it("if the aggregator is registered as a client", async function () {
        const { coordinator, config, clients } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.createTask({ ...config, aggregator: clients[0].address }, INITIAL_MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotAggregator")
          .withArgs(clients[0].address);
      });

      it("if the aggregator deactivated", async function () {
        const { coordinator, registry, config, aggregator } = await loadFixture(deployCoordinatorFixture);
        await registry.connect(aggregator).deactivate();
        await expect(coordinator.createTask(config, INITIAL_MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotAggregator")
          .withArgs(aggregator.address);
      });

      const invalidConfigs: ReadonlyArray<[string, Partial<IFedmashCoordinator.TaskConfigStruct>, string]> = [
        ["modelSize is 0", { modelSize: 0 }, "modelSize is zero"],
        ["minClients is 0", { minClients: 0, maxClients: 0 }, "minClients is zero"],
        ["minClients exceeds maxClients", { minClients: 3, maxClients: 2 }, "minClients exceeds maxClients"],
        ["joinDuration is 0", { joinDuration: 0 }, "joinDuration out of range"],
        ["joinDuration exceeds a year", { joinDuration: ONE_YEAR + 1n }, "joinDuration out of range"],
        ["submitDuration is 0", { submitDuration: 0 }, "submitDuration out of range"],
        ["submitDuration exceeds a year", { submitDuration: ONE_YEAR + 1n }, "submitDuration out of range"],
        ["aggregateDuration is 0", { aggregateDuration: 0 }, "aggregateDuration out of range"],
        ["aggregateDuration exceeds a year", { aggregateDuration: 2n ** 64n - 1n }, "aggregateDuration out of range"],
        ["modelKind is empty", { modelKind: "" }, "modelKind is empty"],
      ];
      for (const [condition, override, reason] of invalidConfigs) {
        it(`if ${condition}`, async function () {
          const { coordinator, config } = await loadFixture(deployCoordinatorFixture);
          await expect(coordinator.createTask({ ...config, ...override }, INITIAL_MODEL_CID))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorInvalidConfig")
            .withArgs(reason);
        });
      }

      it("if the initial model CID is empty", async function () {
        const { coordinator, config } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.createTask(config, "")).to.be.revertedWithCustomError(
          coordinator,
          "CoordinatorEmptyCid",
        );
      });
    });

    describe("on openRound", function () {
      for (const taskId of [0n, 2n]) {
        it(`if task ${taskId} does not exist`, async function () {
          const { coordinator, owner } = await loadFixture(deployCoordinatorFixture);
          await expect(coordinator.connect(owner).openRound(taskId, INITIAL_MODEL_CID))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownTask")
            .withArgs(taskId);
        });
      }

      it("if the caller does not own the task", async function () {
        const { coordinator, aggregator } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.connect(aggregator).openRound(TASK_ID, INITIAL_MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotTaskOwner")
          .withArgs(TASK_ID, aggregator.address);
      });

      for (const phase of [Phase.Joining, Phase.Submission, Phase.Aggregation] as const) {
        it(`if the previous round is still in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const { coordinator, owner } = fixture;
          const roundId = await roundIn(fixture, phase);
          await expect(coordinator.connect(owner).openRound(TASK_ID, INITIAL_MODEL_CID))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorRoundInProgress")
            .withArgs(TASK_ID, roundId);
        });
      }

      it("if the model CID is empty", async function () {
        const { coordinator, owner } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.connect(owner).openRound(TASK_ID, "")).to.be.revertedWithCustomError(
          coordinator,
          "CoordinatorEmptyCid",
        );
      });

      it("if the task's aggregator deactivated", async function () {
        const { coordinator, registry, owner, aggregator } = await loadFixture(deployCoordinatorFixture);
        await registry.connect(aggregator).deactivate();
        await expect(coordinator.connect(owner).openRound(TASK_ID, INITIAL_MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotAggregator")
          .withArgs(aggregator.address);
      });
    });

    describe("on join", function () {
      it("if the round does not exist", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        await expect(coordinator.connect(clients[0]).join(1))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound")
          .withArgs(1);
        await openRound(fixture);
        for (const roundId of [0n, 2n]) {
          await expect(coordinator.connect(clients[0]).join(roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound")
            .withArgs(roundId);
        }
      });

      it("if the caller never registered", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, stranger } = fixture;
        const roundId = await openRound(fixture);
        await expect(coordinator.connect(stranger).join(roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotClient")
          .withArgs(stranger.address);
      });

      it("if the caller is registered in another role", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, registry, aggregator, stranger } = fixture;
        await registry.connect(stranger).register(Role.Server, encryptionKey("server").compressed);
        const roundId = await openRound(fixture);
        for (const account of [aggregator, stranger]) {
          await expect(coordinator.connect(account).join(roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotClient")
            .withArgs(account.address);
        }
      });

      it("if the client deactivated", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, registry, clients } = fixture;
        await registry.connect(clients[0]).deactivate();
        const roundId = await openRound(fixture);
        await expect(coordinator.connect(clients[0]).join(roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotClient")
          .withArgs(clients[0].address);
      });

      it("if the client already joined", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        const roundId = await roundIn(fixture, Phase.Joining);
        await expect(coordinator.connect(clients[0]).join(roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorAlreadyJoined")
          .withArgs(roundId, clients[0].address);
      });

      it("if the round is full", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        const roundId = await openRound(fixture);
        for (const client of clients.slice(0, MAX_CLIENTS)) await coordinator.connect(client).join(roundId);
        await expect(coordinator.connect(clients[MAX_CLIENTS]).join(roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorRoundFull")
          .withArgs(roundId, MAX_CLIENTS);
      });

      for (const phase of [Phase.Submission, Phase.Aggregation, Phase.Finalized, Phase.Failed] as const) {
        it(`if the round is in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const { coordinator, clients } = fixture;
          const roundId = await roundIn(fixture, phase);
          await expect(coordinator.connect(clients[2]).join(roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(roundId, phase, phaseBitmap(Phase.Joining));
        });
      }

      it("if the joining deadline passed", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        const roundId = await openRound(fixture);
        const deadline = await reachDeadline(fixture, roundId);
        await expect(coordinator.connect(clients[0]).join(roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorDeadlinePassed")
          .withArgs(roundId, Phase.Joining, deadline);
      });
    });

    describe("on submitUpdate", function () {
      it("if the round does not exist", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        await expect(submitUpdate(fixture, fixture.clients[0], 1n))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnknownRound")
          .withArgs(1);
      });

      it("if the caller did not join the round", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients, stranger } = fixture;
        const roundId = await roundIn(fixture, Phase.Submission);
        for (const account of [clients[2], stranger]) {
          await expect(submitUpdate(fixture, account, roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotParticipant")
            .withArgs(roundId, account.address);
        }
      });

      it("if the client already submitted", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        const roundId = await roundIn(fixture, Phase.Submission);
        await submitUpdate(fixture, clients[0], roundId);
        await expect(submitUpdate(fixture, clients[0], roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorAlreadySubmitted")
          .withArgs(roundId, clients[0].address);
      });

      for (const phase of [Phase.Joining, Phase.Aggregation, Phase.Finalized, Phase.Failed] as const) {
        it(`if the round is in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const { coordinator, clients } = fixture;
          const roundId = await roundIn(fixture, phase);
          await expect(submitUpdate(fixture, clients[1], roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(roundId, phase, phaseBitmap(Phase.Submission));
        });
      }

      it("if the submission deadline passed", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        const roundId = await roundIn(fixture, Phase.Submission);
        const deadline = await reachDeadline(fixture, roundId);
        await expect(submitUpdate(fixture, clients[0], roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorDeadlinePassed")
          .withArgs(roundId, Phase.Submission, deadline);
      });

      it("if the CID is empty", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        const roundId = await roundIn(fixture, Phase.Submission);
        await expect(
          coordinator.connect(clients[0]).submitUpdate(roundId, "", ethers.id("x"), NUM_SAMPLES, LOSS),
        ).to.be.revertedWithCustomError(coordinator, "CoordinatorEmptyCid");
      });

      it("if the update was trained on no sample", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        const roundId = await roundIn(fixture, Phase.Submission);
        await expect(
          coordinator.connect(clients[0]).submitUpdate(roundId, "bafkreiupdate", ethers.id("x"), 0, LOSS),
        ).to.be.revertedWithCustomError(coordinator, "CoordinatorZeroSamples");
      });
    });

    describe("on postAggregate", function () {
      it("if the round does not exist", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        await expect(postAggregate(fixture, 1n))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnknownRound")
          .withArgs(1);
      });

      it("if the caller is not the task's aggregator", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, registry, owner, clients, stranger } = fixture;
        // Even an active aggregator is refused when the task names another one.
        await registry.connect(stranger).register(Role.Aggregator, encryptionKey("other").compressed);
        const roundId = await roundIn(fixture, Phase.Aggregation);
        for (const account of [owner, clients[0], stranger]) {
          await expect(
            coordinator.connect(account).postAggregate(roundId, AGGREGATE_CID, NEXT_MODEL_CID, AGGREGATE_HASH),
          )
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotAggregator")
            .withArgs(account.address);
        }
      });

      for (const phase of [Phase.Joining, Phase.Submission, Phase.Finalized, Phase.Failed] as const) {
        it(`if the round is in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const roundId = await roundIn(fixture, phase);
          await expect(postAggregate(fixture, roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(roundId, phase, phaseBitmap(Phase.Aggregation));
        });
      }

      it("if the aggregation deadline passed", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const roundId = await roundIn(fixture, Phase.Aggregation);
        const deadline = await reachDeadline(fixture, roundId);
        await expect(postAggregate(fixture, roundId))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorDeadlinePassed")
          .withArgs(roundId, Phase.Aggregation, deadline);
      });

      for (const [which, aggregateCid, modelCid] of [
        ["aggregate", "", NEXT_MODEL_CID],
        ["model", AGGREGATE_CID, ""],
      ] as const) {
        it(`if the ${which} CID is empty`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const { coordinator, aggregator } = fixture;
          const roundId = await roundIn(fixture, Phase.Aggregation);
          await expect(
            coordinator.connect(aggregator).postAggregate(roundId, aggregateCid, modelCid, AGGREGATE_HASH),
          ).to.be.revertedWithCustomError(coordinator, "CoordinatorEmptyCid");
        });
      }
    });

    describe("on advance", function () {
      it("if the round does not exist", async function () {
        const { coordinator } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.advance(1))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound")
          .withArgs(1);
      });

      for (const phase of [Phase.Joining, Phase.Submission, Phase.Aggregation] as const) {
        it(`if the ${phaseName(phase)} deadline is now, not past`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const { coordinator, stranger } = fixture;
          const roundId = await roundIn(fixture, phase);
          const deadline = await deadlineOf(fixture, roundId);
          await time.setNextBlockTimestamp(deadline);
          await expect(coordinator.connect(stranger).advance(roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorDeadlineNotPassed")
            .withArgs(roundId, phase, deadline);
        });
      }

      for (const phase of [Phase.Finalized, Phase.Failed] as const) {
        it(`if the round is ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const roundId = await roundIn(fixture, phase);
          await expect(fixture.coordinator.advance(roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(roundId, phase, phaseBitmap(Phase.Joining, Phase.Submission, Phase.Aggregation));
        });
      }
    });

    describe("on cancelRound", function () {
      it("if the round does not exist", async function () {
        const { coordinator, owner } = await loadFixture(deployCoordinatorFixture);
        await expect(coordinator.connect(owner).cancelRound(1))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound")
          .withArgs(1);
      });

      it("if the caller does not own the task", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, aggregator } = fixture;
        const roundId = await roundIn(fixture, Phase.Joining);
        await expect(coordinator.connect(aggregator).cancelRound(roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotTaskOwner")
          .withArgs(TASK_ID, aggregator.address);
      });

      for (const phase of [Phase.Aggregation, Phase.Finalized, Phase.Failed] as const) {
        it(`if the round is in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployCoordinatorFixture);
          const roundId = await roundIn(fixture, phase);
          await expect(fixture.coordinator.connect(fixture.owner).cancelRound(roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(roundId, phase, phaseBitmap(Phase.Joining, Phase.Submission));
        });
      }
    });

    describe("on views", function () {
      it("if a round id is unknown", async function () {
        const fixture = await loadFixture(deployCoordinatorFixture);
        const { coordinator, clients } = fixture;
        await openRound(fixture);
        const reads: ReadonlyArray<[bigint, (roundId: bigint) => Promise<unknown>]> = [
          [2n, (roundId) => coordinator.phase(roundId)],
          [0n, (roundId) => coordinator.phase(roundId)],
          [2n, (roundId) => coordinator.round(roundId)],
          [2n, (roundId) => coordinator.participants(roundId)],
          [2n, (roundId) => coordinator.submission(roundId, clients[0].address)],
          [2n, (roundId) => coordinator.hasJoined(roundId, clients[0].address)],
        ];
        for (const [roundId, read] of reads) {
          await expect(read(roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound")
            .withArgs(roundId);
        }
      });

      it("if a task id is unknown", async function () {
        const { coordinator } = await loadFixture(deployCoordinatorFixture);
        for (const taskId of [0n, 2n]) {
          await expect(coordinator.task(taskId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownTask")
            .withArgs(taskId);
          await expect(coordinator.latestRound(taskId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownTask")
            .withArgs(taskId);
        }
      });
    });
  });
});
