// A malicious contract client tries to pick a MASH round's holder: it sends the join that fills the round, recomputes
// the draw inside that join and reverts unless its Sybil will be the holder, retrying block after block (a revert
// costs it only gas). Against the draw the coordinator made before issue 14, in the filling transaction from the
// previous block's hash and prevrandao (LegacyDrawHarness), that wins every round. Against the coordinator, whose draw
// uses the hash of a block mined after Joining closed, the joining transaction reads that hash as zero: the
// prediction is the same in every block, it is not the seed the draw uses, and the Sybil is the holder no more often
// than chance allows. A keeper that reads the draw block's hash off-chain and stays silent for 256 blocks to get a
// re-armed draw gets a failed round (DrawExpired) instead.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { deployFedmash } from "../helpers/deployFedmash";
import { drawGroups, drawHashOf, mineDrawBlock } from "../helpers/drawGroups";
import { encryptionKey } from "../helpers/encryptionKey";
import { FailureReason, MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import { mashGrouping } from "../helpers/mashGrouping";

const TASK_ID = 1n;
/** Three honest clients, the attacker's Sybil and the grinding contract, whose join fills the round. */
const MAX_CLIENTS = 5;
const ROUNDS = 6;
/** Blocks the grinder tries per round; against the legacy draw each try wins with probability 1/5. */
const LEGACY_TRIES = 128;
const COORDINATOR_TRIES = 8;
const MODEL_CID = "bafkreimodel";
const TEN_MINUTES = 600n;

describe("FedmashCoordinator: a contract client grinding the holder draw", function () {
  async function deployGrindingFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, sybil, keeper] = signers;
    const honest = signers.slice(4, 7);
    const { registry, coordinator } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of [sybil, ...honest].entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    const grinder = await (await ethers.getContractFactory("GrindingClient", owner)).deploy();
    await grinder.register(await registry.getAddress(), encryptionKey("grinder").compressed);

    const config: IFedmashCoordinator.TaskConfigStruct = {
      mode: Mode.Mash,
      aggregator: aggregator.address,
      modelSize: 64,
      minClients: 4,
      maxClients: MAX_CLIENTS,
      joinDuration: TEN_MINUTES,
      submitDuration: TEN_MINUTES,
      aggregateDuration: TEN_MINUTES,
      modelKind: "mlp",
      groupSize: 3,
      quantizationScale: 10_000,
      clipMillionths: 1_000_000,
      keyDuration: TEN_MINUTES,
      shuffleDuration: TEN_MINUTES,
      completionDuration: TEN_MINUTES,
      minIncluded: 0,
      maskGroup: MaskGroup.Rlwr2048,
    };
    await coordinator.connect(owner).createTask(config, MODEL_CID);
    return { coordinator, grinder, owner, sybil, keeper, honest };
  }

  type Fixture = Awaited<ReturnType<typeof deployGrindingFixture>>;

  /** Everyone but the grinder joins, Sybil included; the grinder's join is the one that fills the round. */
  async function openAndJoin({ coordinator, owner, sybil, honest }: Fixture): Promise<bigint> {
    await coordinator.connect(owner).openRound(TASK_ID, MODEL_CID);
    const roundId = await coordinator.roundCount();
    for (const client of [...honest, sybil]) await coordinator.connect(client).join(roundId);
    return roundId;
  }

  /** Tries `grind` in up to `tries` consecutive blocks; the number of the try that went through, or undefined. */
  async function grindUntilAccepted(grind: () => Promise<unknown>, tries: number): Promise<number | undefined> {
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        await grind();
        return attempt;
      } catch (error) {
        if (!String(error).includes("GrindMissed")) throw error;
        // A reverted join is never mined: the next try needs a new block to read another hash.
        await mine();
      }
    }
    return undefined;
  }

  it("against the legacy draw in the filling join, makes its Sybil the holder in every round", async function () {
    const { grinder, sybil, honest } = await loadFixture(deployGrindingFixture);
    const factory = await ethers.getContractFactory("LegacyDrawHarness");
    for (let roundId = 1n; roundId <= BigInt(ROUNDS); roundId++) {
      const harness = await factory.deploy(roundId, MAX_CLIENTS);
      for (const client of [...honest, sybil]) await harness.connect(client).join();

      const accepted = await grindUntilAccepted(
        () => grinder.grindLegacy(harness.getAddress(), sybil.address),
        LEGACY_TRIES,
      );
      expect(accepted, `round ${roundId}: no block in ${LEGACY_TRIES} gave the Sybil`).to.not.equal(undefined);
      // The prediction made inside the join was the draw itself.
      expect(await harness.holder()).to.equal(sybil.address);
    }
  });

  it("against the coordinator, predicts blind in the filling join: the same wrong seed in every block", async function () {
    const fixture = await loadFixture(deployGrindingFixture);
    const { coordinator, grinder, sybil, keeper } = fixture;
    const roundId = await openAndJoin(fixture);

    // What the filling join can compute, block after block: the draw block's hash reads as zero, so nothing changes.
    const predictions: string[] = [];
    for (let block = 0; block < COORDINATOR_TRIES; block++) {
      const [drawHash, seed] = await grinder.predictCoordinator(coordinator.getAddress(), roundId);
      expect(drawHash).to.equal(ethers.ZeroHash);
      predictions.push(seed);
      await mine();
    }
    expect(new Set(predictions).size).to.equal(1);

    // Joining and drawing in one transaction does not work either: the draw is a no-op in the block that armed it.
    await expect(grinder.joinAndDraw(coordinator.getAddress(), roundId, sybil.address))
      .to.be.revertedWithCustomError(grinder, "GrindMissed")
      .withArgs(ethers.ZeroAddress, sybil.address);

    await grinder.joinBlind(coordinator.getAddress(), roundId);
    expect(await coordinator.phase(roundId)).to.equal(Phase.Grouping);
    await drawGroups(coordinator, roundId, keeper);
    const mash = await coordinator.mashRound(roundId);
    const expected = mashGrouping({
      drawHash: await drawHashOf(coordinator, roundId),
      coordinator: await coordinator.getAddress(),
      roundId,
      participants: [...(await coordinator.participants(roundId))],
      groupSize: 3,
    });
    expect(mash.groupingSeed).to.equal(expected.seed);
    expect(mash.groupingSeed).to.not.equal(predictions[0]);
  });

  it("against the coordinator, does not get its Sybil drawn as holder round after round", async function () {
    const fixture = await loadFixture(deployGrindingFixture);
    const { coordinator, grinder, owner, sybil, keeper } = fixture;
    let sybilHolder = 0;
    let grindAccepted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const roundId = await openAndJoin(fixture);
      // The grinder joins only when its in-transaction prediction names the Sybil; failing that, it joins blind.
      const accepted = await grindUntilAccepted(
        () => grinder.grindCoordinator(coordinator.getAddress(), roundId, sybil.address),
        COORDINATOR_TRIES,
      );
      if (accepted === undefined) await grinder.joinBlind(coordinator.getAddress(), roundId);
      else grindAccepted += 1;
      // A retry never changes the prediction, so a grind goes through on its first try or not at all.
      expect(accepted === undefined || accepted === 1).to.equal(true);

      await drawGroups(coordinator, roundId, keeper);
      const { holder } = await coordinator.mashRound(roundId);
      if (holder === sybil.address) sybilHolder += 1;
      await coordinator.connect(owner).cancelRound(roundId);
    }
    // Chance gives the Sybil each round with probability 1/5: all six by luck would be 1 in 15,625.
    expect(sybilHolder, `Sybil drawn ${sybilHolder} of ${ROUNDS} (grind accepted ${grindAccepted})`).to.be.lessThan(ROUNDS);
  });

  it("a keeper that reads the draw block's hash and stays silent cannot re-roll: the round fails DrawExpired", async function () {
    const fixture = await loadFixture(deployGrindingFixture);
    const { coordinator, grinder, owner, sybil, keeper } = fixture;
    let silentRounds = 0;
    let fairWins = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const roundId = await openAndJoin(fixture);
      await grinder.joinBlind(coordinator.getAddress(), roundId);
      // The keeper's off-chain look at the draw: blockhash(drawBlock) is public once the block is mined.
      const drawBlock = await mineDrawBlock(coordinator, roundId);
      const seen = mashGrouping({
        drawHash: await drawHashOf(coordinator, roundId),
        coordinator: await coordinator.getAddress(),
        roundId,
        participants: [...(await coordinator.participants(roundId))],
        groupSize: 3,
      });
      if (seen.holder === sybil.address) {
        // The draw it was dealt by chance: it pokes, and that is the draw it gets.
        await coordinator.connect(keeper).advance(roundId);
        expect((await coordinator.mashRound(roundId)).holder).to.equal(sybil.address);
        fairWins += 1;
        await coordinator.connect(owner).cancelRound(roundId);
        continue;
      }
      // It dislikes the draw and stays silent past the hash's 256 blocks, hoping for a re-armed draw (the attack the
      // audit ran with 8 re-rolls). Its poke now ends the round instead: no new draw block, no holder, no groups.
      silentRounds += 1;
      await mine(300);
      const poke = await coordinator.connect(keeper).advance(roundId);
      await expect(poke).to.emit(coordinator, "RoundFailed").withArgs(TASK_ID, roundId, FailureReason.DrawExpired);
      await expect(poke).to.not.emit(coordinator, "GroupsDrawArmed");
      const mash = await coordinator.mashRound(roundId);
      expect([mash.drawBlock, mash.groupCount, mash.holder]).to.deep.equal([drawBlock, 0n, ethers.ZeroAddress]);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Failed);
      // And it cannot try again in this round.
      await expect(coordinator.connect(keeper).advance(roundId)).to.be.revertedWithCustomError(
        coordinator,
        "CoordinatorUnexpectedPhase",
      );
    }
    // Each round dealt the Sybil with probability 1/5; a silent round never turned into a Sybil draw.
    expect(silentRounds + fairWins).to.equal(ROUNDS);
    expect(fairWins, `Sybil drawn by chance in ${fairWins} of ${ROUNDS}`).to.be.lessThan(ROUNDS);
  });
});
