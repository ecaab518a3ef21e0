// Issue 15, M3: the verification seeds come from block hashes, which the EVM keeps for 256 blocks, while the stage
// deadlines are in seconds. On a chain with 2 s blocks, 256 blocks are 8.5 minutes, less than the 10-minute stages of
// these tasks: an aggregator that restarts after 8.5 minutes used to find its seed gone (VerifierSeedExpired) and be
// slashed for missing T. Now anyone records the seed while it is readable (recordSeed), the later steps read the
// stored value, and a seed nobody recorded in time fails the round as SeedExpired, which slashes nobody. The seeds are
// the sampled verification's, which only Shamir rounds run now (a Mash round is verified by fraud proofs), so the
// round here is a Shamir round.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveShamirRound } from "../helpers/driveShamirRound";
import { encryptionKey } from "../helpers/encryptionKey";
import { FailureReason, MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import { taskConfig } from "../helpers/taskConfig";
import { Outcome, Stage } from "../helpers/verifierEnums";

const TASK_ID = 1n;
const MODEL_CID = "bafkreiinitialmodel";
const BOND = 10n ** 15n;
const CLIENT_REWARD = 10n ** 12n;
const AGGREGATOR_REWARD = 10n ** 13n;
const POOL = 10n ** 17n;
/** Ten minutes for every stage: more than 256 blocks of 2 s (512 s). */
const STAGE_SECONDS = 600;
const SAMPLE_SEED_TAG = ethers.id("fedmash/verifier/sample-seed/v1");
const WEIGHT_SEED_TAG = ethers.id("fedmash/verifier/weight-seed/v1");

/** Mines `blocks` blocks 2 s apart, as a chain with 2 s blocks does while nothing of the round happens. */
async function mineTwoSecondBlocks(blocks: number): Promise<void> {
  await network.provider.send("hardhat_mine", [`0x${blocks.toString(16)}`, "0x2"]);
}

describe("FedmashVerifier: seeds outlive the 256-block window (M3)", function () {
  async function aggregatePostedFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper, stranger] = signers;
    const clients = signers.slice(4, 8);
    const servers = signers.slice(10, 13);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`s${index}`).compressed);
    const config = {
      ...taskConfig({ mode: Mode.Plain, aggregator: aggregator.address, aggregateDuration: STAGE_SECONDS, submitDuration: STAGE_SECONDS }),
      mode: Mode.Shamir,
      minClients: 3,
      maxClients: 4,
      quantizationScale: 10_000,
      clipMillionths: 1_000_000,
      maskGroup: MaskGroup.Rlwr2048,
    };
    await coordinator.connect(owner).createShamirTask(config, MODEL_CID, servers.map((server) => server.address), 2);
    await verifier
      .connect(owner)
      .setTerms(TASK_ID, { aggregatorBond: BOND, clientReward: CLIENT_REWARD, aggregatorReward: AGGREGATOR_REWARD, challengeDuration: STAGE_SECONDS });
    await verifier.connect(owner).fundTask(TASK_ID, { value: POOL });
    // The aggregator opts in to the task with the largest bond it accepts, where the verifier asks for it.
    if (verifier.interface.getFunction("acceptTask")) await verifier.connect(aggregator).getFunction("acceptTask")(TASK_ID, BOND);
    await verifier.connect(aggregator).depositBond(TASK_ID, { value: BOND });
    // The round runs normally up to the aggregate; then the aggregator "crashes" before T.
    const round = await driveShamirRound({ coordinator, verifier, shamir, servers, taskId: TASK_ID, owner, aggregator, keeper, clients, until: "aggregate" });
    const roundId = round.roundId;
    const aggregateBlock = (await verifier.verification(roundId)).aggregateBlock;
    return { coordinator, verifier, owner, aggregator, keeper, stranger, clients, round, roundId, aggregateBlock };
  }

  type Fixture = Awaited<ReturnType<typeof aggregatePostedFixture>>;

  /** The aggregator's T under the stored (or still readable) σ. */
  async function postBatchSums({ verifier, aggregator, round, roundId }: Fixture): Promise<string> {
    // "pending": when the aggregate's block is the latest, the view refuses in it (VerifierSeedNotReady).
    const sampleSeed = (await verifier.sampleSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
    const packed = encodeBatchSums(batchSums(round.aggregate, sampleSeed, 64, 2));
    await verifier.connect(aggregator).postBatchSums(roundId, packed);
    return packed;
  }

  /** Every included client commits under the stored (or still readable) σ_w. */
  async function commitAll({ verifier, round, roundId }: Fixture, included: readonly HardhatEthersSigner[]): Promise<void> {
    const sampleSeed = (await verifier.sampleSeed(roundId)) as `0x${string}`;
    const weightSeed = (await verifier.weightSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
    for (const client of included) {
      const sums = batchSums(round.updates.get(client.address)!, sampleSeed, 64, 2);
      const point = commitBatchSums({ batchSums: sums, weightSeed, m: 64, k: 2 });
      await verifier.connect(client).commit(roundId, point.x, point.y);
    }
  }

  it("lets anyone record σ in time, so an aggregator that restarts after 256 blocks of 2 s posts T and the round verifies", async function () {
    const fixture = await loadFixture(aggregatePostedFixture);
    const { coordinator, verifier, aggregator, keeper, stranger, round, roundId, aggregateBlock } = fixture;
    await mineTwoSecondBlocks(3);
    const expectedSigma = ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256", "bytes32"], [(await ethers.provider.getBlock(Number(aggregateBlock)))!.hash, roundId, SAMPLE_SEED_TAG]),
    );
    // Any account: here one that has no part in the round.
    await expect(verifier.connect(stranger).recordSeed(roundId))
      .to.emit(verifier, "SeedRecorded")
      .withArgs(roundId, SAMPLE_SEED_TAG, aggregateBlock, expectedSigma, stranger.address);
    await expect(verifier.connect(keeper).recordSeed(roundId))
      .to.be.revertedWithCustomError(verifier, "VerifierSeedAlreadyRecorded")
      .withArgs(roundId, aggregateBlock);

    // 8.5 minutes of 2 s blocks later, past the window but within T's 10-minute deadline, the aggregator is back.
    await mineTwoSecondBlocks(270);
    expect(await ethers.provider.getBlock("latest").then((block) => BigInt(block!.number))).to.be.greaterThan(aggregateBlock + 256n);
    expect((await verifier.verification(roundId)).deadline).to.be.greaterThanOrEqual(BigInt(await time.latest()));
    expect(await verifier.sampleSeed(roundId)).to.equal(expectedSigma);
    const packed = await postBatchSums(fixture);
    expect((await verifier.verification(roundId)).sampleSeed).to.equal(expectedSigma);

    // σ_w too: the aggregator records it (its worker does), and the clients commit another 270 blocks later.
    await mineTwoSecondBlocks(2);
    const batchSumsBlock = (await verifier.verification(roundId)).batchSumsBlock;
    await expect(verifier.connect(aggregator).recordSeed(roundId))
      .to.emit(verifier, "SeedRecorded")
      .withArgs(roundId, WEIGHT_SEED_TAG, batchSumsBlock, (await verifier.weightSeed(roundId)) as string, aggregator.address);
    await mineTwoSecondBlocks(270);
    await commitAll(fixture, round.included);
    const bondBefore = (await verifier.taskFunds(TASK_ID)).bond;
    await verifier.connect(keeper).settle(roundId, packed);
    const settled = await verifier.verification(roundId);
    expect(settled.outcome).to.equal(Outcome.Passed);
    expect(settled.slashed).to.equal(0n);
    expect((await verifier.taskFunds(TASK_ID)).bond).to.equal(bondBefore);
    expect((await coordinator.round(roundId)).phase).to.equal(Phase.Finalized);
  });

  it("fails the round as SeedExpired, slashing nobody, when nobody recorded σ and the aggregator restarts after the window", async function () {
    const fixture = await loadFixture(aggregatePostedFixture);
    const { coordinator, verifier, aggregator, keeper, roundId, aggregateBlock } = fixture;
    const poolBefore = (await verifier.taskFunds(TASK_ID)).pool;
    const reserved = (await verifier.verification(roundId)).reserved;
    await mineTwoSecondBlocks(270);
    // The late aggregator cannot post T any more, and nobody can record σ.
    const anyBatchSums = encodeBatchSums(new BigInt64Array(128));
    await expect(verifier.connect(aggregator).postBatchSums(roundId, anyBatchSums))
      .to.be.revertedWithCustomError(verifier, "VerifierSeedExpired")
      .withArgs(roundId, aggregateBlock);
    await expect(verifier.connect(keeper).recordSeed(roundId)).to.be.revertedWithCustomError(verifier, "VerifierSeedExpired").withArgs(roundId, aggregateBlock);
    // Even once T's deadline passed, the outcome is SeedExpired, not BatchSumsMissing: nobody is slashed.
    await time.increaseTo((await verifier.verification(roundId)).deadline + 1n);
    await expect(verifier.connect(keeper).settle(roundId, "0x")).to.not.emit(verifier, "AggregatorSlashed");
    const settled = await verifier.verification(roundId);
    expect([settled.stage, settled.outcome, settled.slashed, settled.unclaimed]).to.deep.equal([Stage.Settled, Outcome.SeedExpired, 0n, 0n]);
    const funds = await verifier.taskFunds(TASK_ID);
    expect([funds.bond, funds.pool, funds.activeRoundId]).to.deep.equal([BOND, poolBefore + reserved, 0n]);
    const failed = await coordinator.round(roundId);
    expect([failed.phase, failed.failureReason]).to.deep.equal([Phase.Failed, FailureReason.SeedExpired]);
  });

  it("settles SeedExpired at once, before T's deadline, when the window closed on an unrecorded σ", async function () {
    const fixture = await loadFixture(aggregatePostedFixture);
    const { verifier, keeper, roundId } = fixture;
    await mineTwoSecondBlocks(257);
    expect((await verifier.verification(roundId)).deadline).to.be.greaterThan(BigInt(await time.latest()));
    await verifier.connect(keeper).settle(roundId, "0x");
    expect((await verifier.verification(roundId)).outcome).to.equal(Outcome.SeedExpired);
  });

  it("still slashes an aggregator that misses T when σ was recorded (the fault is then its own)", async function () {
    const fixture = await loadFixture(aggregatePostedFixture);
    const { verifier, keeper, roundId } = fixture;
    await verifier.connect(keeper).recordSeed(roundId);
    await mineTwoSecondBlocks(270);
    await time.increaseTo((await verifier.verification(roundId)).deadline + 1n);
    await expect(verifier.connect(keeper).settle(roundId, "0x")).to.emit(verifier, "AggregatorSlashed");
    expect((await verifier.verification(roundId)).outcome).to.equal(Outcome.BatchSumsMissing);
  });

  it("fails as SeedExpired, slashing nobody, when T is in but nobody recorded σ_w or committed within the window", async function () {
    const fixture = await loadFixture(aggregatePostedFixture);
    const { verifier, keeper, round, roundId } = fixture;
    const packed = await postBatchSums(fixture);
    await mineTwoSecondBlocks(270);
    const batchSumsBlock = (await verifier.verification(roundId)).batchSumsBlock;
    const [first] = round.included;
    await expect(verifier.connect(first!).commit(roundId, 1n, 2n)).to.be.revertedWithCustomError(verifier, "VerifierSeedExpired").withArgs(roundId, batchSumsBlock);
    await expect(verifier.connect(keeper).settle(roundId, packed)).to.not.emit(verifier, "AggregatorSlashed");
    expect((await verifier.verification(roundId)).outcome).to.equal(Outcome.SeedExpired);
    expect((await verifier.taskFunds(TASK_ID)).bond).to.equal(BOND);
  });

  it("refuses recordSeed outside BatchSums and Commitments", async function () {
    const fixture = await loadFixture(aggregatePostedFixture);
    const { coordinator, verifier, owner, keeper, roundId } = fixture;
    await expect(verifier.connect(keeper).recordSeed(roundId + 1n)).to.be.revertedWithCustomError(verifier, "VerifierUnknownRound");
    await mineTwoSecondBlocks(257);
    await verifier.connect(keeper).settle(roundId, "0x");
    await expect(verifier.connect(keeper).recordSeed(roundId))
      .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
      .withArgs(roundId, Stage.Settled, Stage.BatchSums);
    await coordinator.connect(owner).openRound(TASK_ID, MODEL_CID);
    await expect(verifier.connect(keeper).recordSeed(roundId + 1n))
      .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
      .withArgs(roundId + 1n, Stage.Reserved, Stage.BatchSums);
  });
});
