// The aggregate dispute game on a real (in-process Hardhat) chain, played by the workers' own code: the watcher's
// playAggregateDispute against the aggregator's answerer (createAggregateDisputeAnswerer). Before the game, a MASH
// aggregator that committed the root of a tampered sum and withheld the payload could not be proven wrong: the round
// passed after its window. Now:
//   - the watcher disputes, the aggregator can only answer from the tampered tree it committed, and the leaf reached
//     proves the fraud (AggregateFraudProven, the aggregator slashed);
//   - an aggregator that does not answer loses at the step's deadline (closeDispute);
//   - an honest aggregator answers a griefer at every step; the griefer, who has nothing to pick, times out and its
//     bond goes to the aggregator's task bond; the round passes.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { aggregateSumTree } from "../../../workers/crypto/commit/vectorMerkle";
import { createAggregateDisputeAnswerer } from "../../../workers/roles/answerAggregateDisputes";
import { playAggregateDispute, type PlayedDispute } from "../../../workers/roles/playAggregateDispute";
import { settleVerificationIfDue } from "../../../workers/roles/settleVerificationIfDue";
import type { WorkerRuntime } from "../../../workers/roles/openWorkerRuntime";
import { BaseContract } from "ethers";
import { DisputeEnd, DisputeTurn, disputeGeometry, revealedProof } from "../../../workers/protocol/watch/disputeGame";
import { wrongCoordinateOfLeaf } from "../../../workers/protocol/watch/judgeLikeContract";
import type { FedmashVerifier } from "../../../typechain-types";
import { deployFedmash } from "../../helpers/deployFedmash";
import { driveMashRound } from "../../helpers/driveMashRound";
import { encryptionKey } from "../../helpers/encryptionKey";
import { Mode, Role } from "../../helpers/enums";
import { taskConfig } from "../../helpers/taskConfig";
import { Outcome } from "../../helpers/verifierEnums";
import { recordingLogger } from "../../helpers/recordingLogger";

const TASK_ID = 1n;
const MODEL_SIZE = 2_100; // 132 leaves, D = 8: a reveal of 7 levels, then 1
const BOND = 10n ** 17n;
const WINDOW = 60n;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; fails the test after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/**
 * With automine off: mines the pending transactions in one block, `stepSeconds` of chain time after the last one, once
 * no new transaction arrived for `quietMs`. A sender that waits for each receipt before the next transaction so
 * spends one block, `stepSeconds`, per transaction.
 */
function mineWhenQuiet(stepSeconds: number, quietMs = 1_000): { stop: () => Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    let count = 0;
    let since = Date.now();
    while (!stopped) {
      const pending = (await ethers.provider.send("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] };
      if (pending.transactions.length !== count) {
        count = pending.transactions.length;
        since = Date.now();
      } else if (count > 0 && Date.now() - since >= quietMs) {
        await ethers.provider.send("evm_increaseTime", [stepSeconds]);
        await ethers.provider.send("evm_mine", []);
        count = 0;
        since = Date.now();
      }
      await sleep(25);
    }
  })();
  return { stop: async () => ((stopped = true), await loop) };
}

/**
 * The verifier as the watcher sees it through a failing node: its first `reads` event searches (two run at once) fail as transport
 * errors (an outage longer than one retry's ~1.5 s), and its first `sends` pickNode sends fail as "already known" (more
 * than sendTransaction's own attempts).
 */
function flakyVerifier(verifier: FedmashVerifier, failures: { reads: number; sends: number }): { verifier: FedmashVerifier; failed: { reads: number; sends: number } } {
  const failed = { reads: 0, sends: 0 };
  const transport = (message: string): Error => Object.assign(new Error(message), { code: "UNKNOWN_ERROR" });
  const proxy = new Proxy(verifier, {
    get(target, property) {
      if (property === "queryFilter") {
        return async (...args: Parameters<FedmashVerifier["queryFilter"]>) => {
          if (failed.reads < failures.reads) {
            failed.reads += 1;
            throw transport("socket hang up");
          }
          return target.queryFilter(...args);
        };
      }
      if (property === "pickNode") {
        return async (...args: Parameters<FedmashVerifier["pickNode"]>) => {
          if (failed.sends < failures.sends) {
            failed.sends += 1;
            throw transport("already known");
          }
          return target.pickNode(...args);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" && property in BaseContract.prototype ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { verifier: proxy, failed };
}

function runtimeOf(verifier: FedmashVerifier, signer: HardhatEthersSigner): { runtime: WorkerRuntime; messages: string[] } {
  const { logger, messages } = recordingLogger();
  const runtime = { verifier: verifier.connect(signer), connection: { provider: ethers.provider, signer, address: signer.address }, logger } as unknown as WorkerRuntime;
  return { runtime, messages };
}

describe("aggregate dispute (workers against FedmashVerifier)", function () {
  this.timeout(300_000);

  async function aggregationFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper, watcher] = signers;
    const clients = signers.slice(4, 8);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    await coordinator.connect(owner).createTask(taskConfig({ mode: Mode.Mash, aggregator: aggregator.address, modelSize: MODEL_SIZE }), "bafkreimodel");
    await verifier.connect(owner).setTerms(TASK_ID, { aggregatorBond: BOND, clientReward: 1n, aggregatorReward: 1n, challengeDuration: WINDOW });
    await verifier.connect(owner).fundTask(TASK_ID, { value: 10n ** 17n });
    await verifier.connect(aggregator).acceptTask(TASK_ID, BOND);
    await verifier.connect(aggregator).depositBond(TASK_ID, { value: BOND });
    const round = await driveMashRound({ coordinator, verifier, taskId: TASK_ID, owner, aggregator, keeper, clients, until: "aggregation" });
    return { coordinator, verifier, owner, aggregator, keeper, watcher, round };
  }

  /** The aggregator posts `committed`'s root as the aggregateHash, and a payload CID nobody can fetch (withheld). */
  async function postWithheld(fixture: Awaited<ReturnType<typeof aggregationFixture>>, committed: Int32Array): Promise<string> {
    const root = aggregateSumTree(committed).root;
    await fixture.coordinator.connect(fixture.aggregator).postAggregate(fixture.round.roundId, "bafkreiwithheld", "bafkreinewmodel", root);
    return root;
  }

  /** The aggregator's answering loop until `done` resolves. */
  function answering(verifier: FedmashVerifier, aggregator: HardhatEthersSigner, roundId: bigint, committed: Int32Array): { stop: () => Promise<void>; messages: string[] } {
    const { runtime, messages } = runtimeOf(verifier, aggregator);
    const answerer = createAggregateDisputeAnswerer({ runtime, committedSum: async () => committed });
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        await answerer.tick([{ roundId: roundId.toString() }]);
        await sleep(50);
      }
    })();
    return { stop: async () => ((stopped = true), await loop), messages };
  }

  function play(fixture: Awaited<ReturnType<typeof aggregationFixture>>, root: string): Promise<PlayedDispute> {
    const { runtime } = runtimeOf(fixture.verifier, fixture.watcher);
    const own = aggregateSumTree(fixture.round.aggregate);
    const truth = fixture.round.aggregate;
    return playAggregateDispute({
      runtime,
      roundId: fixture.round.roundId,
      geometry: disputeGeometry(MODEL_SIZE),
      own: (depth, position) => own.nodeAt(depth, position),
      judgeLeaf: (leafIndex, values) => wrongCoordinateOfLeaf({ leafIndex, values, modelSize: MODEL_SIZE, accepts: (c, v) => BigInt(truth[c]!) === v }),
      vectors: fixture.round.vectors,
      root,
      pollMs: 50,
    });
  }

  it("proves a withheld aggregate whose root is a tampered sum's: the dispute reaches the wrong leaf, AggregateFraudProven, the aggregator slashed", async function () {
    const fixture = await loadFixture(aggregationFixture);
    const { verifier, round, watcher } = fixture;
    const tampered = Int32Array.from(round.aggregate);
    tampered[1_500] += 1;
    const root = await postWithheld(fixture, tampered);
    const aggregator = answering(verifier, fixture.aggregator, round.roundId, tampered);
    let played: PlayedDispute;
    try {
      played = await play(fixture, root);
    } finally {
      await aggregator.stop();
    }
    expect(played).to.include({ status: "challenged", leafIndex: Math.floor(1_500 / 16), upheld: true });
    const verification = await verifier.verification(round.roundId);
    expect([Number(verification.outcome), verification.slashed]).to.deep.equal([Outcome.FraudProven, BOND]);
    const proven = await verifier.queryFilter(verifier.filters.AggregateFraudProven(undefined, round.roundId));
    expect(proven.map((event) => [event.args.challenger, event.args.coordinate])).to.deep.equal([[watcher.address, 1_500n]]);
    expect(aggregator.messages.filter((m) => m.startsWith("dispute answered"))).to.deep.equal(["dispute answered: nodes revealed", "dispute answered: nodes revealed", "dispute answered: leaf revealed"]);
    // The watcher is owed its dispute bond, its challenge bond and half the slash.
    const bond = await verifier.CHALLENGE_BOND();
    expect(await verifier.claimable(round.roundId, watcher.address)).to.equal(2n * bond + BOND / 2n);
  });

  it("proves the fraud when the aggregator does not answer by the step's deadline (closeDispute)", async function () {
    const fixture = await loadFixture(aggregationFixture);
    const { verifier, round, watcher } = fixture;
    const tampered = Int32Array.from(round.aggregate);
    tampered[7] -= 3;
    const root = await postWithheld(fixture, tampered);
    const game = play(fixture, root);
    // Nobody answers: once the dispute is open, let its deadline pass.
    while (Number((await verifier.disputeOf(round.roundId, watcher.address)).turn) !== DisputeTurn.Aggregator) await sleep(50);
    await time.increase(WINDOW + 1n);
    const played = await game;
    expect(played.status).to.equal("aggregator-timed-out");
    const verification = await verifier.verification(round.roundId);
    expect([Number(verification.outcome), verification.slashed]).to.deep.equal([Outcome.FraudProven, BOND]);
    const closed = await verifier.queryFilter(verifier.filters.DisputeClosed(round.roundId, watcher.address));
    expect(closed.map((event) => Number(event.args.end))).to.deep.equal([DisputeEnd.AggregatorTimedOut]);
    const proven = await verifier.queryFilter(verifier.filters.AggregateFraudProven(undefined, round.roundId));
    expect(proven.map((event) => event.args.coordinate)).to.deep.equal([ethers.MaxUint256]);
  });

  it("an honest aggregator answers a griefer at every step: the griefer's bond goes to the aggregator's task bond, and the round passes", async function () {
    const fixture = await loadFixture(aggregationFixture);
    const { verifier, round, watcher: griefer, keeper } = fixture;
    await postWithheld(fixture, round.aggregate);
    const bond = await verifier.CHALLENGE_BOND();
    await time.increase(5); // its steps then end after the window
    await verifier.connect(griefer).openDispute(round.roundId, { value: bond });
    const aggregator = answering(verifier, fixture.aggregator, round.roundId, round.aggregate);
    try {
      while (Number((await verifier.disputeOf(round.roundId, griefer.address)).turn) !== DisputeTurn.Challenger) await sleep(50);
      // The griefer's own picker finds nothing to pick: every revealed node is the true tree's.
      const played = await play(fixture, aggregateSumTree(round.aggregate).root);
      expect(played.status).to.equal("lost");
      // The keepers' settle waits for the open dispute (its step not expired) instead of sending a transaction that reverts.
      const windowDeadline = (await verifier.verification(round.roundId)).deadline;
      expect((await verifier.disputeOf(round.roundId, griefer.address)).deadline).to.be.greaterThanOrEqual(BigInt(await time.latest()));
      expect(await settleVerificationIfDue(runtimeOf(verifier, keeper).runtime, round.roundId, windowDeadline + 1n)).to.equal(false);
      expect(await verifier.openDisputes(round.roundId)).to.equal(1n);
      const before = (await verifier.taskFunds(TASK_ID)).bond;
      // The window closes while the dispute is open: settle waits for it.
      await time.increaseTo(windowDeadline + 1n);
      await expect(verifier.connect(keeper).settle(round.roundId, "0x")).to.be.revertedWithCustomError(verifier, "VerifierDisputesOpen");
      await time.increase(WINDOW + 1n);
      // The aggregator's answerer closes the griefer's timed-out dispute.
      while (Number((await verifier.disputeOf(round.roundId, griefer.address)).turn) !== DisputeTurn.Closed) await sleep(50);
      expect((await verifier.taskFunds(TASK_ID)).bond - before).to.equal(bond);
      expect(aggregator.messages).to.include("closed a dispute whose challenger did not move in time: its bond goes to the task bond");
    } finally {
      await aggregator.stop();
    }
    const closed = await verifier.queryFilter(verifier.filters.DisputeClosed(round.roundId, griefer.address));
    expect(closed.map((event) => [Number(event.args.end), event.args.bond])).to.deep.equal([[DisputeEnd.ChallengerTimedOut, bond]]);
    expect(await verifier.openDisputes(round.roundId)).to.equal(0n);
    await verifier.connect(keeper).settle(round.roundId, "0x");
    const verification = await verifier.verification(round.roundId);
    expect([Number(verification.outcome), verification.slashed]).to.deep.equal([Outcome.Passed, 0n]);
  });

  it("follows a target leaf (a failed decode's) to the bottom; a challenge of a right leaf is rejected and the dispute's bond goes to the aggregator", async function () {
    const fixture = await loadFixture(aggregationFixture);
    const { verifier, round, watcher: griefer, keeper } = fixture;
    const root = await postWithheld(fixture, round.aggregate);
    const aggregator = answering(verifier, fixture.aggregator, round.roundId, round.aggregate);
    let played: PlayedDispute;
    try {
      played = await playAggregateDispute({
        runtime: runtimeOf(verifier, griefer).runtime,
        roundId: round.roundId,
        geometry: disputeGeometry(MODEL_SIZE),
        targetLeaf: 100,
        // A watcher that wrongly believes the leaf is wrong (as after a decode that failed only on its side).
        judgeLeaf: (leafIndex) => leafIndex * 16,
        vectors: round.vectors,
        root,
        pollMs: 50,
      });
    } finally {
      await aggregator.stop();
    }
    expect(played).to.include({ status: "challenged", leafIndex: 100, upheld: false });
    const bond = await verifier.CHALLENGE_BOND();
    const closed = await verifier.queryFilter(verifier.filters.DisputeClosed(round.roundId, griefer.address));
    expect(closed.map((event) => [Number(event.args.end), event.args.bond])).to.deep.equal([[DisputeEnd.ChallengeRejected, bond]]);
    await time.increaseTo((await verifier.verification(round.roundId)).deadline + 1n);
    await verifier.connect(keeper).settle(round.roundId, "0x");
    expect(Number((await verifier.verification(round.roundId)).outcome)).to.equal(Outcome.Passed);
  });

  it("keeps playing through an RPC outage and failing sends (not reverts): the dispute still proves the fraud", async function () {
    const fixture = await loadFixture(aggregationFixture);
    const { verifier, round, watcher } = fixture;
    const tampered = Int32Array.from(round.aggregate);
    tampered[900] += 2;
    const root = await postWithheld(fixture, tampered);
    const aggregator = answering(verifier, fixture.aggregator, round.roundId, tampered);
    const { runtime, messages } = runtimeOf(verifier, watcher);
    const flaky = flakyVerifier(runtime.verifier, { reads: 12, sends: 5 });
    const own = aggregateSumTree(round.aggregate);
    let played: PlayedDispute;
    try {
      played = await playAggregateDispute({
        runtime: { ...runtime, verifier: flaky.verifier } as WorkerRuntime,
        roundId: round.roundId,
        geometry: disputeGeometry(MODEL_SIZE),
        own: (depth, position) => own.nodeAt(depth, position),
        judgeLeaf: (leafIndex, values) => wrongCoordinateOfLeaf({ leafIndex, values, modelSize: MODEL_SIZE, accepts: (c, v) => BigInt(round.aggregate[c]!) === v }),
        vectors: round.vectors,
        root,
        pollMs: 50,
      });
    } finally {
      await aggregator.stop();
    }
    expect(flaky.failed).to.deep.equal({ reads: 12, sends: 5 });
    expect(messages.filter((m) => m === "dispute step failed (not a revert): retrying").length).to.be.greaterThanOrEqual(2);
    expect(played).to.include({ status: "challenged", leafIndex: Math.floor(900 / 16), upheld: true });
    const verification = await verifier.verification(round.roundId);
    expect([Number(verification.outcome), verification.slashed]).to.deep.equal([Outcome.FraudProven, BOND]);
  });

  it("answers a burst of disputes in time: one reveal serves them all at the root, then every distinct node in one block; a keeper closes the griefers' lapsed disputes and the round passes", async function () {
    const fixture = await loadFixture(aggregationFixture);
    const { verifier, round, keeper } = fixture;
    const griefers = (await ethers.getSigners()).slice(8, 13);
    await postWithheld(fixture, round.aggregate);
    const bond = await verifier.CHALLENGE_BOND();
    const turns = async (): Promise<DisputeTurn[]> => Promise.all(griefers.map(async (g) => Number((await verifier.disputeOf(round.roundId, g.address)).turn) as DisputeTurn));
    const allChallengers = async (): Promise<boolean> => (await turns()).every((turn) => turn === DisputeTurn.Challenger);
    const depthsAt = async (depth: number): Promise<boolean> =>
      (await Promise.all(griefers.map((g) => verifier.disputeOf(round.roundId, g.address)))).every((d) => Number(d.depth) === depth && Number(d.turn) === DisputeTurn.Challenger);
    const aggregator = answering(verifier, fixture.aggregator, round.roundId, round.aggregate);
    // Each block 20 s after the last: three blocks a step (60 s), so five answers sent one receipt at a time would miss.
    await ethers.provider.send("evm_setAutomine", [false]);
    const miner = mineWhenQuiet(20);
    try {
      for (const griefer of griefers) await verifier.connect(griefer).openDispute(round.roundId, { value: bond });
      await until("the root is revealed for every dispute", allChallengers);
      const rootReveals = await verifier.queryFilter(verifier.filters.DisputeNodesRevealed(round.roundId));
      expect(rootReveals).to.have.length(1); // one answer for five disputes at the root
      const nodes = [...rootReveals[0]!.args.nodes];
      // Each griefer picks another node (depth 7), all in one block: five distinct nodes to answer by one deadline.
      for (const [i, griefer] of griefers.entries()) await verifier.connect(griefer).pickNode(round.roundId, 10 * i, nodes[10 * i]!, revealedProof(nodes, 10 * i));
      await until("every picked node is revealed", () => depthsAt(7));
      const reveals = await verifier.queryFilter(verifier.filters.DisputeNodesRevealed(round.roundId));
      expect(reveals).to.have.length(1 + griefers.length);
      const answeredIn = new Set(reveals.slice(1).map((event) => event.blockNumber));
      expect(answeredIn.size).to.equal(1); // all in one block, not one block (20 s) each
      // And down to the leaves.
      for (const [i, griefer] of griefers.entries()) {
        const own = reveals.find((event) => event.args.challenger === griefer.address && Number(event.args.depth) === 7)!;
        await verifier.connect(griefer).pickNode(round.roundId, 0, own.args.nodes[0]!, revealedProof([...own.args.nodes], 0));
        expect(Number(own.args.position)).to.equal(10 * i);
      }
      await until("every picked leaf is revealed", () => depthsAt(8));
      expect(await verifier.queryFilter(verifier.filters.DisputeLeafRevealed(round.roundId))).to.have.length(griefers.length);
    } finally {
      await miner.stop();
      await ethers.provider.send("evm_setAutomine", [true]);
      await ethers.provider.send("evm_mine", []); // what is still pending, so no sender waits for it forever
      await aggregator.stop(); // and the aggregator goes offline
    }
    expect(await verifier.queryFilter(verifier.filters.DisputeClosed(round.roundId))).to.deep.equal([]);
    // The griefers leave their right leaves unchallenged; with the aggregator offline, a keeper closes their disputes
    // once their steps lapsed (the settle waits for them), then settles: nobody slashed.
    await time.increase(3n * WINDOW);
    const keeperRuntime = runtimeOf(verifier, keeper).runtime;
    expect(await settleVerificationIfDue(keeperRuntime, round.roundId, BigInt(await time.latest()) + 1n)).to.equal(false);
    const closed = await verifier.queryFilter(verifier.filters.DisputeClosed(round.roundId));
    expect(closed.map((event) => Number(event.args.end))).to.deep.equal(griefers.map(() => DisputeEnd.ChallengerTimedOut));
    expect(await settleVerificationIfDue(keeperRuntime, round.roundId, BigInt(await time.latest()) + 1n)).to.equal(true);
    const verification = await verifier.verification(round.roundId);
    expect([Number(verification.outcome), verification.slashed]).to.deep.equal([Outcome.Passed, 0n]);
  });
});
