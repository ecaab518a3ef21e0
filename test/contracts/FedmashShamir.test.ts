// Tests of Shamir mode on-chain: createShamirTask and every refusal of its servers and threshold, the share-sum
// posting rules of FedmashShamir, the coordinator's threshold check on the aggregate, the ServersMissing failure,
// and a Shamir round's Verification run by the FedmashVerifier with the submitters as its included clients.
import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseEther } from "ethers";
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { deployFedmash } from "../helpers/deployFedmash";
import { encryptionKey } from "../helpers/encryptionKey";
import { FailureReason, Mode, Phase, Role } from "../helpers/enums";
import { phaseBitmap } from "../helpers/phaseBitmap";
import { recordGas, type GasRecord } from "../helpers/recordGas";
import { advanceAfterDeadline, deadlineOf, pinNextTimestamp, reachDeadline } from "../helpers/roundClock";
import { expectRoundFailed } from "../helpers/roundEvents";
import { Outcome, Stage } from "../helpers/verifierEnums";
import { quantizedUpdate } from "../workers/crypto/verify/quantizedUpdate";
import { shamirTaskConfig } from "../helpers/shamirTaskConfig";

const TASK_ID = 1n;
const CLIENT_COUNT = 5;
const SERVER_COUNT = 3;
const THRESHOLD = 2;
const MAX_SERVERS = 16;
/** Coordinates per update: enough for every one of the verifier's 128 batches to hold several. */
const MODEL_SIZE = 600;
const PARTITIONS = 64;
const BATCHES = 2;
const JOIN_DURATION = 100n;
const SUBMIT_DURATION = 1_000n;
const AGGREGATE_DURATION = 1_000n;
const AGGREGATOR_BOND = parseEther("1");
const CLIENT_REWARD = parseEther("0.1");
const AGGREGATOR_REWARD = parseEther("0.5");
const RESERVE = BigInt(CLIENT_COUNT) * CLIENT_REWARD + AGGREGATOR_REWARD;
const POOL = parseEther("3");
const MODEL_CID = "bafkreimodel";
const NEXT_MODEL_CID = "bafkreinextmodel";
const AGGREGATE_CID = "bafkreiaggregate";
const AGGREGATE_HASH = ethers.id("aggregate");

const gasLog: GasRecord[] = [];

function manifestCid(client: HardhatEthersSigner): string {
  return `bafkreimanifest${client.address.slice(2, 10).toLowerCase()}`;
}

function shareSumCid(server: HardhatEthersSigner): string {
  return `bafkreisharesum${server.address.slice(2, 10).toLowerCase()}`;
}

function shamirConfig(aggregator: string, overrides: Partial<IFedmashCoordinator.TaskConfigStruct> = {}) {
  return shamirTaskConfig(
    aggregator,
    { modelSize: MODEL_SIZE, maxClients: CLIENT_COUNT, joinDuration: JOIN_DURATION, submitDuration: SUBMIT_DURATION, aggregateDuration: AGGREGATE_DURATION },
    overrides
  );
}

describe("FedmashShamir", function () {
  async function deployShamirFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, stranger, funder] = signers;
    // One more client than a round admits, registered but never in the round.
    const clients = signers.slice(4, 5 + CLIENT_COUNT);
    // Sixteen registered servers: the task uses the first three; the rest make the 16-server boundary.
    const allServers = signers.slice(10, 10 + MAX_SERVERS);
    const servers = allServers.slice(0, SERVER_COUNT);
    const outsideServer = allServers[SERVER_COUNT];
    const deactivatedServer = signers[10 + MAX_SERVERS];
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    for (const [index, server] of [...allServers, deactivatedServer].entries()) {
      await registry.connect(server).register(Role.Server, encryptionKey(`server${index}`).compressed);
    }
    await registry.connect(deactivatedServer).deactivate();
    const config = shamirConfig(aggregator.address);
    return {
      registry,
      coordinator,
      verifier,
      shamir,
      owner,
      aggregator,
      stranger,
      funder,
      clients,
      servers,
      allServers,
      outsideServer,
      deactivatedServer,
      config,
      signers,
    };
  }

  type DeployFixture = Awaited<ReturnType<typeof deployShamirFixture>>;

  /** A Shamir task with three servers and t = 2, funded, with the aggregator's bond in place. */
  async function shamirTaskFixture() {
    const fixture = await loadFixture(deployShamirFixture);
    const { coordinator, verifier, owner, aggregator, funder, servers, config } = fixture;
    const serverAddresses = servers.map((server) => server.address);
    await recordGas({
      log: gasLog,
      name: `createShamirTask (${SERVER_COUNT} servers)`,
      transaction: coordinator.connect(owner).createShamirTask(config, MODEL_CID, serverAddresses, THRESHOLD),
    });
    await verifier.connect(owner).setTerms(TASK_ID, {
      aggregatorBond: AGGREGATOR_BOND,
      clientReward: CLIENT_REWARD,
      aggregatorReward: AGGREGATOR_REWARD,
      challengeDuration: 60n,
    });
    await verifier.connect(funder).fundTask(TASK_ID, { value: POOL });
    await verifier.connect(aggregator).acceptTask(TASK_ID, AGGREGATOR_BOND);
    await verifier.connect(aggregator).depositBond(TASK_ID, { value: AGGREGATOR_BOND });
    // Each server holds the least bond the task requires, so that it may post.
    for (const server of servers) await fixture.shamir.connect(server).depositServerBond(TASK_ID, { value: await fixture.shamir.MIN_SERVER_BOND() });
    return { ...fixture, serverAddresses };
  }

  async function openRound({ coordinator, owner }: Pick<DeployFixture, "coordinator" | "owner">): Promise<bigint> {
    await recordGas({
      log: gasLog,
      name: "openRound (Shamir, reserves)",
      transaction: coordinator.connect(owner).openRound(TASK_ID, MODEL_CID),
    });
    return coordinator.roundCount();
  }

  async function submit(
    { coordinator }: Pick<DeployFixture, "coordinator">,
    client: HardhatEthersSigner,
    roundId: bigint
  ) {
    const cid = manifestCid(client);
    return coordinator.connect(client).submitUpdate(roundId, cid, ethers.id(cid), 600, 0);
  }

  /** Every client joined; the round is in Submission. */
  async function submittingFixture() {
    const fixture = await loadFixture(shamirTaskFixture);
    const roundId = await openRound(fixture);
    for (const client of fixture.clients.slice(0, CLIENT_COUNT))
      await fixture.coordinator.connect(client).join(roundId);
    return { ...fixture, roundId };
  }

  /**
   * Five clients joined, four submitted, and the Submission deadline passed: the round is in Aggregation with the
   * fifth client (`silentClient`) left out of the frozen set.
   */
  async function aggregatingFixture() {
    const fixture = await loadFixture(submittingFixture);
    const { coordinator, clients, roundId } = fixture;
    const submitters = clients.slice(0, CLIENT_COUNT - 1);
    for (const client of submitters) await submit(fixture, client, roundId);
    await advanceAfterDeadline(fixture, roundId);
    expect(await coordinator.phase(roundId)).to.equal(Phase.Aggregation);
    return { ...fixture, submitters, silentClient: clients[CLIENT_COUNT - 1] };
  }

  type AggregatingFixture = Awaited<ReturnType<typeof aggregatingFixture>>;

  function postShareSum({ shamir }: Pick<DeployFixture, "shamir">, server: HardhatEthersSigner, roundId: bigint) {
    const cid = shareSumCid(server);
    return shamir.connect(server).postShareSum(roundId, cid, ethers.id(cid));
  }

  async function postShareSums(fixture: AggregatingFixture, servers: HardhatEthersSigner[]): Promise<void> {
    for (const server of servers) {
      const name =
        (await fixture.shamir.shareSumCount(fixture.roundId)) === 0n ? "postShareSum (first)" : "postShareSum (later)";
      await recordGas({ log: gasLog, name, transaction: postShareSum(fixture, server, fixture.roundId) });
    }
  }

  function postAggregate(
    { coordinator, aggregator }: Pick<DeployFixture, "coordinator" | "aggregator">,
    roundId: bigint
  ) {
    return coordinator.connect(aggregator).postAggregate(roundId, AGGREGATE_CID, NEXT_MODEL_CID, AGGREGATE_HASH);
  }

  /** Each config change in `cases` makes createShamirTask revert CoordinatorInvalidConfig with its reason. */
  async function expectConfigRefused(
    { coordinator, owner, serverAddresses, config }: Awaited<ReturnType<typeof shamirTaskFixture>>,
    cases: [Partial<IFedmashCoordinator.TaskConfigStruct>, string][]
  ): Promise<void> {
    for (const [overrides, reason] of cases) {
      await expect(
        coordinator.connect(owner).createShamirTask({ ...config, ...overrides }, MODEL_CID, serverAddresses, THRESHOLD)
      )
        .to.be.revertedWithCustomError(coordinator, "CoordinatorInvalidConfig")
        .withArgs(reason);
    }
  }

  after(function () {
    const byName = new Map<string, bigint[]>();
    for (const record of gasLog) byName.set(record.name, [...(byName.get(record.name) ?? []), record.gasUsed]);
    const rows = [...byName.entries()].map(([name, values]) => {
      const low = values.reduce((a, b) => (a < b ? a : b));
      const high = values.reduce((a, b) => (a > b ? a : b));
      return `  ${name}: ${low === high ? low : `${low}–${high}`} (${values.length} calls)`;
    });
    console.log(`\n  FedmashShamir gas:\n${rows.join("\n")}`);
  });

  describe("deployment", function () {
    it("is created by the coordinator, answers only to it, and the coordinator stays within the size limits", async function () {
      const { coordinator, shamir, registry, stranger, servers } = await loadFixture(deployShamirFixture);
      expect(await coordinator.shamir()).to.equal(await shamir.getAddress());
      expect(await shamir.coordinator()).to.equal(await coordinator.getAddress());
      expect(await shamir.registry()).to.equal(await registry.getAddress());
      expect(await shamir.MAX_SERVERS()).to.equal(MAX_SERVERS);
      await expect(
        shamir.connect(stranger).configureServers(
          1n,
          servers.map((s) => s.address),
          THRESHOLD
        )
      )
        .to.be.revertedWithCustomError(shamir, "ShamirNotCoordinator")
        .withArgs(stranger.address);

      const runtime = async (address: string) => ((await ethers.provider.getCode(address)).length - 2) / 2;
      const coordinatorRuntime = await runtime(await coordinator.getAddress());
      const shamirRuntime = await runtime(await shamir.getAddress());
      const verifierRuntime = await runtime(await coordinator.verifier());
      const initcode = async (name: string) => ((await artifacts.readArtifact(name)).bytecode.length - 2) / 2;
      const coordinatorInitcode = await initcode("FedmashCoordinator");
      const factoryInitcode = await initcode("FedmashVerifierFactory");
      console.log(
        `    coordinator runtime ${coordinatorRuntime} B, initcode ${coordinatorInitcode} B (Shamir inside); ` +
          `verifier runtime ${verifierRuntime} B, factory initcode ${factoryInitcode} B (verifier inside); Shamir runtime ${shamirRuntime} B`
      );
      // EIP-170 and EIP-3860.
      expect(coordinatorRuntime).to.be.below(24_576);
      expect(verifierRuntime).to.be.below(24_576);
      expect(shamirRuntime).to.be.below(24_576);
      expect(coordinatorInitcode).to.be.below(49_152);
      expect(factoryInitcode).to.be.below(49_152);
    });
  });

  describe("createShamirTask", function () {
    it("creates the task and fixes its servers in order and its threshold", async function () {
      const fixture = await loadFixture(deployShamirFixture);
      const { coordinator, shamir, owner, aggregator, servers, outsideServer, config } = fixture;
      const serverAddresses = servers.map((server) => server.address);

      const transaction = coordinator.connect(owner).createShamirTask(config, MODEL_CID, serverAddresses, THRESHOLD);
      await expect(transaction)
        .to.emit(coordinator, "TaskCreated")
        .withArgs(TASK_ID, owner.address, Mode.Shamir, aggregator.address, MODEL_CID);
      await expect(transaction).to.emit(shamir, "ServersConfigured").withArgs(TASK_ID, serverAddresses, THRESHOLD);

      const task = await coordinator.task(TASK_ID);
      expect(task.config.mode).to.equal(Mode.Shamir);
      expect(task.owner).to.equal(owner.address);
      expect(await shamir.servers(TASK_ID)).to.deep.equal(serverAddresses);
      expect(await shamir.threshold(TASK_ID)).to.equal(THRESHOLD);
      expect(await shamir.serverIndexOf(TASK_ID, servers[2].address)).to.deep.equal([true, 2n]);
      expect(await shamir.serverIndexOf(TASK_ID, outsideServer.address)).to.deep.equal([false, 0n]);
    });

    it("accepts the bounds: t = 2 of 2 servers, and t = n = 16", async function () {
      const { coordinator, shamir, owner, allServers, config } = await loadFixture(deployShamirFixture);
      const all = allServers.map((server) => server.address);
      await coordinator.connect(owner).createShamirTask(config, MODEL_CID, all.slice(0, 2), 2);
      await recordGas({
        log: gasLog,
        name: `createShamirTask (${MAX_SERVERS} servers)`,
        transaction: coordinator.connect(owner).createShamirTask(config, MODEL_CID, all, MAX_SERVERS),
      });
      expect(await shamir.threshold(1n)).to.equal(2);
      expect(await shamir.servers(2n)).to.deep.equal(all);
      expect(await shamir.threshold(2n)).to.equal(MAX_SERVERS);
    });

    it("leaves Plain and Mash tasks without servers", async function () {
      const { coordinator, shamir, owner, config } = await loadFixture(deployShamirFixture);
      await coordinator.connect(owner).createTask({ ...config, mode: Mode.Plain }, MODEL_CID);
      expect(await shamir.servers(TASK_ID)).to.deep.equal([]);
      expect(await shamir.threshold(TASK_ID)).to.equal(0);
    });

    describe("should revert", function () {
      it("if the mode is not Shamir, and createTask refuses Shamir", async function () {
        const { coordinator, owner, serverAddresses, config } = await loadFixture(shamirTaskFixture);
        for (const mode of [Mode.Plain, Mode.Mash]) {
          await expect(
            coordinator.connect(owner).createShamirTask({ ...config, mode }, MODEL_CID, serverAddresses, THRESHOLD)
          )
            .to.be.revertedWithCustomError(coordinator, "CoordinatorInvalidConfig")
            .withArgs("mode is not Shamir");
        }
        await expect(coordinator.connect(owner).createTask(config, MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorModeUnsupported")
          .withArgs(Mode.Shamir);
      });

      it("if a quantization parameter is zero or maxClients is above MAX_MASH_CLIENTS", async function () {
        await expectConfigRefused(await loadFixture(shamirTaskFixture), [
          [{ quantizationScale: 0 }, "quantizationScale is zero"],
          [{ clipMillionths: 0 }, "clipMillionths is zero"],
          [{ maxClients: 1025 }, "maxClients above MAX_MASH_CLIENTS"],
        ]);
      });

      it("if minIncluded is below 3 or above maxClients, or maxClients is below the default floor", async function () {
        await expectConfigRefused(await loadFixture(shamirTaskFixture), [
          [{ minIncluded: 2 }, "minIncluded below 3"],
          [{ minIncluded: CLIENT_COUNT + 1 }, "minIncluded exceeds maxClients"],
          // The default floor, max(3, minClients), is out of reach of a round of two.
          [{ minClients: 2, maxClients: 2 }, "maxClients below 3"],
        ]);
      });

      it("on the checks every mode shares: config, aggregator, initial model", async function () {
        const fixture = await loadFixture(shamirTaskFixture);
        const { coordinator, owner, stranger, serverAddresses, config } = fixture;
        await expectConfigRefused(fixture, [
          [{ modelSize: 0 }, "modelSize is zero"],
          [{ minClients: 6 }, "minClients exceeds maxClients"],
          [{ aggregateDuration: 0 }, "aggregateDuration out of range"],
          [{ modelKind: "" }, "modelKind is empty"],
        ]);
        await expect(
          coordinator
            .connect(owner)
            .createShamirTask({ ...config, aggregator: stranger.address }, MODEL_CID, serverAddresses, THRESHOLD)
        )
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotAggregator")
          .withArgs(stranger.address);
        await expect(
          coordinator.connect(owner).createShamirTask(config, "", serverAddresses, THRESHOLD)
        ).to.be.revertedWithCustomError(coordinator, "CoordinatorEmptyCid");
      });

      it("if the threshold is below 2 or above the number of servers", async function () {
        const { coordinator, shamir, owner, servers, config } = await loadFixture(deployShamirFixture);
        const three = servers.map((server) => server.address);
        const cases: [string[], number][] = [
          [three, 1],
          [three, 0],
          [three, SERVER_COUNT + 1],
          [three.slice(0, 1), 1],
          [[], 2],
        ];
        for (const [list, threshold] of cases) {
          await expect(coordinator.connect(owner).createShamirTask(config, MODEL_CID, list, threshold))
            .to.be.revertedWithCustomError(shamir, "ShamirInvalidThreshold")
            .withArgs(threshold, list.length);
        }
      });

      it("if there are more than 16 servers", async function () {
        const { coordinator, shamir, owner, allServers, outsideServer, config } = await loadFixture(
          deployShamirFixture
        );
        const seventeen = [...allServers, outsideServer].map((server) => server.address);
        await expect(coordinator.connect(owner).createShamirTask(config, MODEL_CID, seventeen, 2))
          .to.be.revertedWithCustomError(shamir, "ShamirTooManyServers")
          .withArgs(MAX_SERVERS + 1, MAX_SERVERS);
      });

      it("if a server is not an active registered server", async function () {
        const { coordinator, shamir, owner, servers, clients, aggregator, stranger, deactivatedServer, config } =
          await loadFixture(deployShamirFixture);
        // A client, the aggregator, an unregistered account, a deactivated server and the zero address.
        for (const account of [
          clients[0].address,
          aggregator.address,
          stranger.address,
          deactivatedServer.address,
          ethers.ZeroAddress,
        ]) {
          const list = [servers[0].address, account, servers[1].address];
          await expect(coordinator.connect(owner).createShamirTask(config, MODEL_CID, list, THRESHOLD))
            .to.be.revertedWithCustomError(shamir, "ShamirNotServer")
            .withArgs(account);
        }
      });

      it("if a server is listed twice", async function () {
        const { coordinator, shamir, owner, servers, config } = await loadFixture(deployShamirFixture);
        const list = [servers[0].address, servers[1].address, servers[0].address];
        await expect(coordinator.connect(owner).createShamirTask(config, MODEL_CID, list, THRESHOLD))
          .to.be.revertedWithCustomError(shamir, "ShamirDuplicateServer")
          .withArgs(servers[0].address);
      });
    });
  });

  describe("a round of five clients and three servers with t = 2", function () {
    it("reserves the rewards at opening, like a Mash round", async function () {
      const fixture = await loadFixture(shamirTaskFixture);
      const { coordinator, verifier, owner } = fixture;
      await expect(coordinator.connect(owner).openRound(TASK_ID, MODEL_CID))
        .to.emit(verifier, "RewardsReserved")
        .withArgs(TASK_ID, 1n, RESERVE);
      const round = await verifier.verification(1n);
      expect([round.stage, round.reserved]).to.deep.equal([Stage.Reserved, RESERVE]);
    });

    it("enters Aggregation at the last joiner's submission, with every submitter included", async function () {
      const fixture = await loadFixture(submittingFixture);
      const { coordinator, clients, roundId } = fixture;
      for (const client of clients.slice(0, CLIENT_COUNT - 1)) await submit(fixture, client, roundId);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Submission);
      await expect(submit(fixture, clients[CLIENT_COUNT - 1], roundId))
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Submission, Phase.Aggregation, (value: bigint) => value > 0n);
      expect(await coordinator.includedClients(roundId)).to.deep.equal(
        clients.slice(0, CLIENT_COUNT).map((c) => c.address)
      );
    });

    it("freezes the submitted set: a client who joined but never submitted is not included", async function () {
      const { coordinator, roundId, submitters, silentClient, clients, stranger } = await loadFixture(
        aggregatingFixture
      );
      for (const client of submitters) expect(await coordinator.isIncluded(roundId, client.address)).to.equal(true);
      expect(await coordinator.isIncluded(roundId, silentClient.address)).to.equal(false);
      expect(await coordinator.isIncluded(roundId, clients[CLIENT_COUNT].address)).to.equal(false);
      expect(await coordinator.isIncluded(roundId, stranger.address)).to.equal(false);
      expect(await coordinator.includedClients(roundId)).to.deep.equal(submitters.map((client) => client.address));
      // Too late to submit now.
      await expect(submit({ coordinator }, silentClient, roundId))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
        .withArgs(roundId, Phase.Aggregation, phaseBitmap(Phase.Submission));
    });

    it("records each server's share-sum with its index and the running count", async function () {
      const fixture = await loadFixture(aggregatingFixture);
      const { shamir, servers, roundId } = fixture;
      const cid = shareSumCid(servers[2]);
      await expect(postShareSum(fixture, servers[2], roundId))
        .to.emit(shamir, "ShareSumPosted")
        .withArgs(roundId, servers[2].address, 2, cid, ethers.id(cid), 1);
      await expect(postShareSum(fixture, servers[0], roundId))
        .to.emit(shamir, "ShareSumPosted")
        .withArgs(roundId, servers[0].address, 0, shareSumCid(servers[0]), ethers.id(shareSumCid(servers[0])), 2);
      expect(await shamir.shareSum(roundId, servers[2].address)).to.deep.equal([cid, ethers.id(cid), 2n, true]);
      expect(await shamir.shareSum(roundId, servers[1].address)).to.deep.equal(["", ethers.ZeroHash, 0n, false]);
      expect(await shamir.shareSumCount(roundId)).to.equal(2);
    });

    it("accepts a share-sum at the very second of the Aggregation deadline", async function () {
      const fixture = await loadFixture(aggregatingFixture);
      const { shamir, servers, roundId } = fixture;
      await time.setNextBlockTimestamp(await deadlineOf(fixture, roundId));
      await expect(postShareSum(fixture, servers[1], roundId)).to.emit(shamir, "ShareSumPosted");
    });

    describe("should revert", function () {
      describe("on postShareSum", function () {
        it("if the caller is not one of the task's servers", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { shamir, roundId, outsideServer, clients, aggregator, stranger } = fixture;
          for (const account of [outsideServer, clients[0], aggregator, stranger]) {
            await expect(postShareSum(fixture, account, roundId))
              .to.be.revertedWithCustomError(shamir, "ShamirNotTaskServer")
              .withArgs(roundId, account.address);
          }
        });

        it("outside Aggregation: during Submission, and after the aggregate", async function () {
          const submitting = await loadFixture(submittingFixture);
          await expect(postShareSum(submitting, submitting.servers[0], submitting.roundId))
            .to.be.revertedWithCustomError(submitting.shamir, "ShamirWrongPhase")
            .withArgs(submitting.roundId, Phase.Submission);

          const fixture = await loadFixture(aggregatingFixture);
          const { shamir, servers, roundId } = fixture;
          await postShareSums(fixture, servers.slice(0, THRESHOLD));
          await postAggregate(fixture, roundId);
          await expect(postShareSum(fixture, servers[2], roundId))
            .to.be.revertedWithCustomError(shamir, "ShamirWrongPhase")
            .withArgs(roundId, Phase.Verification);
        });

        it("if the Aggregation deadline passed, even before anyone advanced the round", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { shamir, servers, roundId } = fixture;
          const deadline = await reachDeadline(fixture, roundId);
          await expect(postShareSum(fixture, servers[0], roundId))
            .to.be.revertedWithCustomError(shamir, "ShamirDeadlinePassed")
            .withArgs(roundId, deadline);
        });

        it("if the server already posted, also after the round moved on", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { shamir, servers, roundId } = fixture;
          await postShareSums(fixture, servers.slice(0, THRESHOLD));
          await expect(postShareSum(fixture, servers[0], roundId))
            .to.be.revertedWithCustomError(shamir, "ShamirShareSumAlreadyPosted")
            .withArgs(roundId, servers[0].address);
          await postAggregate(fixture, roundId);
          await expect(postShareSum(fixture, servers[1], roundId))
            .to.be.revertedWithCustomError(shamir, "ShamirShareSumAlreadyPosted")
            .withArgs(roundId, servers[1].address);
        });

        it("if the CID is empty", async function () {
          const { shamir, servers, roundId } = await loadFixture(aggregatingFixture);
          await expect(
            shamir.connect(servers[0]).postShareSum(roundId, "", ethers.id("x"))
          ).to.be.revertedWithCustomError(shamir, "ShamirEmptyCid");
        });

        it("if the round is unknown, or not a Shamir round", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { coordinator, shamir, owner, servers, config, roundId } = fixture;
          await expect(postShareSum(fixture, servers[0], roundId + 1n))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound")
            .withArgs(roundId + 1n);
          await coordinator.connect(owner).createTask({ ...config, mode: Mode.Plain }, MODEL_CID);
          await coordinator.connect(owner).openRound(2n, MODEL_CID);
          await expect(postShareSum(fixture, servers[0], roundId + 1n))
            .to.be.revertedWithCustomError(shamir, "ShamirUnknownRound")
            .withArgs(roundId + 1n);
        });
      });

      describe("on postAggregate", function () {
        it("with fewer share-sums than the threshold", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { coordinator, servers, roundId } = fixture;
          await expect(postAggregate(fixture, roundId))
            .to.be.revertedWithCustomError(coordinator, "ShamirNotEnoughShareSums")
            .withArgs(roundId, 0, THRESHOLD);
          await postShareSums(fixture, servers.slice(0, 1));
          await expect(postAggregate(fixture, roundId))
            .to.be.revertedWithCustomError(coordinator, "ShamirNotEnoughShareSums")
            .withArgs(roundId, 1, THRESHOLD);
        });

        it("with the phase's own errors first, whatever the share-sums", async function () {
          const fixture = await loadFixture(submittingFixture);
          const { coordinator, roundId } = fixture;
          await expect(postAggregate(fixture, roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(roundId, Phase.Submission, phaseBitmap(Phase.Aggregation));
        });
      });
    });

    it("enters Verification with t share-sums while the third server stays silent", async function () {
      const fixture = await loadFixture(aggregatingFixture);
      const { coordinator, verifier, servers, roundId, submitters } = fixture;
      await postShareSums(fixture, servers.slice(0, THRESHOLD));
      const now = await pinNextTimestamp();

      const transaction = await recordGas({
        log: gasLog,
        name: "postAggregate (Shamir, starts verification)",
        transaction: postAggregate(fixture, roundId),
      });
      await expect(transaction.hash)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Aggregation, Phase.Verification, now + AGGREGATE_DURATION + SUBMIT_DURATION);
      await expect(transaction.hash)
        .to.emit(verifier, "VerificationStarted")
        .withArgs(TASK_ID, roundId, transaction.blockNumber, submitters.length, now + AGGREGATE_DURATION);
      const verification = await verifier.verification(roundId);
      expect(verification.stage).to.equal(Stage.BatchSums);
      expect(verification.includedCount).to.equal(submitters.length);
      expect(verification.reserved).to.equal(RESERVE);
      expect(verification.aggregateHash).to.equal(AGGREGATE_HASH);
      expect((await verifier.taskFunds(TASK_ID)).activeRoundId).to.equal(roundId);
    });

    it("is verified like a Mash round: the submitters commit, the check passes, the round finalizes and pays", async function () {
      const fixture = await loadFixture(aggregatingFixture);
      const { coordinator, verifier, aggregator, servers, roundId, submitters, silentClient } = fixture;
      await postShareSums(fixture, servers.slice(0, THRESHOLD));
      await postAggregate(fixture, roundId);
      const updates = submitters.map((_, index) => quantizedUpdate(MODEL_SIZE, index));
      const aggregate = new Int32Array(MODEL_SIZE);
      for (const update of updates) for (let i = 0; i < MODEL_SIZE; i++) aggregate[i] += update[i];

      // An eth_call at "latest" runs in the seed's own block, whose hash the EVM cannot see yet.
      const sampleSeed = (await verifier.sampleSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
      const packed = encodeBatchSums(batchSums(aggregate, sampleSeed, PARTITIONS, BATCHES));
      await verifier.connect(aggregator).postBatchSums(roundId, packed);
      await expect(verifier.connect(silentClient).commit(roundId, 1n, 2n))
        .to.be.revertedWithCustomError(verifier, "VerifierNotIncluded")
        .withArgs(roundId, silentClient.address);
      for (const [index, client] of submitters.entries()) {
        const weightSeed = (await verifier.weightSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
        const point = commitBatchSums({
          batchSums: batchSums(updates[index], sampleSeed, PARTITIONS, BATCHES),
          weightSeed,
          m: PARTITIONS,
          k: BATCHES,
        });
        await verifier.connect(client).commit(roundId, point.x, point.y);
      }

      await expect(verifier.settle(roundId, packed))
        .to.emit(coordinator, "RoundFinalized")
        .withArgs(TASK_ID, roundId, NEXT_MODEL_CID);
      expect((await verifier.verification(roundId)).outcome).to.equal(Outcome.Passed);
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(NEXT_MODEL_CID);
      expect(await verifier.claimable(roundId, submitters[0].address)).to.equal(CLIENT_REWARD);
      expect(await verifier.claimable(roundId, aggregator.address)).to.equal(AGGREGATOR_REWARD);
      expect(await verifier.claimable(roundId, silentClient.address)).to.equal(0n);
    });

    it("fails with ServersMissing when Aggregation ends with fewer than t share-sums, and releases the reserve", async function () {
      const fixture = await loadFixture(aggregatingFixture);
      const { verifier, servers, roundId } = fixture;
      await postShareSums(fixture, servers.slice(0, 1));
      const transaction = await advanceAfterDeadline(fixture, roundId);
      await recordGas({
        log: gasLog,
        name: "advance (Shamir, ServersMissing)",
        transaction: Promise.resolve(transaction),
      });

      await expectRoundFailed(fixture, transaction, roundId, Phase.Aggregation, FailureReason.ServersMissing);
      await expect(transaction)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, roundId, Outcome.Released, 0, 0, 0, 0, RESERVE);
      expect((await verifier.taskFunds(TASK_ID)).pool).to.equal(POOL);
    });

    it("fails with AggregatorMissing when t share-sums arrived but no aggregate", async function () {
      const fixture = await loadFixture(aggregatingFixture);
      const { servers, roundId } = fixture;
      await postShareSums(fixture, servers.slice(0, THRESHOLD));
      const transaction = await advanceAfterDeadline(fixture, roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Aggregation, FailureReason.AggregatorMissing);
    });

    describe("the floor on the included set", function () {
      it("stores max(3, minClients) as the task's minIncluded", async function () {
        const { coordinator } = await loadFixture(shamirTaskFixture);
        expect((await coordinator.task(TASK_ID)).config.minIncluded).to.equal(3);
      });

      it("fails with TooFewIncluded when Submission closes below minIncluded, and no server can post", async function () {
        const fixture = await loadFixture(submittingFixture);
        const { coordinator, verifier, shamir, clients, servers, roundId } = fixture;
        for (const client of clients.slice(0, 2)) await submit(fixture, client, roundId);
        const transaction = await advanceAfterDeadline(fixture, roundId);
        await expectRoundFailed(fixture, transaction, roundId, Phase.Submission, FailureReason.TooFewIncluded);
        await expect(transaction)
          .to.emit(verifier, "VerificationSettled")
          .withArgs(TASK_ID, roundId, Outcome.Released, 0, 0, 0, 0, RESERVE);
        // Two share-sums of a set of two would hand each of its clients the other's update.
        await expect(postShareSum(fixture, servers[0], roundId))
          .to.be.revertedWithCustomError(shamir, "ShamirWrongPhase")
          .withArgs(roundId, Phase.Failed);
        expect((await coordinator.round(roundId)).submittedCount).to.equal(2);
      });

      it("enters Aggregation with exactly minIncluded submissions", async function () {
        const fixture = await loadFixture(submittingFixture);
        const { coordinator, clients, servers, roundId } = fixture;
        for (const client of clients.slice(0, 3)) await submit(fixture, client, roundId);
        await advanceAfterDeadline(fixture, roundId);
        expect(await coordinator.phase(roundId)).to.equal(Phase.Aggregation);
        await expect(postShareSum(fixture, servers[0], roundId)).to.emit(fixture.shamir, "ShareSumPosted");
      });

      it("fails with TooFewIncluded when Joining closes with fewer joined than minIncluded", async function () {
        const fixture = await loadFixture(shamirTaskFixture);
        const { coordinator, verifier, clients } = fixture;
        const roundId = await openRound(fixture);
        // minClients is 2: enough to leave Joining, but never enough to reach the floor of 3.
        for (const client of clients.slice(0, 2)) await coordinator.connect(client).join(roundId);
        const transaction = await advanceAfterDeadline(fixture, roundId);
        await expectRoundFailed(fixture, transaction, roundId, Phase.Joining, FailureReason.TooFewIncluded);
        await expect(transaction)
          .to.emit(verifier, "VerificationSettled")
          .withArgs(TASK_ID, roundId, Outcome.Released, 0, 0, 0, 0, RESERVE);
      });
    });

    it("can be cancelled before aggregation, releasing the reserve", async function () {
      const fixture = await loadFixture(submittingFixture);
      const { coordinator, verifier, owner, roundId } = fixture;
      const transaction = await coordinator.connect(owner).cancelRound(roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Submission, FailureReason.Cancelled);
      await expect(transaction)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, roundId, Outcome.Released, 0, 0, 0, 0, RESERVE);
    });
  });
});
