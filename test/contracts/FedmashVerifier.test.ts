// Tests of FedmashVerifier through the coordinator that deploys it: the task's money (pool, terms, bond), the
// reserve of a round, a Mash round's challenge window (the fraud proofs themselves are FedmashVerifier.fraudProof.test.ts),
// a Shamir round's seeds, T and the clients' real BN254 commitments to real quantized updates, every outcome of settle
// with its payouts and slashing, pull claims, every refusal, plain transfers and re-entry.
// The books are checked after each outcome: balance == totalOwed + totalBurned, totalOwed == Σ pools + bonds +
// reserves + unclaimed, totalBurned == Σ burned. The aggregator's opt-in (acceptTask) caps the bond a round can lock.
import { expect } from "chai";
import { artifacts, ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, keccak256, parseEther, type ContractTransactionResponse, type TransactionResponse } from "ethers";
import type { FedmashCoordinator, FedmashVerifier, ReentrantAggregator } from "../../typechain-types";
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { checkAggregateAgainstBatchSums } from "../../workers/crypto/verify/checkAggregateAgainstBatchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { AggregateVerificationError } from "../../workers/crypto/verify/errors";
import { sumCommitments } from "../../workers/crypto/verify/sumCommitments";
import type { G1AffinePoint } from "../../workers/crypto/verify/types";
import { deployFedmash } from "../helpers/deployFedmash";
import { ensureServerBond } from "../helpers/driveShamirRound";
import { encryptionKey } from "../helpers/encryptionKey";
import { drawGroups } from "../helpers/drawGroups";
import { FailureReason, MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import { phaseBitmap } from "../helpers/phaseBitmap";
import { Outcome, Stage, VerifierFailureReason } from "../helpers/verifierEnums";
import { quantizedUpdate } from "../workers/crypto/verify/quantizedUpdate";

const TASK_ID = 1n;
const PARTITIONS = 64;
const BATCHES = 2;
/** Coordinates per update: enough for every one of the 128 batches to hold several. */
const MODEL_SIZE = 600;
const GROUP_SIZE = 3;
/** A holder and one group of four: five included clients. */
const MAX_CLIENTS = 5;
const SHORT_DURATION = 100n;
/** The batch sums' deadline (aggregateDuration) and the commitments' (submitDuration); long enough to mine 256 blocks. */
const BATCH_SUMS_DURATION = 1_000n;
const COMMIT_DURATION = 1_000n;
/** A Mash round's challenge window. */
const CHALLENGE_DURATION = 300n;
const SHAMIR_THRESHOLD = 2;
const AGGREGATOR_BOND = parseEther("1");
const CLIENT_REWARD = parseEther("0.1");
const AGGREGATOR_REWARD = parseEther("0.5");
const RESERVE = BigInt(MAX_CLIENTS) * CLIENT_REWARD + AGGREGATOR_REWARD;
const POOL = parseEther("3");
const MODEL_CID = "bafkreimodel";
const NEXT_MODEL_CID = "bafkreinextmodel";
const AGGREGATE_CID = "bafkreiaggregate";
const SAMPLE_SEED_TAG = ethers.id("fedmash/verifier/sample-seed/v1");
const WEIGHT_SEED_TAG = ethers.id("fedmash/verifier/weight-seed/v1");
const ZERO_HASH = ethers.ZeroHash;

/** Gas of every verifier call and hook the tests make, printed at the end for docs/CONTRACTS.md. */
const gasUsed = new Map<string, bigint[]>();

async function recordGas(
  label: string,
  transaction: Promise<ContractTransactionResponse | TransactionResponse>
): Promise<ContractTransactionResponse | TransactionResponse> {
  const sent = await transaction;
  const receipt = await sent.wait();
  if (receipt === null) throw new Error(`no receipt for ${label}`);
  gasUsed.set(label, [...(gasUsed.get(label) ?? []), receipt.gasUsed]);
  return sent;
}

/** Sends a call as the task's aggregator, which is an account in most tests and a contract in the re-entry ones. */
type AggregatorSend = (
  to: string,
  data: string,
  value?: bigint
) => Promise<ContractTransactionResponse | TransactionResponse>;

/** seed = keccak256(abi.encode(blockhash(block), roundId, tag)), recomputed off-chain from the block's hash. */
async function blockSeed(blockNumber: bigint, roundId: bigint, tag: string): Promise<string> {
  const block = await ethers.provider.getBlock(blockNumber);
  if (block?.hash == null) throw new Error(`no block ${blockNumber}`);
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256", "bytes32"], [block.hash, roundId, tag]));
}

function sumOf(updates: readonly Int32Array[]): Int32Array {
  const total = new Int32Array(MODEL_SIZE);
  for (const update of updates) for (let i = 0; i < MODEL_SIZE; i++) total[i] += update[i];
  return total;
}

describe("FedmashVerifier", function () {
  async function deployFixture(mode: typeof Mode.Mash | typeof Mode.Shamir) {
    const signers = await ethers.getSigners();
    const [owner, aggregator, stranger, funder] = signers;
    // One more client than a round admits, registered but never in the round.
    const clients = signers.slice(4, 5 + MAX_CLIENTS);
    const servers = signers.slice(12, 15);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    for (const [index, server] of servers.entries()) {
      await registry.connect(server).register(Role.Server, encryptionKey(`server${index}`).compressed);
    }
    const config = mode === Mode.Shamir ? shamirConfig(aggregator.address) : mashConfig(aggregator.address);
    if (mode === Mode.Shamir) {
      await coordinator.connect(owner).createShamirTask(config, MODEL_CID, servers.map((server) => server.address), SHAMIR_THRESHOLD);
    } else {
      await coordinator.connect(owner).createTask(config, MODEL_CID);
    }
    await recordGas("setTerms", verifier.connect(owner).setTerms(TASK_ID, terms()));
    await recordGas("fundTask", verifier.connect(funder).fundTask(TASK_ID, { value: POOL }));
    await recordGas("acceptTask", verifier.connect(aggregator).acceptTask(TASK_ID, AGGREGATOR_BOND));
    await recordGas("depositBond", verifier.connect(aggregator).depositBond(TASK_ID, { value: AGGREGATOR_BOND }));
    const send: AggregatorSend = (to, data, value) => aggregator.sendTransaction({ to, data, value });
    return { registry, coordinator, verifier, shamir, servers, mode, owner, aggregator, stranger, funder, clients, signers, config, send };
  }

  /** Task 1 is a Mash task: its rounds are verified by fraud proofs. */
  function deployTaskFixture() {
    return deployFixture(Mode.Mash);
  }

  /** Task 1 is a Shamir task (three servers, t = 2): its rounds run the sampled verification. */
  function deployShamirTaskFixture() {
    return deployFixture(Mode.Shamir);
  }

  type TaskFixture = Awaited<ReturnType<typeof deployFixture>>;

  function mashConfig(aggregator: string): IFedmashCoordinator.TaskConfigStruct {
    return {
      mode: Mode.Mash,
      aggregator,
      modelSize: MODEL_SIZE,
      minClients: 4,
      maxClients: MAX_CLIENTS,
      joinDuration: SHORT_DURATION,
      submitDuration: COMMIT_DURATION,
      aggregateDuration: BATCH_SUMS_DURATION,
      modelKind: "mlp",
      groupSize: GROUP_SIZE,
      quantizationScale: 10_000,
      clipMillionths: 1_000_000,
      keyDuration: SHORT_DURATION,
      shuffleDuration: SHORT_DURATION,
      completionDuration: SHORT_DURATION,
      minIncluded: 0,
      maskGroup: MaskGroup.Rlwr2048,
    };
  }

  /** The same task in Shamir mode; the Mash-only fields are 0, which Shamir accepts. */
  function shamirConfig(aggregator: string): IFedmashCoordinator.TaskConfigStruct {
    return { ...mashConfig(aggregator), mode: Mode.Shamir, groupSize: 0, keyDuration: 0, shuffleDuration: 0, completionDuration: 0 };
  }

  function terms(overrides: Partial<Record<"aggregatorBond" | "clientReward" | "aggregatorReward" | "challengeDuration", bigint>> = {}) {
    return {
      aggregatorBond: AGGREGATOR_BOND,
      clientReward: CLIENT_REWARD,
      aggregatorReward: AGGREGATOR_REWARD,
      challengeDuration: CHALLENGE_DURATION,
      ...overrides,
    };
  }

  /** A round in Aggregation with every client on time; each included client holds a quantized update. */
  interface AggregatingRound {
    roundId: bigint;
    /** Mash: the holder. Shamir has none; this is then the first submitter. */
    holder: HardhatEthersSigner;
    /** Mash: the members of the included groups, then the holder; Shamir: the submitters (who must commit). */
    included: HardhatEthersSigner[];
    updates: Map<string, Int32Array>;
    /** The true sum of the included updates. */
    aggregate: Int32Array;
  }

  async function openTaskRound({ coordinator, owner }: Pick<TaskFixture, "coordinator" | "owner">, taskId = TASK_ID) {
    await recordGas("openRound (reserves)", coordinator.connect(owner).openRound(taskId, MODEL_CID));
    return coordinator.roundCount();
  }

  /**
   * Runs the round up to Aggregation: a Mash round's phases with stand-in payloads (the coordinator never reads them),
   * or a Shamir round's submissions and two share-sums.
   */
  async function driveToAggregation(
    fixture: Pick<TaskFixture, "coordinator" | "signers"> & Partial<Pick<TaskFixture, "mode" | "shamir" | "servers">>,
    roundId: bigint,
    clients: HardhatEthersSigner[]
  ): Promise<AggregatingRound> {
    const { coordinator, signers } = fixture;
    for (const client of clients.slice(0, MAX_CLIENTS)) await coordinator.connect(client).join(roundId);
    if (fixture.mode === Mode.Shamir) {
      const submitters = clients.slice(0, MAX_CLIENTS);
      for (const client of submitters) {
        const cid = `bafkreimanifest${client.address.slice(2, 10).toLowerCase()}`;
        await coordinator.connect(client).submitUpdate(roundId, cid, ethers.id(cid), 600, 0);
      }
      for (const server of fixture.servers!.slice(0, SHAMIR_THRESHOLD)) {
        const cid = `bafkreisharesum${server.address.slice(2, 10).toLowerCase()}`;
        await ensureServerBond(fixture.shamir!, (await coordinator.round(roundId)).taskId, server);
        await fixture.shamir!.connect(server).postShareSum(roundId, cid, ethers.id(cid));
      }
      const included = [...(await coordinator.includedClients(roundId))].map(
        (address) => submitters.find((client) => client.address === address)!
      );
      const updates = new Map(included.map((client, index) => [client.address, quantizedUpdate(MODEL_SIZE, index)]));
      return { roundId, holder: included[0]!, included, updates, aggregate: sumOf([...updates.values()]) };
    }
    await drawGroups(coordinator, roundId, clients[0]);
    const bySigner = (address: string): HardhatEthersSigner => {
      const found = signers.find((signer) => signer.address === address);
      if (found === undefined) throw new Error(`no signer for ${address}`);
      return found;
    };
    const mash = await coordinator.mashRound(roundId);
    const holder = bySigner(mash.holder);
    await coordinator.connect(holder).postHolderKey(roundId, ethers.id("paillier key"));
    const members: HardhatEthersSigner[] = [];
    for (let groupIndex = 0n; groupIndex < mash.groupCount; groupIndex++) {
      const group = (await coordinator.group(roundId, groupIndex)).members.map(bySigner);
      for (const member of group.slice(0, -1)) {
        await coordinator.connect(member).postShuffleMessage(roundId, ethers.id(`onion ${member.address}`));
      }
      await coordinator.connect(group[group.length - 1]).postGroupSum(roundId, ethers.id(`sum ${groupIndex}`));
      members.push(...group);
    }
    for (const client of [...members, holder]) {
      const cid = `bafkreimasked${client.address.slice(2, 10).toLowerCase()}`;
      await coordinator.connect(client).submitUpdate(roundId, cid, ethers.id(cid), 600, 0);
    }
    const included = [...members, holder];
    const updates = new Map(included.map((client, index) => [client.address, quantizedUpdate(MODEL_SIZE, index)]));
    return { roundId, holder, included, updates, aggregate: sumOf([...updates.values()]) };
  }

  function postAggregate(
    { coordinator, send }: { coordinator: FedmashCoordinator; send: AggregatorSend },
    roundId: bigint,
    aggregateHash = ethers.id("aggregate")
  ) {
    const data = coordinator.interface.encodeFunctionData("postAggregate", [
      roundId,
      AGGREGATE_CID,
      NEXT_MODEL_CID,
      aggregateHash,
    ]);
    return coordinator.getAddress().then((to) => send(to, data));
  }

  function postBatchSums(
    { verifier, send }: { verifier: FedmashVerifier; send: AggregatorSend },
    roundId: bigint,
    packed: string
  ) {
    const data = verifier.interface.encodeFunctionData("postBatchSums", [roundId, packed]);
    return verifier.getAddress().then((to) => send(to, data));
  }

  /** A Shamir round whose Aggregation passed: the aggregate is posted and T is due. */
  async function batchSumsFixture() {
    const fixture = await loadFixture(deployShamirTaskFixture);
    const roundId = await openTaskRound(fixture);
    const round = await driveToAggregation(fixture, roundId, fixture.clients);
    await recordGas("postAggregate (Shamir, starts verification)", postAggregate(fixture, roundId));
    return { ...fixture, round };
  }

  /** A Mash round whose aggregate is posted: its challenge window is open. */
  async function challengeFixture() {
    const fixture = await loadFixture(deployTaskFixture);
    const roundId = await openTaskRound(fixture);
    const round = await driveToAggregation(fixture, roundId, fixture.clients);
    await recordGas("postAggregate (Mash, opens the challenge window)", postAggregate(fixture, roundId));
    return { ...fixture, round };
  }

  /** The honest T is posted; the included clients commit next. */
  async function commitmentsFixture() {
    const fixture = await loadFixture(batchSumsFixture);
    const { verifier, round } = fixture;
    const sampleSeed = await seedOf(verifier, "sampleSeed", round.roundId);
    const honestSums = batchSums(round.aggregate, sampleSeed as `0x${string}`, PARTITIONS, BATCHES);
    const packed = encodeBatchSums(honestSums);
    await recordGas("postBatchSums", postBatchSums(fixture, round.roundId, packed));
    return { ...fixture, sampleSeed, honestSums, packed };
  }

  type CommitmentsFixture = Awaited<ReturnType<typeof commitmentsFixture>>;

  /** Client `client`'s honest commitment under the round's weight seed. */
  async function commitmentOf({ verifier, round, sampleSeed }: CommitmentsFixture, client: HardhatEthersSigner) {
    const update = round.updates.get(client.address);
    if (update === undefined) throw new Error(`${client.address} has no update`);
    const weightSeed = (await seedOf(verifier, "weightSeed", round.roundId)) as `0x${string}`;
    return commitBatchSums({
      batchSums: batchSums(update, sampleSeed as `0x${string}`, PARTITIONS, BATCHES),
      weightSeed,
      m: PARTITIONS,
      k: BATCHES,
    });
  }

  async function commitAll(fixture: CommitmentsFixture, clients: HardhatEthersSigner[]): Promise<G1AffinePoint[]> {
    const points: G1AffinePoint[] = [];
    for (const client of clients) {
      const point = await commitmentOf(fixture, client);
      const label = points.length === 0 ? "commit (first: fixes the weight seed)" : "commit (later)";
      await recordGas(label, fixture.verifier.connect(client).commit(fixture.round.roundId, point.x, point.y));
      points.push(point);
    }
    return points;
  }

  /**
   * A seed as a worker reads it right after the block that fixes it: an `eth_call` at "latest" runs in that very
   * block, whose hash the EVM cannot see yet (VerifierSeedNotReady), so the call goes to "pending".
   */
  function seedOf(verifier: FedmashVerifier, view: "sampleSeed" | "weightSeed", roundId: bigint): Promise<string> {
    return verifier[view](roundId, { blockTag: "pending" });
  }

  /** Moves the clock past the current stage's deadline. */
  async function passDeadline(verifier: FedmashVerifier, roundId: bigint): Promise<bigint> {
    const deadline = (await verifier.verification(roundId)).deadline;
    await time.increaseTo(deadline + 1n);
    return deadline;
  }

  /**
   * balance == totalOwed + totalBurned; totalOwed == Σ pool + bond over the tasks + Σ reserved + unclaimed over the
   * rounds; totalBurned == Σ burned over the tasks.
   */
  async function expectBooksBalanced(verifier: FedmashVerifier, taskIds: bigint[], roundIds: bigint[]): Promise<void> {
    let held = 0n;
    let burned = 0n;
    for (const taskId of taskIds) {
      const funds = await verifier.taskFunds(taskId);
      held += funds.pool + funds.bond;
      burned += funds.burned;
    }
    for (const roundId of roundIds) {
      const round = await verifier.verification(roundId);
      held += round.reserved + round.unclaimed;
    }
    const balance = await ethers.provider.getBalance(await verifier.getAddress());
    expect(await verifier.totalOwed()).to.equal(held);
    expect(await verifier.totalBurned()).to.equal(burned);
    expect(held + burned).to.equal(balance);
  }

  async function expectFunds(verifier: FedmashVerifier, pool: bigint, bond: bigint, activeRoundId: bigint, burned = 0n) {
    const funds = await verifier.taskFunds(TASK_ID);
    expect([funds.pool, funds.bond, funds.activeRoundId, funds.burned]).to.deep.equal([pool, bond, activeRoundId, burned]);
  }

  after(function () {
    const rows = [...gasUsed.entries()].map(([label, values]) => {
      const low = values.reduce((a, b) => (a < b ? a : b));
      const high = values.reduce((a, b) => (a > b ? a : b));
      return `  ${label}: ${low === high ? low : `${low}–${high}`} (${values.length} calls)`;
    });
    console.log(`\n  FedmashVerifier gas:\n${rows.join("\n")}`);
  });

  describe("deployment", function () {
    it("is created by the coordinator and answers only to it, within the code size limits", async function () {
      const { coordinator, verifier } = await loadFixture(deployTaskFixture);
      expect(await verifier.coordinator()).to.equal(await coordinator.getAddress());
      expect(await coordinator.verifier()).to.equal(await verifier.getAddress());
      expect(await verifier.SAMPLE_SEED_TAG()).to.equal(SAMPLE_SEED_TAG);
      expect(await verifier.WEIGHT_SEED_TAG()).to.equal(WEIGHT_SEED_TAG);
      expect(await verifier.CHALLENGE_BOND()).to.equal(parseEther("0.01"));
      expect(await verifier.MIN_CHALLENGE_DURATION()).to.equal(5n);
      // The BN254 getters left with the Mash sampled verification; the fraud proof took the dispute's place.
      for (const gone of ["PARTITIONS", "BATCHES", "dispute", "hasDisputed"]) {
        expect(verifier.interface.fragments.some((fragment) => (fragment as { name?: string }).name === gone), gone).to.equal(false);
      }

      const runtime = async (address: string) => ((await ethers.provider.getCode(address)).length - 2) / 2;
      const initcode = async (name: string) => ((await artifacts.readArtifact(name)).bytecode.length - 2) / 2;
      const coordinatorRuntime = await runtime(await coordinator.getAddress());
      const verifierRuntime = await runtime(await verifier.getAddress());
      const coordinatorInitcode = await initcode("FedmashCoordinator");
      const factoryInitcode = await initcode("FedmashVerifierFactory");
      console.log(
        `    coordinator runtime ${coordinatorRuntime} B, initcode ${coordinatorInitcode} B; ` +
          `verifier runtime ${verifierRuntime} B, factory initcode ${factoryInitcode} B (verifier inside)`
      );
      // EIP-170 and EIP-3860.
      expect(coordinatorRuntime).to.be.below(24_576);
      expect(verifierRuntime).to.be.below(24_576);
      expect(coordinatorInitcode).to.be.below(49_152);
      expect(factoryInitcode).to.be.below(49_152);
      // The factory's runtime holds the verifier's creation code, so it is the tighter bound (EIP-170).
      const factoryRuntime = ((await artifacts.readArtifact("FedmashVerifierFactory")).deployedBytecode.length - 2) / 2;
      expect(factoryRuntime).to.be.below(24_576);
    });
  });

  describe("the money of a task", function () {
    it("funds, withdraws, bonds and unbonds, keeping the books", async function () {
      const { verifier, owner, aggregator, funder } = await loadFixture(deployTaskFixture);
      await expectFunds(verifier, POOL, AGGREGATOR_BOND, 0n);
      expect((await verifier.taskFunds(TASK_ID)).terms).to.deep.equal([
        AGGREGATOR_BOND,
        CLIENT_REWARD,
        AGGREGATOR_REWARD,
        CHALLENGE_DURATION,
      ]);

      await expect(verifier.connect(funder).fundTask(TASK_ID, { value: 5n }))
        .to.emit(verifier, "TaskFunded")
        .withArgs(TASK_ID, funder.address, 5n, POOL + 5n);
      const withdrawn = recordGas("withdrawPool", verifier.connect(owner).withdrawPool(TASK_ID, parseEther("1")));
      await expect(withdrawn).to.changeEtherBalances([owner, verifier], [parseEther("1"), -parseEther("1")]);
      await expect(withdrawn)
        .to.emit(verifier, "PoolWithdrawn")
        .withArgs(TASK_ID, owner.address, parseEther("1"), POOL + 5n - parseEther("1"));

      await expect(verifier.connect(aggregator).depositBond(TASK_ID, { value: 7n }))
        .to.emit(verifier, "BondDeposited")
        .withArgs(TASK_ID, aggregator.address, 7n, AGGREGATOR_BOND + 7n);
      const unbonded = recordGas("withdrawBond", verifier.connect(aggregator).withdrawBond(TASK_ID, 7n));
      await expect(unbonded).to.changeEtherBalances([aggregator, verifier], [7n, -7n]);
      await expect(unbonded)
        .to.emit(verifier, "BondWithdrawn")
        .withArgs(TASK_ID, aggregator.address, 7n, AGGREGATOR_BOND);

      await expect(verifier.connect(owner).setTerms(TASK_ID, terms({ clientReward: 3n })))
        .to.emit(verifier, "TermsSet")
        .withArgs(TASK_ID, AGGREGATOR_BOND, 3n, AGGREGATOR_REWARD, CHALLENGE_DURATION);
      await expectFunds(verifier, POOL + 5n - parseEther("1"), AGGREGATOR_BOND, 0n);
      await expectBooksBalanced(verifier, [TASK_ID], []);
    });

    it("lets only a bond the aggregator accepted be locked (acceptTask), whatever the owner's terms say", async function () {
      const fixture = await loadFixture(deployTaskFixture);
      const { coordinator, verifier, owner, aggregator } = fixture;
      await expect(recordGas("acceptTask", verifier.connect(aggregator).acceptTask(TASK_ID, AGGREGATOR_BOND / 2n)))
        .to.emit(verifier, "TaskAccepted")
        .withArgs(TASK_ID, aggregator.address, AGGREGATOR_BOND / 2n);
      expect((await verifier.taskFunds(TASK_ID)).acceptedBond).to.equal(AGGREGATOR_BOND / 2n);
      // The bond is deposited and large enough, but the round's terms ask for more than was accepted.
      const roundId = await openTaskRound(fixture);
      await driveToAggregation(fixture, roundId, fixture.clients);
      await expect(postAggregate(fixture, roundId))
        .to.be.revertedWithCustomError(verifier, "VerifierBondNotAccepted")
        .withArgs(TASK_ID, AGGREGATOR_BOND, AGGREGATOR_BOND / 2n);
      // Withdrawn acceptance (0) refuses every bond; accepting the round's bond lets it be locked.
      await verifier.connect(aggregator).acceptTask(TASK_ID, 0n);
      await expect(postAggregate(fixture, roundId))
        .to.be.revertedWithCustomError(verifier, "VerifierBondNotAccepted")
        .withArgs(TASK_ID, AGGREGATOR_BOND, 0n);
      await verifier.connect(aggregator).acceptTask(TASK_ID, AGGREGATOR_BOND);
      await expect(postAggregate(fixture, roundId)).to.emit(verifier, "VerificationStarted");
      // Lowering the cap later does not unlock a bond a round already holds.
      await verifier.connect(aggregator).acceptTask(TASK_ID, 0n);
      await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, 1n))
        .to.be.revertedWithCustomError(verifier, "VerifierBondLocked")
        .withArgs(TASK_ID, roundId);
      await expect(verifier.connect(owner).setTerms(TASK_ID, terms()))
        .to.be.revertedWithCustomError(verifier, "VerifierTaskBusy")
        .withArgs(TASK_ID, roundId);
      await expectBooksBalanced(verifier, [TASK_ID], [roundId]);
    });

    it("needs no acceptance for a round that requires no bond (nothing is at risk)", async function () {
      const fixture = await loadFixture(deployTaskFixture);
      const { verifier, owner, aggregator } = fixture;
      await verifier.connect(aggregator).acceptTask(TASK_ID, 0n);
      await verifier.connect(owner).setTerms(TASK_ID, terms({ aggregatorBond: 0n }));
      const roundId = await openTaskRound(fixture);
      await driveToAggregation(fixture, roundId, fixture.clients);
      await expect(postAggregate(fixture, roundId)).to.emit(verifier, "VerificationStarted");
    });

    it("reserves maxClients · clientReward + aggregatorReward when a Mash round opens", async function () {
      const fixture = await loadFixture(deployTaskFixture);
      const { coordinator, verifier, owner, aggregator } = fixture;
      const opened = coordinator.connect(owner).openRound(TASK_ID, MODEL_CID);
      await expect(opened).to.emit(verifier, "RewardsReserved").withArgs(TASK_ID, 1n, RESERVE);
      await expectFunds(verifier, POOL - RESERVE, AGGREGATOR_BOND, 1n);
      const round = await verifier.verification(1n);
      expect([round.taskId, round.aggregator, round.stage, round.outcome]).to.deep.equal([
        TASK_ID,
        aggregator.address,
        BigInt(Stage.Reserved),
        BigInt(Outcome.None),
      ]);
      expect([round.partitions, round.batches, round.reserved, round.unclaimed]).to.deep.equal([64n, 2n, RESERVE, 0n]);
      expect(round.terms).to.deep.equal([AGGREGATOR_BOND, CLIENT_REWARD, AGGREGATOR_REWARD, CHALLENGE_DURATION]);
      // The bond is not locked before an aggregate exists.
      await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, 1n)).to.emit(verifier, "BondWithdrawn");
      await expectBooksBalanced(verifier, [TASK_ID], [1n]);
    });

    it("gives the reserve back when the round fails before its aggregate (Released)", async function () {
      const fixture = await loadFixture(deployTaskFixture);
      const { coordinator, verifier, owner } = fixture;
      const roundId = await openTaskRound(fixture);
      const cancelled = recordGas("cancelRound (Mash, releases)", coordinator.connect(owner).cancelRound(roundId));
      await expect(cancelled)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, roundId, Outcome.Released, 0, 0, 0, 0, RESERVE);
      await expectFunds(verifier, POOL, AGGREGATOR_BOND, 0n);
      const round = await verifier.verification(roundId);
      expect([round.stage, round.outcome, round.reserved]).to.deep.equal([
        BigInt(Stage.Settled),
        BigInt(Outcome.Released),
        0n,
      ]);
      await expectBooksBalanced(verifier, [TASK_ID], [roundId]);
      // The terms are free again.
      await expect(verifier.connect(owner).setTerms(TASK_ID, terms())).to.emit(verifier, "TermsSet");
    });

    it("releases the reserve when the aggregator misses Aggregation, without slashing (no aggregate, no bond lock)", async function () {
      const fixture = await loadFixture(deployTaskFixture);
      const { coordinator, verifier, stranger } = fixture;
      const roundId = await openTaskRound(fixture);
      await driveToAggregation(fixture, roundId, fixture.clients);
      await time.increaseTo((await coordinator.round(roundId)).deadline + 1n);
      const advanced = coordinator.connect(stranger).advance(roundId);
      await expect(advanced)
        .to.emit(coordinator, "RoundFailed")
        .withArgs(TASK_ID, roundId, FailureReason.AggregatorMissing);
      await expect(advanced)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, roundId, Outcome.Released, 0, 0, 0, 0, RESERVE);
      await expectFunds(verifier, POOL, AGGREGATOR_BOND, 0n);
    });

    it("leaves Plain rounds alone: no reserve, no verification", async function () {
      const fixture = await loadFixture(deployTaskFixture);
      const { coordinator, verifier, owner, aggregator } = fixture;
      await coordinator.connect(owner).createTask({ ...mashConfig(aggregator.address), mode: Mode.Plain }, MODEL_CID);
      await verifier.connect(owner).fundTask(2n, { value: 10n });
      await verifier.connect(owner).setTerms(2n, terms());
      await coordinator.connect(owner).openRound(2n, MODEL_CID);
      const plainRoundId = await coordinator.roundCount();
      await expect(verifier.verification(plainRoundId))
        .to.be.revertedWithCustomError(verifier, "VerifierUnknownRound")
        .withArgs(plainRoundId);
      expect((await verifier.taskFunds(2n)).pool).to.equal(10n);
      expect(await coordinator.isIncluded(plainRoundId, owner.address)).to.equal(false);
    });
  });

  describe("a Mash round with an honest aggregator", function () {
    it("opens the challenge window at the aggregate and, unchallenged, passes once it closed, paying every included account", async function () {
      const fixture = await loadFixture(challengeFixture);
      const { coordinator, verifier, aggregator, stranger, round } = fixture;
      const started = await verifier.verification(round.roundId);
      const block = await ethers.provider.getBlock("latest");
      expect([started.stage, started.deadline, started.includedCount, started.aggregateHash]).to.deep.equal([
        BigInt(Stage.Challenge),
        BigInt(block!.timestamp) + CHALLENGE_DURATION,
        BigInt(MAX_CLIENTS),
        ethers.id("aggregate"),
      ]);
      // No T, no seeds, no commitments in Mash.
      await expect(postBatchSums(fixture, round.roundId, "0x"))
        .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
        .withArgs(round.roundId, Stage.Challenge, Stage.BatchSums);
      await expect(verifier.connect(round.included[0]).commit(round.roundId, 0, 0))
        .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
        .withArgs(round.roundId, Stage.Challenge, Stage.Commitments);
      // The bond is locked for the whole window, and settling waits for its end (the deadline itself is inside).
      await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, 1n))
        .to.be.revertedWithCustomError(verifier, "VerifierBondLocked")
        .withArgs(TASK_ID, round.roundId);
      await time.setNextBlockTimestamp(started.deadline);
      await expect(verifier.connect(stranger).settle(round.roundId, "0x"))
        .to.be.revertedWithCustomError(verifier, "VerifierDeadlineNotPassed")
        .withArgs(round.roundId, started.deadline);
      await time.setNextBlockTimestamp(started.deadline + 1n);

      const paid = AGGREGATOR_REWARD + BigInt(MAX_CLIENTS) * CLIENT_REWARD;
      const settled = recordGas("settle (Mash, Passed after the window)", verifier.connect(stranger).settle(round.roundId, "0x"));
      await expect(settled)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, round.roundId, Outcome.Passed, 0, MAX_CLIENTS, paid, 0, 0);
      await expect(settled).to.emit(coordinator, "RoundFinalized").withArgs(TASK_ID, round.roundId, NEXT_MODEL_CID);
      await expect(settled).not.to.emit(verifier, "AggregatorSlashed");
      await expectFunds(verifier, POOL - RESERVE, AGGREGATOR_BOND, 0n);
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
      // Every included account is paid, the holder too, though none of them did anything after its submission.
      expect(round.included).to.include(round.holder);
      for (const client of round.included) {
        expect(await verifier.hasCommitted(round.roundId, client.address)).to.equal(false);
        await expect(recordGas("claim (Mash)", verifier.connect(client).claim(round.roundId))).to.changeEtherBalances(
          [client, verifier],
          [CLIENT_REWARD, -CLIENT_REWARD]
        );
      }
      const outsider = fixture.clients[MAX_CLIENTS];
      await expect(verifier.connect(outsider).claim(round.roundId))
        .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
        .withArgs(round.roundId, outsider.address);
      await expect(verifier.connect(aggregator).claim(round.roundId)).to.changeEtherBalance(aggregator, AGGREGATOR_REWARD);
      expect((await verifier.verification(round.roundId)).unclaimed).to.equal(0n);
      await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, AGGREGATOR_BOND)).to.emit(verifier, "BondWithdrawn");
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
    });
  });

  describe("a Shamir round with an honest aggregator and every client committing", function () {
    it("fixes σ from the aggregate's block and σ_w from T's, checks Σ C_i against T, finalizes and pays", async function () {
      const fixture = await loadFixture(commitmentsFixture);
      const { coordinator, verifier, aggregator, stranger, round, packed, sampleSeed } = fixture;
      const started = await verifier.verification(round.roundId);
      expect(started.stage).to.equal(Stage.Commitments);
      expect(started.includedCount).to.equal(MAX_CLIENTS);
      expect(sampleSeed).to.equal(await blockSeed(started.aggregateBlock, round.roundId, SAMPLE_SEED_TAG));
      expect(started.sampleSeed).to.equal(sampleSeed);
      expect(started.batchSumsHash).to.equal(keccak256(packed));
      // Every client can check the published aggregate against T before committing.
      checkAggregateAgainstBatchSums(
        round.aggregate,
        sampleSeed as `0x${string}`,
        PARTITIONS,
        BATCHES,
        fixture.honestSums
      );

      const points = await commitAll(fixture, round.included);
      const committed = await verifier.verification(round.roundId);
      const weightSeed = await blockSeed(committed.batchSumsBlock, round.roundId, WEIGHT_SEED_TAG);
      expect(committed.weightSeed).to.equal(weightSeed);
      expect(await verifier.weightSeed(round.roundId)).to.equal(weightSeed);
      const expectedSum = sumCommitments(points);
      expect([committed.commitmentX, committed.commitmentY]).to.deep.equal([expectedSum.x, expectedSum.y]);
      expect(committed.committedCount).to.equal(MAX_CLIENTS);

      // Everyone committed, so settling does not wait for the deadline.
      const paid = AGGREGATOR_REWARD + BigInt(MAX_CLIENTS) * CLIENT_REWARD;
      const settled = recordGas("settle (Passed)", verifier.connect(stranger).settle(round.roundId, packed));
      await expect(settled)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, round.roundId, Outcome.Passed, MAX_CLIENTS, MAX_CLIENTS, paid, 0, 0);
      await expect(settled).to.emit(coordinator, "RoundFinalized").withArgs(TASK_ID, round.roundId, NEXT_MODEL_CID);
      await expect(settled).not.to.emit(verifier, "AggregatorSlashed");
      expect(await coordinator.phase(round.roundId)).to.equal(Phase.Finalized);
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(NEXT_MODEL_CID);

      const final = await verifier.verification(round.roundId);
      expect([
        final.stage,
        final.outcome,
        final.deadline,
        final.reserved,
        final.unclaimed,
        final.slashed,
      ]).to.deep.equal([BigInt(Stage.Settled), BigInt(Outcome.Passed), 0n, 0n, paid, 0n]);
      await expectFunds(verifier, POOL - RESERVE, AGGREGATOR_BOND, 0n);
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);

      for (const client of round.included) {
        expect(await verifier.claimable(round.roundId, client.address)).to.equal(CLIENT_REWARD);
        const claimed = recordGas("claim", verifier.connect(client).claim(round.roundId));
        await expect(claimed).to.changeEtherBalances([client, verifier], [CLIENT_REWARD, -CLIENT_REWARD]);
        await expect(claimed).to.emit(verifier, "RewardClaimed").withArgs(round.roundId, client.address, CLIENT_REWARD);
        expect(await verifier.claimable(round.roundId, client.address)).to.equal(0);
      }
      await expect(verifier.connect(aggregator).claim(round.roundId)).to.changeEtherBalances(
        [aggregator, verifier],
        [AGGREGATOR_REWARD, -AGGREGATOR_REWARD]
      );
      expect((await verifier.verification(round.roundId)).unclaimed).to.equal(0);
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
      // The bond is free again, and the next round reserves from what is left.
      await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, AGGREGATOR_BOND)).to.emit(
        verifier,
        "BondWithdrawn"
      );
    });
  });

  describe("outcomes", function () {
    it("fails, slashing nobody, when T is not the aggregate's batch sums (Failed): a failed check names no culprit (M2)", async function () {
      const fixture = await loadFixture(batchSumsFixture);
      const { coordinator, verifier, stranger, round } = fixture;
      const sampleSeed = (await seedOf(verifier, "sampleSeed", round.roundId)) as `0x${string}`;
      const tampered = round.aggregate.slice();
      tampered[17] += 1;
      const tamperedSums = encodeBatchSums(batchSums(tampered, sampleSeed, PARTITIONS, BATCHES));
      await postBatchSums(fixture, round.roundId, tamperedSums);
      await commitAll(
        { ...fixture, sampleSeed, honestSums: new BigInt64Array(), packed: tamperedSums },
        round.included
      );

      const settled = recordGas("settle (Failed)", verifier.connect(stranger).settle(round.roundId, tamperedSums));
      await expect(settled).not.to.emit(verifier, "AggregatorSlashed");
      await expect(settled)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, round.roundId, Outcome.Failed, MAX_CLIENTS, MAX_CLIENTS, 0, 0, RESERVE);
      await expect(settled)
        .to.emit(coordinator, "RoundFailed")
        .withArgs(TASK_ID, round.roundId, FailureReason.VerificationFailed);
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(MODEL_CID);
      // The pool gets back its reserve; the bond stays the aggregator's; nothing is burned or paid.
      await expectFunds(verifier, POOL, AGGREGATOR_BOND, 0n, 0n);
      expect(await verifier.totalBurned()).to.equal(0n);
      expect((await verifier.verification(round.roundId)).slashed).to.equal(0n);
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
      for (const account of [round.included[0], fixture.aggregator]) {
        await expect(verifier.connect(account).claim(round.roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
          .withArgs(round.roundId, account.address);
      }
    });

    it("fails and slashes when T never comes (BatchSumsMissing)", async function () {
      const fixture = await loadFixture(batchSumsFixture);
      const { coordinator, verifier, stranger, round } = fixture;
      await passDeadline(verifier, round.roundId);
      const settled = recordGas("settle (BatchSumsMissing)", verifier.connect(stranger).settle(round.roundId, "0x"));
      await expect(settled)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, round.roundId, Outcome.BatchSumsMissing, 0, MAX_CLIENTS, 0, AGGREGATOR_BOND, RESERVE);
      await expect(settled)
        .to.emit(coordinator, "RoundFailed")
        .withArgs(TASK_ID, round.roundId, FailureReason.AggregatorMissing);
      await expectFunds(verifier, POOL, 0n, 0n, AGGREGATOR_BOND);
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
    });

    it("pays the committers and slashes nobody when a commitment is missing (CommitmentsMissing)", async function () {
      const fixture = await loadFixture(commitmentsFixture);
      const { coordinator, verifier, stranger, round, packed } = fixture;
      const [absent, ...committers] = round.included;
      await commitAll(fixture, committers);
      const deadline = (await verifier.verification(round.roundId)).deadline;
      await expect(verifier.settle(round.roundId, packed))
        .to.be.revertedWithCustomError(verifier, "VerifierDeadlineNotPassed")
        .withArgs(round.roundId, deadline);
      await passDeadline(verifier, round.roundId);

      const paid = BigInt(committers.length) * CLIENT_REWARD;
      const settled = recordGas("settle (CommitmentsMissing)", verifier.connect(stranger).settle(round.roundId, "0x"));
      await expect(settled)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(
          TASK_ID,
          round.roundId,
          Outcome.CommitmentsMissing,
          committers.length,
          MAX_CLIENTS,
          paid,
          0,
          RESERVE - paid
        );
      await expect(settled)
        .to.emit(coordinator, "RoundFailed")
        .withArgs(TASK_ID, round.roundId, VerifierFailureReason.CommitmentsMissing);
      await expectFunds(verifier, POOL - paid, AGGREGATOR_BOND, 0n);

      for (const committer of committers) {
        await expect(verifier.connect(committer).claim(round.roundId)).to.changeEtherBalance(committer, CLIENT_REWARD);
      }
      for (const account of [absent, fixture.aggregator]) {
        await expect(verifier.connect(account).claim(round.roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
          .withArgs(round.roundId, account.address);
      }
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
    });

    it("refuses the model when a client finds the published aggregate off T: it does not commit (CommitmentsMissing)", async function () {
      const fixture = await loadFixture(commitmentsFixture);
      const { coordinator, verifier, stranger, aggregator, round, packed, sampleSeed, honestSums } = fixture;
      // The aggregator posted the true T, but the aggregate file it published differs at one coordinate.
      const published = round.aggregate.slice();
      published[3] -= 9;
      let mismatch: AggregateVerificationError | undefined;
      try {
        checkAggregateAgainstBatchSums(published, sampleSeed as `0x${string}`, PARTITIONS, BATCHES, honestSums);
      } catch (error) {
        if (error instanceof AggregateVerificationError) mismatch = error;
      }
      if (mismatch === undefined) throw new Error("the client check did not catch the tampered aggregate");
      // There is no dispute any more: the client that caught it withholds its commitment, the others commit.
      expect(verifier.interface.fragments.some((fragment) => (fragment as { name?: string }).name === "dispute")).to.equal(false);
      const [refuser, ...committers] = round.included;
      await commitAll(fixture, committers);
      await expect(verifier.settle(round.roundId, packed))
        .to.be.revertedWithCustomError(verifier, "VerifierDeadlineNotPassed")
        .withArgs(round.roundId, (await verifier.verification(round.roundId)).deadline);
      await passDeadline(verifier, round.roundId);

      const paid = BigInt(committers.length) * CLIENT_REWARD;
      const settled = recordGas("settle (CommitmentsMissing, a refusal)", verifier.connect(stranger).settle(round.roundId, packed));
      await expect(settled)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(TASK_ID, round.roundId, Outcome.CommitmentsMissing, committers.length, MAX_CLIENTS, paid, 0, RESERVE - paid);
      await expect(settled)
        .to.emit(coordinator, "RoundFailed")
        .withArgs(TASK_ID, round.roundId, VerifierFailureReason.CommitmentsMissing);
      // The model is refused; nobody is slashed; the refuser and the aggregator are owed nothing.
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(MODEL_CID);
      await expectFunds(verifier, POOL - paid, AGGREGATOR_BOND, 0n);
      for (const account of [refuser, aggregator]) {
        expect(await verifier.claimable(round.roundId, account.address)).to.equal(0n);
      }
      await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
    });
  });

  describe("should revert", function () {
    describe("on the task's money", function () {
      it("if a call comes from the wrong account", async function () {
        const { verifier, stranger } = await loadFixture(deployTaskFixture);
        await expect(verifier.connect(stranger).setTerms(TASK_ID, terms()))
          .to.be.revertedWithCustomError(verifier, "VerifierNotTaskOwner")
          .withArgs(TASK_ID, stranger.address);
        await expect(verifier.connect(stranger).withdrawPool(TASK_ID, 1n))
          .to.be.revertedWithCustomError(verifier, "VerifierNotTaskOwner")
          .withArgs(TASK_ID, stranger.address);
        await expect(verifier.connect(stranger).depositBond(TASK_ID, { value: 1n }))
          .to.be.revertedWithCustomError(verifier, "VerifierNotAggregator")
          .withArgs(TASK_ID, stranger.address);
        await expect(verifier.connect(stranger).withdrawBond(TASK_ID, 1n))
          .to.be.revertedWithCustomError(verifier, "VerifierNotAggregator")
          .withArgs(TASK_ID, stranger.address);
        await expect(verifier.connect(stranger).acceptTask(TASK_ID, 1n))
          .to.be.revertedWithCustomError(verifier, "VerifierNotAggregator")
          .withArgs(TASK_ID, stranger.address);
      });

      it("if an amount is zero", async function () {
        const { verifier, owner, aggregator } = await loadFixture(deployTaskFixture);
        await expect(verifier.fundTask(TASK_ID))
          .to.be.revertedWithCustomError(verifier, "VerifierZeroAmount")
          .withArgs();
        await expect(verifier.connect(owner).withdrawPool(TASK_ID, 0)).to.be.revertedWithCustomError(
          verifier,
          "VerifierZeroAmount"
        );
        await expect(verifier.connect(aggregator).depositBond(TASK_ID)).to.be.revertedWithCustomError(
          verifier,
          "VerifierZeroAmount"
        );
        await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, 0)).to.be.revertedWithCustomError(
          verifier,
          "VerifierZeroAmount"
        );
      });

      it("if the task does not exist", async function () {
        const { verifier, coordinator } = await loadFixture(deployTaskFixture);
        await expect(verifier.fundTask(9n, { value: 1n }))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownTask")
          .withArgs(9n);
      });

      it("if a withdrawal exceeds the pool or the bond", async function () {
        const fixture = await loadFixture(deployTaskFixture);
        const { verifier, owner, aggregator } = fixture;
        await expect(verifier.connect(owner).withdrawPool(TASK_ID, POOL + 1n))
          .to.be.revertedWithCustomError(verifier, "VerifierInsufficientPool")
          .withArgs(TASK_ID, POOL + 1n, POOL);
        await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, AGGREGATOR_BOND + 1n))
          .to.be.revertedWithCustomError(verifier, "VerifierInsufficientBond")
          .withArgs(TASK_ID, AGGREGATOR_BOND + 1n, AGGREGATOR_BOND);
        // The reserve is not the owner's to withdraw.
        await openTaskRound(fixture);
        await expect(verifier.connect(owner).withdrawPool(TASK_ID, POOL))
          .to.be.revertedWithCustomError(verifier, "VerifierInsufficientPool")
          .withArgs(TASK_ID, POOL, POOL - RESERVE);
      });

      it("if the terms change while a round holds a reserve", async function () {
        const fixture = await loadFixture(deployTaskFixture);
        const roundId = await openTaskRound(fixture);
        await expect(fixture.verifier.connect(fixture.owner).setTerms(TASK_ID, terms()))
          .to.be.revertedWithCustomError(fixture.verifier, "VerifierTaskBusy")
          .withArgs(TASK_ID, roundId);
      });

      it("if the terms would overflow the reserve of the largest round", async function () {
        const { verifier, owner } = await loadFixture(deployTaskFixture);
        const clientReward = ethers.MaxUint256 / 1024n;
        await expect(verifier.connect(owner).setTerms(TASK_ID, terms({ clientReward, aggregatorReward: 1024n })))
          .to.be.revertedWithCustomError(verifier, "VerifierTermsTooLarge")
          .withArgs(clientReward, 1024n);
        // The largest terms that fit are accepted.
        await expect(verifier.connect(owner).setTerms(TASK_ID, terms({ clientReward: (ethers.MaxUint256 - 1024n) / 1024n, aggregatorReward: 1024n }))).to.emit(
          verifier,
          "TermsSet",
        );
      });

      it("if the challenge window is shorter than MIN_CHALLENGE_DURATION (5 s)", async function () {
        const { verifier, owner } = await loadFixture(deployTaskFixture);
        for (const challengeDuration of [0n, 4n]) {
          await expect(verifier.connect(owner).setTerms(TASK_ID, terms({ challengeDuration })))
            .to.be.revertedWithCustomError(verifier, "VerifierChallengeWindowTooShort")
            .withArgs(challengeDuration, 5n);
        }
        await expect(verifier.connect(owner).setTerms(TASK_ID, terms({ challengeDuration: 5n })))
          .to.emit(verifier, "TermsSet")
          .withArgs(TASK_ID, AGGREGATOR_BOND, CLIENT_REWARD, AGGREGATOR_REWARD, 5n);
      });

      it("if the pool cannot cover a new round's rewards (the opening reverts)", async function () {
        const { coordinator, verifier, owner } = await loadFixture(deployTaskFixture);
        const reserve = BigInt(MAX_CLIENTS) * POOL + AGGREGATOR_REWARD;
        await verifier.connect(owner).setTerms(TASK_ID, terms({ clientReward: POOL }));
        await expect(coordinator.connect(owner).openRound(TASK_ID, MODEL_CID))
          .to.be.revertedWithCustomError(verifier, "VerifierInsufficientPool")
          .withArgs(TASK_ID, reserve, POOL);
      });

      it("if the bond is short when the aggregate is posted (the posting reverts)", async function () {
        const fixture = await loadFixture(deployTaskFixture);
        const { verifier, aggregator } = fixture;
        await verifier.connect(aggregator).withdrawBond(TASK_ID, 1n);
        const roundId = await openTaskRound(fixture);
        await driveToAggregation(fixture, roundId, fixture.clients);
        await expect(postAggregate(fixture, roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierInsufficientBond")
          .withArgs(TASK_ID, AGGREGATOR_BOND, AGGREGATOR_BOND - 1n);
      });

      for (const stage of [Stage.BatchSums, Stage.Commitments, Stage.Challenge] as const) {
        it(`if the bond is withdrawn while the round is in ${
          stage === Stage.BatchSums ? "BatchSums" : stage === Stage.Commitments ? "Commitments" : "Challenge (Mash)"
        }`, async function () {
          const fixture = await loadFixture(
            stage === Stage.BatchSums ? batchSumsFixture : stage === Stage.Commitments ? commitmentsFixture : challengeFixture
          );
          await expect(fixture.verifier.connect(fixture.aggregator).withdrawBond(TASK_ID, 1n))
            .to.be.revertedWithCustomError(fixture.verifier, "VerifierBondLocked")
            .withArgs(TASK_ID, fixture.round.roundId);
        });
      }

      it("if ETH is sent without a call", async function () {
        const { verifier, funder } = await loadFixture(deployTaskFixture);
        const to = await verifier.getAddress();
        await expect(funder.sendTransaction({ to, value: 1n })).to.be.revertedWithoutReason();
        await expect(funder.sendTransaction({ to, value: 1n, data: "0x12345678" })).to.be.revertedWithoutReason();
        await expectBooksBalanced(verifier, [TASK_ID], []);
      });
    });

    describe("on the coordinator hooks", function () {
      it("if anyone but the coordinator calls them", async function () {
        const { verifier, stranger } = await loadFixture(deployTaskFixture);
        const calls = [
          () => verifier.connect(stranger).onRoundOpened(TASK_ID, 1n, stranger.address, 1n),
          () => verifier.connect(stranger).onAggregatePosted(1n, ZERO_HASH, 1n, 1n, 1n),
          () => verifier.connect(stranger).onRoundFailed(1n),
        ];
        for (const call of calls) {
          await expect(call())
            .to.be.revertedWithCustomError(verifier, "VerifierNotCoordinator")
            .withArgs(stranger.address);
        }
      });

      it("if anyone but the verifier concludes a verification, or outside Verification", async function () {
        const fixture = await loadFixture(deployTaskFixture);
        const { coordinator, verifier, stranger } = fixture;
        const roundId = await openTaskRound(fixture);
        await expect(coordinator.connect(stranger).concludeVerification(roundId, FailureReason.None))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotVerifier")
          .withArgs(stranger.address);
        const verifierAddress = await verifier.getAddress();
        await network.provider.send("hardhat_impersonateAccount", [verifierAddress]);
        await network.provider.send("hardhat_setBalance", [verifierAddress, "0xde0b6b3a7640000"]);
        const asVerifier = await ethers.getSigner(verifierAddress);
        await expect(coordinator.connect(asVerifier).concludeVerification(roundId, FailureReason.None))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
          .withArgs(roundId, Phase.Joining, phaseBitmap(Phase.Verification));
        await network.provider.send("hardhat_stopImpersonatingAccount", [verifierAddress]);
      });
    });

    describe("on postBatchSums", function () {
      it("if the caller is not the round's aggregator", async function () {
        const { verifier, stranger, round } = await loadFixture(batchSumsFixture);
        await expect(verifier.connect(stranger).postBatchSums(round.roundId, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierNotAggregator")
          .withArgs(TASK_ID, stranger.address);
      });

      it("if the round is unknown, before the aggregate, or T was already posted", async function () {
        const fixture = await loadFixture(deployTaskFixture);
        const { verifier, aggregator } = fixture;
        await expect(verifier.connect(aggregator).postBatchSums(1n, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierUnknownRound")
          .withArgs(1n);
        const roundId = await openTaskRound(fixture);
        await expect(verifier.connect(aggregator).postBatchSums(roundId, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
          .withArgs(roundId, Stage.Reserved, Stage.BatchSums);
        const later = await loadFixture(commitmentsFixture);
        await expect(later.verifier.connect(later.aggregator).postBatchSums(later.round.roundId, later.packed))
          .to.be.revertedWithCustomError(later.verifier, "VerifierUnexpectedStage")
          .withArgs(later.round.roundId, Stage.Commitments, Stage.BatchSums);
      });

      it("if the deadline passed", async function () {
        const { verifier, aggregator, round } = await loadFixture(batchSumsFixture);
        const deadline = await passDeadline(verifier, round.roundId);
        await expect(verifier.connect(aggregator).postBatchSums(round.roundId, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierDeadlinePassed")
          .withArgs(round.roundId, deadline);
      });

      it("if T is not 64 · 2 packed int64", async function () {
        const { verifier, aggregator, round } = await loadFixture(batchSumsFixture);
        await expect(verifier.connect(aggregator).postBatchSums(round.roundId, `0x${"00".repeat(1023)}`))
          .to.be.revertedWithCustomError(verifier, "SampledVerificationInvalidBatchSums")
          .withArgs(1023, 1024);
      });

      it("if it comes in the aggregate's own block, whose hash is not known yet", async function () {
        const fixture = await loadFixture(deployShamirTaskFixture);
        const { verifier, aggregator } = fixture;
        const roundId = await openTaskRound(fixture);
        await driveToAggregation(fixture, roundId, fixture.clients);
        // Both transactions go into one block; an explicit gas limit skips the estimate, which would run before it.
        await network.provider.send("evm_setAutomine", [false]);
        let sameBlock: ContractTransactionResponse;
        try {
          await postAggregate(fixture, roundId);
          sameBlock = await verifier
            .connect(aggregator)
            .postBatchSums(roundId, `0x${"00".repeat(1024)}`, { gasLimit: 1_000_000 });
          await mine();
        } finally {
          await network.provider.send("evm_setAutomine", [true]);
        }
        const { aggregateBlock, stage } = await verifier.verification(roundId);
        const receipt = await ethers.provider.getTransactionReceipt(sameBlock.hash);
        expect([receipt?.status, BigInt(receipt?.blockNumber ?? 0), stage]).to.deep.equal([
          0,
          aggregateBlock,
          BigInt(Stage.BatchSums),
        ]);
        // A mined failure carries no revert data in its receipt; the trace has it.
        const trace = (await network.provider.send("debug_traceTransaction", [
          sameBlock.hash,
          { disableStorage: true, disableStack: true, disableMemory: true },
        ])) as {
          returnValue: string;
        };
        const reason = verifier.interface.parseError(`0x${trace.returnValue.replace(/^0x/, "")}`);
        expect([reason?.name, ...(reason?.args ?? [])]).to.deep.equal([
          "VerifierSeedNotReady",
          roundId,
          aggregateBlock,
        ]);
      });

      it("if the aggregate's block hash is gone (T would land 257 blocks later)", async function () {
        const { verifier, aggregator, round } = await loadFixture(batchSumsFixture);
        const { aggregateBlock } = await verifier.verification(round.roundId);
        // The next transaction lands in aggregateBlock + 257: blockhash covers only the 256 blocks before it.
        await mine(aggregateBlock + 256n - BigInt(await ethers.provider.getBlockNumber()));
        await expect(seedOf(verifier, "sampleSeed", round.roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierSeedExpired")
          .withArgs(round.roundId, aggregateBlock);
        await expect(verifier.connect(aggregator).postBatchSums(round.roundId, `0x${"00".repeat(1024)}`))
          .to.be.revertedWithCustomError(verifier, "VerifierSeedExpired")
          .withArgs(round.roundId, aggregateBlock);
      });

      it("accepts T 256 blocks after the aggregate, the last block that still sees its hash", async function () {
        const { verifier, aggregator, round } = await loadFixture(batchSumsFixture);
        const { aggregateBlock } = await verifier.verification(round.roundId);
        await mine(aggregateBlock + 255n - BigInt(await ethers.provider.getBlockNumber()));
        await expect(verifier.connect(aggregator).postBatchSums(round.roundId, `0x${"00".repeat(1024)}`)).to.emit(
          verifier,
          "BatchSumsPosted"
        );
      });
    });

    describe("on commit", function () {
      it("if the caller's update is not in the aggregate", async function () {
        const fixture = await loadFixture(commitmentsFixture);
        const { verifier, stranger, clients, round } = fixture;
        const outsider = clients[MAX_CLIENTS];
        for (const account of [stranger, outsider]) {
          await expect(verifier.connect(account).commit(round.roundId, 0, 0))
            .to.be.revertedWithCustomError(verifier, "VerifierNotIncluded")
            .withArgs(round.roundId, account.address);
        }
      });

      it("if a client commits twice", async function () {
        const fixture = await loadFixture(commitmentsFixture);
        const { verifier, round } = fixture;
        const [first, second] = round.included;
        const [point] = await commitAll(fixture, [first]);
        await expect(verifier.connect(first).commit(round.roundId, point.x, point.y))
          .to.be.revertedWithCustomError(verifier, "VerifierAlreadyCommitted")
          .withArgs(round.roundId, first.address);
        expect(await verifier.hasCommitted(round.roundId, first.address)).to.equal(true);
        expect(await verifier.hasCommitted(round.roundId, second.address)).to.equal(false);
      });

      it("if the commitment is not a point of BN254 G1", async function () {
        const { verifier, round } = await loadFixture(commitmentsFixture);
        // The check runs in the linked SampledVerificationCheck library; its error bubbles up through the verifier.
        const library = await ethers.getContractAt("SampledVerificationCheck", await verifier.getAddress());
        await expect(verifier.connect(round.included[0]).commit(round.roundId, 1, 1))
          .to.be.revertedWithCustomError(library, "Bn254PointNotOnCurve")
          .withArgs(1, 1);
      });

      it("if T is not posted yet, or the round is unknown", async function () {
        const { verifier, round } = await loadFixture(batchSumsFixture);
        const client = round.included[0];
        await expect(verifier.connect(client).commit(round.roundId, 0, 0))
          .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
          .withArgs(round.roundId, Stage.BatchSums, Stage.Commitments);
        await expect(verifier.weightSeed(round.roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
          .withArgs(round.roundId, Stage.BatchSums, Stage.Commitments);
        await expect(verifier.connect(client).commit(99n, 0, 0))
          .to.be.revertedWithCustomError(verifier, "VerifierUnknownRound")
          .withArgs(99n);
      });

      it("if the commitment deadline passed", async function () {
        const { verifier, round } = await loadFixture(commitmentsFixture);
        const deadline = await passDeadline(verifier, round.roundId);
        await expect(verifier.connect(round.included[0]).commit(round.roundId, 0, 0))
          .to.be.revertedWithCustomError(verifier, "VerifierDeadlinePassed")
          .withArgs(round.roundId, deadline);
      });

      it("if the first commitment comes when T's block hash is gone", async function () {
        const { verifier, round } = await loadFixture(commitmentsFixture);
        const { batchSumsBlock } = await verifier.verification(round.roundId);
        await mine(batchSumsBlock + 256n - BigInt(await ethers.provider.getBlockNumber()));
        await expect(verifier.connect(round.included[0]).commit(round.roundId, 0, 0))
          .to.be.revertedWithCustomError(verifier, "VerifierSeedExpired")
          .withArgs(round.roundId, batchSumsBlock);
      });
    });

    describe("on settle", function () {
      it("if the round is unknown, not started, or already settled", async function () {
        const fixture = await loadFixture(deployTaskFixture);
        const { verifier } = fixture;
        await expect(verifier.settle(1n, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierUnknownRound")
          .withArgs(1n);
        const roundId = await openTaskRound(fixture);
        await expect(verifier.settle(roundId, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
          .withArgs(roundId, Stage.Reserved, Stage.Commitments);
        await fixture.coordinator.connect(fixture.owner).cancelRound(roundId);
        await expect(verifier.settle(roundId, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
          .withArgs(roundId, Stage.Settled, Stage.Commitments);
      });

      it("if T's deadline has not passed", async function () {
        const { verifier, round } = await loadFixture(batchSumsFixture);
        const { deadline } = await verifier.verification(round.roundId);
        await time.setNextBlockTimestamp(deadline);
        await expect(verifier.settle(round.roundId, "0x"))
          .to.be.revertedWithCustomError(verifier, "VerifierDeadlineNotPassed")
          .withArgs(round.roundId, deadline);
      });

      it("if the batch sums given are not the posted T", async function () {
        const fixture = await loadFixture(commitmentsFixture);
        const { verifier, round, packed } = fixture;
        await commitAll(fixture, round.included);
        const other = `0x${"00".repeat(1024)}`;
        await expect(verifier.settle(round.roundId, other))
          .to.be.revertedWithCustomError(verifier, "VerifierBatchSumsMismatch")
          .withArgs(round.roundId, keccak256(packed), keccak256(other));
      });
    });

    describe("on claim", function () {
      it("if the round is unknown, not settled, or owes the caller nothing", async function () {
        const fixture = await loadFixture(commitmentsFixture);
        const { verifier, stranger, round } = fixture;
        await expect(verifier.connect(stranger).claim(99n))
          .to.be.revertedWithCustomError(verifier, "VerifierUnknownRound")
          .withArgs(99n);
        await commitAll(fixture, round.included);
        await expect(verifier.connect(round.included[0]).claim(round.roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
          .withArgs(round.roundId, round.included[0].address);
        await verifier.settle(round.roundId, fixture.packed);
        await expect(verifier.connect(stranger).claim(round.roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
          .withArgs(round.roundId, stranger.address);
        expect(await verifier.claimable(round.roundId, stranger.address)).to.equal(0);
      });

      it("if a reward is claimed twice", async function () {
        const fixture = await loadFixture(commitmentsFixture);
        const { verifier, aggregator, round } = fixture;
        await commitAll(fixture, round.included);
        await verifier.settle(round.roundId, fixture.packed);
        for (const account of [round.included[0], aggregator]) {
          await verifier.connect(account).claim(round.roundId);
          await expect(verifier.connect(account).claim(round.roundId))
            .to.be.revertedWithCustomError(verifier, "VerifierAlreadyClaimed")
            .withArgs(round.roundId, account.address);
        }
        await expectBooksBalanced(verifier, [TASK_ID], [round.roundId]);
      });
    });

    describe("on views", function () {
      it("if a seed is read in the block that fixes it, whose hash the EVM cannot see yet", async function () {
        const { verifier, round } = await loadFixture(batchSumsFixture);
        const { aggregateBlock } = await verifier.verification(round.roundId);
        expect(await ethers.provider.getBlockNumber()).to.equal(aggregateBlock);
        await expect(verifier.sampleSeed(round.roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierSeedNotReady")
          .withArgs(round.roundId, aggregateBlock);
        const expected = await blockSeed(aggregateBlock, round.roundId, SAMPLE_SEED_TAG);
        expect(await seedOf(verifier, "sampleSeed", round.roundId)).to.equal(expected);
        await mine();
        expect(await verifier.sampleSeed(round.roundId)).to.equal(expected);
      });

      it("if the round is unknown, or its seed block is not reached", async function () {
        const fixture = await loadFixture(deployTaskFixture);
        const { verifier } = fixture;
        for (const read of [
          () => verifier.verification(1n),
          () => verifier.sampleSeed(1n),
          () => verifier.weightSeed(1n),
        ]) {
          await expect(read()).to.be.revertedWithCustomError(verifier, "VerifierUnknownRound").withArgs(1n);
        }
        const roundId = await openTaskRound(fixture);
        await expect(verifier.sampleSeed(roundId))
          .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
          .withArgs(roundId, Stage.Reserved, Stage.BatchSums);
      });
    });
  });

  describe("re-entry from a contract aggregator", function () {
    async function reentrantFixture() {
      const base = await loadFixture(deployTaskFixture);
      const { registry, coordinator, verifier, owner, clients } = base;
      const attacker = (await (await ethers.getContractFactory("ReentrantAggregator"))
        .connect(owner)
        .deploy()) as unknown as ReentrantAggregator;
      const attackerAddress = await attacker.getAddress();
      const send: AggregatorSend = (to, data, value) =>
        attacker.connect(owner).execute(to, data, { value: value ?? 0n });
      await send(
        await registry.getAddress(),
        registry.interface.encodeFunctionData("register", [Role.Aggregator, encryptionKey("attacker").compressed])
      );
      // Task 2: the contract aggregates; task 3: the contract also owns it, for withdrawPool.
      await coordinator.connect(owner).createTask(mashConfig(attackerAddress), MODEL_CID);
      await send(
        await coordinator.getAddress(),
        coordinator.interface.encodeFunctionData("createTask", [mashConfig(attackerAddress), MODEL_CID])
      );
      const verifierAddress = await verifier.getAddress();
      await verifier.connect(owner).setTerms(2n, terms());
      await verifier.connect(owner).fundTask(2n, { value: POOL });
      await verifier.connect(owner).fundTask(3n, { value: POOL });
      await send(verifierAddress, verifier.interface.encodeFunctionData("acceptTask", [2n, AGGREGATOR_BOND]));
      await send(verifierAddress, verifier.interface.encodeFunctionData("depositBond", [2n]), AGGREGATOR_BOND);
      return { ...base, attacker, attackerAddress, send, verifierAddress, clients };
    }

    it("cannot re-enter withdrawBond or withdrawPool from the payment", async function () {
      const { verifier, attacker, owner, send, verifierAddress } = await loadFixture(reentrantFixture);
      const withdrawBond = verifier.interface.encodeFunctionData("withdrawBond", [2n, 1n]);
      await attacker.connect(owner).arm(verifierAddress, withdrawBond);
      await expect(send(verifierAddress, withdrawBond)).to.be.revertedWithCustomError(
        verifier,
        "ReentrancyGuardReentrantCall"
      );
      const withdrawPool = verifier.interface.encodeFunctionData("withdrawPool", [3n, 1n]);
      await attacker.connect(owner).arm(verifierAddress, withdrawPool);
      await expect(send(verifierAddress, withdrawPool)).to.be.revertedWithCustomError(
        verifier,
        "ReentrancyGuardReentrantCall"
      );
      // A payout re-entering a different payout is refused too: the guard is contract-wide.
      await attacker.connect(owner).arm(verifierAddress, withdrawPool);
      await expect(send(verifierAddress, withdrawBond)).to.be.revertedWithCustomError(
        verifier,
        "ReentrancyGuardReentrantCall"
      );

      expect((await verifier.taskFunds(2n)).bond).to.equal(AGGREGATOR_BOND);
      expect((await verifier.taskFunds(3n)).pool).to.equal(POOL);
      expect(await ethers.provider.getBalance(await attacker.getAddress())).to.equal(0);
      await expectBooksBalanced(verifier, [TASK_ID, 2n, 3n], []);
      // Disarmed, the same withdrawal pays normally.
      await attacker.connect(owner).arm(verifierAddress, "0x");
      await expect(send(verifierAddress, withdrawBond)).to.changeEtherBalance(attacker, 1n);
    });

    it("cannot re-enter claim from its reward", async function () {
      const fixture = await loadFixture(reentrantFixture);
      const { coordinator, verifier, owner, attacker, attackerAddress, send, verifierAddress, stranger } = fixture;
      // Task 1 keeps its own round out of the way; task 2's round runs with the contract as aggregator.
      await coordinator.connect(owner).openRound(2n, MODEL_CID);
      const roundId = await coordinator.roundCount();
      const round = await driveToAggregation(fixture, roundId, fixture.clients);
      await postAggregate({ coordinator, send }, roundId);
      // Mash: nobody challenges, and the round passes once the window closed.
      expect(round.included).to.have.length(MAX_CLIENTS);
      await passDeadline(verifier, roundId);
      await expect(verifier.connect(stranger).settle(roundId, "0x"))
        .to.emit(verifier, "VerificationSettled")
        .withArgs(2n, roundId, Outcome.Passed, 0, MAX_CLIENTS, RESERVE, 0, 0);
      expect(await verifier.claimable(roundId, attackerAddress)).to.equal(AGGREGATOR_REWARD);

      const claim = verifier.interface.encodeFunctionData("claim", [roundId]);
      await attacker.connect(owner).arm(verifierAddress, claim);
      await expect(send(verifierAddress, claim)).to.be.revertedWithCustomError(
        verifier,
        "ReentrancyGuardReentrantCall"
      );
      expect(await verifier.claimable(roundId, attackerAddress)).to.equal(AGGREGATOR_REWARD);
      await expectBooksBalanced(verifier, [TASK_ID, 2n, 3n], [roundId]);

      await attacker.connect(owner).arm(verifierAddress, "0x");
      await expect(send(verifierAddress, claim)).to.changeEtherBalance(attacker, AGGREGATOR_REWARD);
      await expect(send(verifierAddress, claim))
        .to.be.revertedWithCustomError(verifier, "VerifierAlreadyClaimed")
        .withArgs(roundId, attackerAddress);
    });
  });
});
