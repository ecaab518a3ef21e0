// A Mash task whose owner never called setTerms has the zero Terms. Before the fix, onAggregatePosted opened a
// challenge window of challengeDuration = 0 seconds (MIN_CHALLENGE_DURATION was enforced only in setTerms), so no
// later block could carry a challenge and a wrong sum finalized unchallengeable in the next block. The window is now
// at least MIN_CHALLENGE_DURATION whatever the terms. (Found by the contract-test pass over 99e59b3.)
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveMashRound } from "../helpers/driveMashRound";
import { encryptionKey } from "../helpers/encryptionKey";
import { Mode, Role } from "../helpers/enums";
import { challengeArguments } from "../helpers/mashVectors";
import { taskConfig } from "../helpers/taskConfig";
import { Outcome } from "../helpers/verifierEnums";

const TASK_ID = 1n;

describe("FedmashVerifier: the challenge window without terms", function () {
  async function untermedTaskFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper, watcher] = signers;
    const clients = signers.slice(4, 8);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    // The owner never calls setTerms: the task runs on the zero Terms (no bond, no rewards, challengeDuration 0).
    await coordinator.connect(owner).createTask(taskConfig({ mode: Mode.Mash, aggregator: aggregator.address, modelSize: 40 }), "bafkreimodel");
    return { coordinator, verifier, owner, aggregator, keeper, watcher, clients };
  }

  it("a Mash task without terms still gives watchers MIN_CHALLENGE_DURATION to prove a wrong sum", async function () {
    const { coordinator, verifier, owner, aggregator, keeper, watcher, clients } = await loadFixture(untermedTaskFixture);
    const round = await driveMashRound({
      coordinator,
      verifier,
      taskId: TASK_ID,
      owner,
      aggregator,
      keeper,
      clients,
      behaviour: { aggregateSum: "tampered", tamperedCoordinate: 3 },
      until: "aggregate",
    });
    const postedAt = BigInt(await time.latest());
    const { deadline } = await verifier.verification(round.roundId);
    const minimum = BigInt(await verifier.MIN_CHALLENGE_DURATION());
    // A watcher that needs one second after the aggregate's block can still prove the fraud.
    const [leaf, openings, aggregate] = challengeArguments(round.vectors, round.aggregateCommitment!, 0);
    await time.setNextBlockTimestamp(postedAt + 1n);
    await expect(verifier.connect(watcher).challenge(round.roundId, leaf, openings, aggregate, { value: await verifier.CHALLENGE_BOND() }))
      .to.emit(verifier, "AggregateFraudProven");
    expect((await verifier.verification(round.roundId)).outcome).to.equal(Outcome.FraudProven);
    expect(deadline - postedAt, "the challenge window, in seconds").to.be.greaterThanOrEqual(minimum);
  });
});
