// Contract behaviour the fraud-proof design promises but the contracts do not deliver yet, each as a test that fails
// until it is fixed (kept apart so that the other files stay green). Found while moving the tests to fraud proofs
// (99e59b3).
//
// 1. A Mash task whose owner never called setTerms has the zero Terms, so onAggregatePosted opens a challenge window
//    of challengeDuration = 0 seconds (FedmashVerifier.sol, onAggregatePosted: `block.timestamp +
//    info.terms.challengeDuration`; MIN_CHALLENGE_DURATION is enforced only in setTerms). No later block can carry a
//    challenge, so a wrong sum finalizes unchallengeable in the next block, whatever the watchers do. Before the fraud
//    proofs such a task still had the BN254 check (with a zero bond); now it has no verification at all.
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

describe("FedmashVerifier: known issues (failing until fixed)", function () {
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

  it("1: a Mash task without terms still gives watchers MIN_CHALLENGE_DURATION to prove a wrong sum", async function () {
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
