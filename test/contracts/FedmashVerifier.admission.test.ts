// Issue 15, Sybils: each task has an admission policy, kept by the verifier and checked by the coordinator on every
// join. The default (zero) policy is open admission: any account with the registry's Client role joins, which is what
// lets one attacker fill a round with its own Sybils (the attack test below succeeds against it). An owner allowlist
// stops that; a client stake prices it (k Sybils lock k stakes for as long as they are in a round).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { deployFedmash } from "../helpers/deployFedmash";
import { encryptionKey } from "../helpers/encryptionKey";
import { Mode, Phase, Role } from "../helpers/enums";
import { taskConfig } from "../helpers/taskConfig";

const TASK_ID = 1n;
const ROUND_ID = 1n;
const STAKE = parseEther("0.5");
const TERMS = { aggregatorBond: 0n, clientReward: 0n, aggregatorReward: 0n, challengeDuration: 60n };

describe("FedmashVerifier: admission of clients (Sybils)", function () {
  async function deployAdmissionFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, stranger] = signers;
    const honest = signers.slice(3, 5);
    const sybils = signers.slice(5, 9);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of [...honest, ...sybils].entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    await coordinator
      .connect(owner)
      .createTask(taskConfig({ mode: Mode.Mash, aggregator: aggregator.address, minClients: 4, maxClients: 4 }), "bafkreimodel");
    await verifier.connect(owner).setTerms(TASK_ID, TERMS);
    return { coordinator, verifier, owner, stranger, honest, sybils };
  }

  async function books(verifier: Awaited<ReturnType<typeof deployAdmissionFixture>>["verifier"]) {
    const balance = await ethers.provider.getBalance(await verifier.getAddress());
    expect(balance).to.equal((await verifier.totalOwed()) + (await verifier.totalBurned()));
  }

  it("is open by default: any registered client joins, and with it an attacker's Sybils fill the round", async function () {
    const { coordinator, verifier, owner, honest, sybils } = await loadFixture(deployAdmissionFixture);
    expect(await verifier.admission(TASK_ID)).to.deep.equal([false, 0n]);
    await coordinator.connect(owner).openRound(TASK_ID, "bafkreimodel");
    // The attack: three Sybils join first and take three of the four places; one honest client is left, whose
    // update the round's sum would then reveal to the attacker.
    for (const sybil of sybils.slice(0, 3)) await coordinator.connect(sybil).join(ROUND_ID);
    await coordinator.connect(honest[0]).join(ROUND_ID);
    expect((await coordinator.round(ROUND_ID)).joinedCount).to.equal(4n);
    await expect(coordinator.connect(honest[1]).join(ROUND_ID)).to.be.revertedWithCustomError(coordinator, "CoordinatorRoundFull");
  });

  it("with an allowlist, admits only the accounts the owner allowed, so the same Sybils cannot join", async function () {
    const { coordinator, verifier, owner, honest, sybils } = await loadFixture(deployAdmissionFixture);
    await expect(verifier.connect(owner).setAdmission(TASK_ID, { allowlistOnly: true, clientStake: 0n }))
      .to.emit(verifier, "AdmissionSet")
      .withArgs(TASK_ID, true, 0n);
    await expect(verifier.connect(owner).setAllowed(TASK_ID, [honest[0].address, honest[1].address], true))
      .to.emit(verifier, "AllowlistChanged")
      .withArgs(TASK_ID, honest[1].address, true);
    await coordinator.connect(owner).openRound(TASK_ID, "bafkreimodel");
    for (const sybil of sybils) {
      await expect(coordinator.connect(sybil).join(ROUND_ID))
        .to.be.revertedWithCustomError(verifier, "VerifierNotAdmitted")
        .withArgs(TASK_ID, sybil.address, false, 0n, 0n);
    }
    await coordinator.connect(honest[0]).join(ROUND_ID);
    await coordinator.connect(honest[1]).join(ROUND_ID);
    expect((await coordinator.round(ROUND_ID)).joinedCount).to.equal(2n);
    // Removal takes effect at the next join.
    await verifier.connect(owner).setAllowed(TASK_ID, [honest[0].address], false);
    expect(await verifier.isAllowed(TASK_ID, honest[0].address)).to.equal(false);
    expect(await coordinator.hasJoined(ROUND_ID, honest[0].address)).to.equal(true);
  });

  it("with a stake, admits only staked clients and locks the stake while the client is in an open round", async function () {
    const { coordinator, verifier, owner, honest, sybils } = await loadFixture(deployAdmissionFixture);
    await verifier.connect(owner).setAdmission(TASK_ID, { allowlistOnly: false, clientStake: STAKE });
    await coordinator.connect(owner).openRound(TASK_ID, "bafkreimodel");
    const client = honest[0];
    await expect(coordinator.connect(client).join(ROUND_ID))
      .to.be.revertedWithCustomError(verifier, "VerifierNotAdmitted")
      .withArgs(TASK_ID, client.address, false, 0n, STAKE);
    await expect(verifier.connect(client).stake(TASK_ID, { value: STAKE - 1n }))
      .to.emit(verifier, "StakeChanged")
      .withArgs(TASK_ID, client.address, STAKE - 1n, STAKE - 1n);
    await expect(coordinator.connect(client).join(ROUND_ID))
      .to.be.revertedWithCustomError(verifier, "VerifierNotAdmitted")
      .withArgs(TASK_ID, client.address, false, STAKE - 1n, STAKE);
    await verifier.connect(client).stake(TASK_ID, { value: 1n });
    await coordinator.connect(client).join(ROUND_ID);
    await books(verifier);

    // Locked while the round it joined is open; a Sybil that never joined may leave with its stake at any time.
    await expect(verifier.connect(client).withdrawStake(TASK_ID, STAKE))
      .to.be.revertedWithCustomError(verifier, "VerifierStakeLocked")
      .withArgs(TASK_ID, client.address, ROUND_ID);
    await verifier.connect(sybils[0]).stake(TASK_ID, { value: STAKE });
    await expect(verifier.connect(sybils[0]).withdrawStake(TASK_ID, STAKE)).to.changeEtherBalance(sybils[0], STAKE);

    await coordinator.connect(owner).cancelRound(ROUND_ID);
    expect((await coordinator.round(ROUND_ID)).phase).to.equal(Phase.Failed);
    await expect(verifier.connect(client).withdrawStake(TASK_ID, STAKE + 1n))
      .to.be.revertedWithCustomError(verifier, "VerifierInsufficientStake")
      .withArgs(TASK_ID, client.address, STAKE + 1n, STAKE);
    await expect(verifier.connect(client).withdrawStake(TASK_ID, STAKE)).to.changeEtherBalance(client, STAKE);
    expect(await verifier.stakeOf(TASK_ID, client.address)).to.equal(0n);
    await books(verifier);
  });

  it("lets only the owner set the policy, and only between rounds", async function () {
    const { coordinator, verifier, owner, stranger } = await loadFixture(deployAdmissionFixture);
    const policy = { allowlistOnly: true, clientStake: 0n };
    await expect(verifier.connect(stranger).setAdmission(TASK_ID, policy))
      .to.be.revertedWithCustomError(verifier, "VerifierNotTaskOwner")
      .withArgs(TASK_ID, stranger.address);
    await expect(verifier.connect(stranger).setAllowed(TASK_ID, [stranger.address], true))
      .to.be.revertedWithCustomError(verifier, "VerifierNotTaskOwner")
      .withArgs(TASK_ID, stranger.address);
    await coordinator.connect(owner).openRound(TASK_ID, "bafkreimodel");
    await expect(verifier.connect(owner).setAdmission(TASK_ID, policy))
      .to.be.revertedWithCustomError(verifier, "VerifierTaskBusy")
      .withArgs(TASK_ID, ROUND_ID);
    await expect(verifier.connect(stranger).stake(99n, { value: 1n })).to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownTask");
    await expect(verifier.connect(stranger).stake(TASK_ID)).to.be.revertedWithCustomError(verifier, "VerifierZeroAmount");
  });
});
