// AUDIT (admission + challenge window), fixed: setTerms bounded challengeDuration from below (MIN_CHALLENGE_DURATION) but
// not from above, and withdrawStake keeps a client's stake locked while its round is not Finalized or Failed. A MASH
// round stays in Verification (verifier stage Challenge) until the window closes. So a task owner, who also names
// the aggregator, can set a window of 10^11 s (~3,170 years) with a required client stake: once the aggregate is
// posted, every included client's stake (never slashable: it only gates joins) is locked for that long, and so are its
// rewards. Nothing about the window is re-checked at post time (onAggregatePosted only floors it). The owner risks
// nothing: bond and rewards may be zero.
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveMashRound } from "../helpers/driveMashRound";
import { encryptionKey } from "../helpers/encryptionKey";
import { MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import { commitAggregateSum } from "../helpers/mashVectors";
import { taskConfig } from "../helpers/taskConfig";
import { Stage } from "../helpers/verifierEnums";

const TASK_ID = 1n;
const MAX_CLIENTS = 7;
const STAKE = parseEther("5");
const WINDOW = 100_000_000_000n; // 10^11 s, about 3,170 years

describe("AUDIT (fixed): an owner-chosen challenge window cannot lock client stakes for longer than 7 days", function () {
  it("refuses a 10^11 s window, and a staked client gets its stake back when the longest window closes", async function () {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper] = signers;
    const clients = signers.slice(5, 5 + MAX_CLIENTS);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    await coordinator.connect(owner).createTask(
      taskConfig({ mode: Mode.Mash, aggregator: aggregator.address, modelSize: 40, minClients: 4, maxClients: MAX_CLIENTS, groupSize: 3, maskGroup: MaskGroup.Rlwr2048 }),
      "bafkreistakelockmodel",
    );
    // The owner: no bond, no rewards, a stake to join, and a window of 3,170 years. setTerms now refuses it.
    await expect(verifier.connect(owner).setTerms(TASK_ID, { aggregatorBond: 0, clientReward: 0, aggregatorReward: 0, challengeDuration: WINDOW }))
      .to.be.revertedWithCustomError(verifier, "VerifierChallengeWindowTooLong")
      .withArgs(WINDOW, await verifier.MAX_CHALLENGE_DURATION());
    // The longest window it accepts, 7 days: the stakes unlock when it closes.
    const longest = await verifier.MAX_CHALLENGE_DURATION();
    await verifier.connect(owner).setTerms(TASK_ID, { aggregatorBond: 0, clientReward: 0, aggregatorReward: 0, challengeDuration: longest });
    await verifier.connect(owner).setAdmission(TASK_ID, { allowlistOnly: false, clientStake: STAKE });
    await verifier.connect(aggregator).acceptTask(TASK_ID, 0);
    for (const client of clients) await verifier.connect(client).stake(TASK_ID, { value: STAKE });

    const round = await driveMashRound({ coordinator, verifier, taskId: TASK_ID, owner, aggregator, keeper, clients, until: "aggregation" });
    expect(round.phase).to.equal(Phase.Aggregation);
    const sum = commitAggregateSum(round.aggregate, ethers.id("aggregate"));
    await coordinator.connect(aggregator).postAggregate(round.roundId, "bafkreiaggregate", "bafkreinextmodel", sum.commitment);
    const verification = await verifier.verification(round.roundId);
    expect(verification.stage).to.equal(BigInt(Stage.Challenge));
    const block = await ethers.provider.getBlock("latest");
    expect(verification.deadline).to.equal(BigInt(block!.timestamp) + longest);

    // Locked during the window, free as soon as it closed and the round settled.
    const victim = round.included[0]!;
    await expect(verifier.connect(victim).withdrawStake(TASK_ID, STAKE))
      .to.be.revertedWithCustomError(verifier, "VerifierStakeLocked")
      .withArgs(TASK_ID, victim.address, round.roundId);
    await time.increase(Number(longest) + 1);
    await verifier.connect(keeper).settle(round.roundId, "0x");
    await expect(verifier.connect(victim).withdrawStake(TASK_ID, STAKE)).to.changeEtherBalance(victim, STAKE);
  });
});
