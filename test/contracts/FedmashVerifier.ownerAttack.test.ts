// Issue 15, C1: an owner trying to take its aggregator's bond. The owner creates a Mash task naming a registered
// aggregator, runs a Sybil client of its own in the round, has it commit a wrong point so that an honest aggregate
// fails the check, and then withdraws its pool. Before the fix the slash went into that pool (FedmashVerifier.settle at
// 19f16fc: `funds.pool += released + slashed`), so the owner walked away with the bond: the test recomputes that rule
// from the settlement's own event and shows the gain. Then the slash was burned; now (M2) a failed Shamir check slashes
// nobody, and either way the owner's withdrawable pool is exactly what it was before the round; and an aggregator that did not accept the task, or accepted a smaller bond,
// cannot be made to lock (and so to lose) its bond at all. The commitment check that a wrong point fails is Shamir's
// now (a Mash round is verified by fraud proofs), so the C1 round is a Shamir round; in Mash the Sybil's only lever
// is a challenge, which an honest aggregate rejects (the Sybil's bond is burned, the aggregator keeps its own).
import { taskConfig } from "../helpers/taskConfig";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseEther } from "ethers";
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveMashRound } from "../helpers/driveMashRound";
import { driveShamirRound } from "../helpers/driveShamirRound";
import { challengeArguments } from "../helpers/mashVectors";
import { encryptionKey } from "../helpers/encryptionKey";
import { FailureReason, Mode, Phase, Role } from "../helpers/enums";
import { Outcome } from "../helpers/verifierEnums";

const TASK_ID = 1n;
const MODEL_SIZE = 48;
const MAX_CLIENTS = 7;
const BOND = parseEther("1");
const CLIENT_REWARD = parseEther("0.01");
const AGGREGATOR_REWARD = parseEther("0.05");
const POOL = parseEther("2");
const TERMS = { aggregatorBond: BOND, clientReward: CLIENT_REWARD, aggregatorReward: AGGREGATOR_REWARD, challengeDuration: 300n };

function mashConfig(aggregator: string): IFedmashCoordinator.TaskConfigStruct {
  // Only what this round's timing and size depend on; the rest is the shared test task.
  return taskConfig({
    mode: Mode.Mash,
    aggregator,
    modelSize: MODEL_SIZE,
    maxClients: MAX_CLIENTS,
    joinDuration: 1_000,
    submitDuration: 400,
    aggregateDuration: 300,
    keyDuration: 100,
    shuffleDuration: 100,
    completionDuration: 100,
  });
}

describe("FedmashVerifier: an owner trying C1 (taking the aggregator's bond)", function () {
  async function deployAttackFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper] = signers;
    const clients = signers.slice(3, 3 + MAX_CLIENTS);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    // The owner names an aggregator it does not control, sets a bond and funds the pool.
    await coordinator.connect(owner).createTask(mashConfig(aggregator.address), "bafkreimodel");
    await verifier.connect(owner).setTerms(TASK_ID, TERMS);
    await verifier.connect(owner).fundTask(TASK_ID, { value: POOL });
    return { coordinator, verifier, owner, aggregator, keeper, clients };
  }

  /** The same attack's setting with a Shamir task (three servers, t = 2) in place of the Mash one. */
  async function deployShamirAttackFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper] = signers;
    const clients = signers.slice(3, 3 + MAX_CLIENTS);
    const servers = signers.slice(20, 23);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`server${index}`).compressed);
    const config = { ...mashConfig(aggregator.address), mode: Mode.Shamir, groupSize: 0, keyDuration: 0, shuffleDuration: 0, completionDuration: 0 };
    await coordinator.connect(owner).createShamirTask(config, "bafkreimodel", servers.map((server) => server.address), 2);
    await verifier.connect(owner).setTerms(TASK_ID, TERMS);
    await verifier.connect(owner).fundTask(TASK_ID, { value: POOL });
    return { coordinator, verifier, shamir, servers, owner, aggregator, keeper, clients };
  }

  type Fixture = Awaited<ReturnType<typeof deployAttackFixture>>;

  /** Runs a round to Aggregation, or (with an accepted bond) to the aggregate posted. */
  function driveRound(fixture: Fixture, until: "aggregation" | "aggregate") {
    const { coordinator, verifier, owner, aggregator, keeper, clients } = fixture;
    return driveMashRound({ coordinator, verifier, taskId: TASK_ID, owner, aggregator, keeper, clients, until });
  }

  /** The pool the owner may withdraw, and what it actually gets when it withdraws all of it. */
  async function withdrawAll(fixture: Pick<Fixture, "verifier" | "owner">): Promise<bigint> {
    const { verifier, owner } = fixture;
    const pool = (await verifier.taskFunds(TASK_ID)).pool;
    await expect(verifier.connect(owner).withdrawPool(TASK_ID, pool + 1n))
      .to.be.revertedWithCustomError(verifier, "VerifierInsufficientPool")
      .withArgs(TASK_ID, pool + 1n, pool);
    await expect(verifier.connect(owner).withdrawPool(TASK_ID, pool)).to.changeEtherBalance(owner, pool);
    return pool;
  }

  async function expectBooks(fixture: Pick<Fixture, "verifier">): Promise<void> {
    const { verifier } = fixture;
    const balance = await ethers.provider.getBalance(await verifier.getAddress());
    expect(await verifier.totalOwed() + (await verifier.totalBurned())).to.equal(balance);
  }

  it("gains nothing (Shamir): its Sybil fails an honest aggregate, nobody is slashed, and its pool is unchanged", async function () {
    const fixture = await loadFixture(deployShamirAttackFixture);
    const { coordinator, verifier, shamir, servers, owner, aggregator, keeper, clients } = fixture;
    // The aggregator opted in with exactly the task's bond and deposited it.
    await verifier.connect(aggregator).acceptTask(TASK_ID, BOND);
    await verifier.connect(aggregator).depositBond(TASK_ID, { value: BOND });
    const poolBefore = (await verifier.taskFunds(TASK_ID)).pool;

    const round = await driveShamirRound({ coordinator, verifier, shamir, servers, taskId: TASK_ID, owner, aggregator, keeper, clients, until: "batchSums" });
    const { roundId, included, updates } = round;
    // The owner's Sybil is one of the included clients; it commits to an update that is not the one it submitted.
    const sybil: HardhatEthersSigner = included[0]!;
    const weightSeed = (await verifier.weightSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
    for (const client of included) {
      const update = Int32Array.from(updates.get(client.address)!);
      if (client === sybil) update[0] += 1;
      const point = commitBatchSums({ batchSums: batchSums(update, round.sampleSeed!, 64, 2), weightSeed, m: 64, k: 2 });
      await verifier.connect(client).commit(roundId, point.x, point.y);
    }
    const poolAtSettle = (await verifier.taskFunds(TASK_ID)).pool;
    const settled = await (await verifier.connect(keeper).settle(roundId, round.postedBatchSums!)).wait();
    const event = settled!.logs.map((log) => verifier.interface.parseLog(log)).find((parsed) => parsed?.name === "VerificationSettled")!;
    expect(event.args.outcome).to.equal(Outcome.Failed);
    const { slashed, released } = event.args as unknown as { slashed: bigint; released: bigint };
    // A failed Shamir check names no culprit (M2): the honest aggregator is not slashed at all.
    expect(slashed, "the honest aggregator's bond is not slashed").to.equal(0n);

    // Under the first rule the slash (the whole bond) went into the pool: what C1 would have paid the owner.
    const legacyPool = poolAtSettle + released + BOND;
    expect(legacyPool - poolBefore, "what C1 paid the owner under the old rule").to.equal(BOND);

    // Now: the pool is back where it was before the round, the bond is the aggregator's, and no claim pays the Sybil.
    const funds = await verifier.taskFunds(TASK_ID);
    expect([funds.pool, funds.bond, funds.burned]).to.deep.equal([poolBefore, BOND, 0n]);
    expect(await verifier.totalBurned()).to.equal(0n);
    for (const account of [sybil, owner]) {
      expect(await verifier.claimable(roundId, account.address)).to.equal(0n);
      await expect(verifier.connect(account).claim(roundId))
        .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
        .withArgs(roundId, account.address);
    }
    const withdrawn = await withdrawAll(fixture);
    expect(withdrawn - POOL, "the owner's gain: it withdraws exactly what it funded").to.equal(0n);
    await expectBooks(fixture);
    // The aggregator takes its whole bond back; nothing is owed to anyone any more.
    await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, BOND)).to.changeEtherBalance(aggregator, BOND);
    expect(await verifier.totalOwed()).to.equal(0n);
    expect(await ethers.provider.getBalance(await verifier.getAddress())).to.equal(0n);
  });

  it("gains nothing (Mash): its Sybil can only challenge an honest aggregate, which is rejected and costs the Sybil its bond", async function () {
    const fixture = await loadFixture(deployAttackFixture);
    const { verifier, owner, aggregator, keeper } = fixture;
    await verifier.connect(aggregator).acceptTask(TASK_ID, BOND);
    await verifier.connect(aggregator).depositBond(TASK_ID, { value: BOND });
    const poolBefore = (await verifier.taskFunds(TASK_ID)).pool;
    const round = await driveRound(fixture, "aggregate");
    const sybil: HardhatEthersSigner = round.included[0]!;
    const bond = await verifier.CHALLENGE_BOND();
    for (let leaf = 0; leaf < Math.ceil(MODEL_SIZE / 16); leaf++) {
      const [leafIndex, openings, aggregate] = challengeArguments(round.vectors, round.aggregateCommitment!, leaf);
      await expect(verifier.connect(sybil).challenge(round.roundId, leafIndex, openings, aggregate, { value: bond }))
        .to.emit(verifier, "ChallengeRejected")
        .withArgs(round.roundId, sybil.address, leaf, bond);
    }
    await time.increaseTo((await verifier.verification(round.roundId)).deadline + 1n);
    await verifier.connect(keeper).settle(round.roundId, "0x");
    const settled = await verifier.verification(round.roundId);
    expect([settled.outcome, settled.slashed]).to.deep.equal([BigInt(Outcome.Passed), 0n]);
    const funds = await verifier.taskFunds(TASK_ID);
    const paid = AGGREGATOR_REWARD + BigInt(round.included.length) * CLIENT_REWARD;
    // The aggregator keeps its bond; the pool paid the round's rewards, and the Sybil's bonds are burned, not the owner's.
    expect([funds.bond, funds.pool, funds.burned]).to.deep.equal([BOND, poolBefore - paid, 3n * bond]);
    expect(await verifier.claimable(round.roundId, owner.address)).to.equal(0n);
    await expectBooks(fixture);
  });

  it("cannot make an aggregator that never accepted the task lock its bond", async function () {
    const fixture = await loadFixture(deployAttackFixture);
    const { coordinator, verifier, aggregator, keeper } = fixture;
    // Even with a bond on deposit, a round the aggregator did not accept cannot lock it.
    await verifier.connect(aggregator).depositBond(TASK_ID, { value: BOND });
    const { roundId } = await driveRound(fixture, "aggregation");
    await expect(coordinator.connect(aggregator).postAggregate(roundId, "bafkreiaggregate", "bafkreinext", ethers.id("aggregate")))
      .to.be.revertedWithCustomError(verifier, "VerifierBondNotAccepted")
      .withArgs(TASK_ID, BOND, 0n);
    // Unserved, the round fails at its deadline as AggregatorMissing: the reserve goes back, nobody is slashed.
    await time.increaseTo((await coordinator.round(roundId)).deadline + 1n);
    await expect(coordinator.connect(keeper).advance(roundId))
      .to.emit(coordinator, "RoundFailed")
      .withArgs(TASK_ID, roundId, FailureReason.AggregatorMissing);
    expect(await coordinator.phase(roundId)).to.equal(Phase.Failed);
    expect((await verifier.verification(roundId)).outcome).to.equal(Outcome.Released);
    const funds = await verifier.taskFunds(TASK_ID);
    expect([funds.bond, funds.burned]).to.deep.equal([BOND, 0n]);
    await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, BOND)).to.changeEtherBalance(aggregator, BOND);
    expect(await withdrawAll(fixture)).to.equal(POOL);
    await expectBooks(fixture);
  });

  it("cannot make the aggregator risk more than it accepted", async function () {
    const fixture = await loadFixture(deployAttackFixture);
    const { verifier, coordinator, aggregator } = fixture;
    const accepted = BOND / 10n;
    await verifier.connect(aggregator).acceptTask(TASK_ID, accepted);
    // More than it accepted sits in the bond (say, left from earlier rounds); the terms ask for all of it.
    await verifier.connect(aggregator).depositBond(TASK_ID, { value: BOND });
    const { roundId } = await driveRound(fixture, "aggregation");
    await expect(coordinator.connect(aggregator).postAggregate(roundId, "bafkreiaggregate", "bafkreinext", ethers.id("aggregate")))
      .to.be.revertedWithCustomError(verifier, "VerifierBondNotAccepted")
      .withArgs(TASK_ID, BOND, accepted);
    expect((await verifier.taskFunds(TASK_ID)).bond).to.equal(BOND);
    await expectBooks(fixture);
  });
});
