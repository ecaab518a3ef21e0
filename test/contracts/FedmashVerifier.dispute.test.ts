// The dispute game of a MASH aggregate on real masked vectors (FedmashVerifier openDispute / revealNodes / pickNode /
// revealLeaf / closeDispute, then challenge). The attack it closes: an aggregator commits the root of a tampered sum and
// never publishes a payload that opens it, so nobody has the aggregate leaf a challenge needs, and the round used to pass
// after the window with the aggregator paid. Here the challenger, who recomputed the right sum from the submissions,
// makes the aggregator open its own tree down to a leaf it got wrong, 7 levels a step; whoever misses a step loses.
// d = 3192: 200 leaves (the last one half tail), padded to 256, a tree of depth 8, so the game takes two reveals
// (7 levels, then 1) and a leaf.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseEther } from "ethers";
import type { FedmashVerifier } from "../../typechain-types";
import { buildVectorMerkleTree, encodeAggregateSum, type VectorMerkleTree } from "../../workers/crypto/commit/vectorMerkle";
import { revealedProof } from "../../workers/protocol/watch/disputeGame";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveMashRound } from "../helpers/driveMashRound";
import { encryptionKey } from "../helpers/encryptionKey";
import { MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import { challengeArguments, type CommittedVector } from "../helpers/mashVectors";
import { taskConfig } from "../helpers/taskConfig";
import { Outcome, Stage, VerifierFailureReason } from "../helpers/verifierEnums";

const TASK_ID = 1n;
const MODEL_SIZE = 3192;
const LEAF_COUNT = 200;
const TREE_DEPTH = 8;
const MAX_CLIENTS = 7;
const GROUP_SIZE = 3;
const AGGREGATOR_BOND = parseEther("1");
const CLIENT_REWARD = parseEther("0.1");
const AGGREGATOR_REWARD = parseEther("0.5");
const POOL = parseEther("3");
const WINDOW = 600;
const BOND = parseEther("0.01");
const AGGREGATE_CID = "bafkreidisputeaggregate";
const NEXT_MODEL_CID = "bafkreidisputenextmodel";
/** A coordinate the tampered sum gets wrong, in leaf 150 (so the path is not the leftmost). */
const TAMPERED_COORDINATE = 150 * 16 + 5;

/** DisputeTurn and DisputeEnd, as the contract numbers them. */
const Turn = { None: 0n, Aggregator: 1n, Challenger: 2n, Closed: 3n } as const;
const End = { AggregatorTimedOut: 0n, ChallengerTimedOut: 1n, ChallengeRejected: 2n, PaddingNotZero: 3n } as const;

/** A sum's tree over `values` int64 (more than MODEL_SIZE of them make padding leaves non-zero, same depth). */
function sumTree(values: Int32Array, length = values.length): VectorMerkleTree {
  const padded = new Int32Array(length);
  padded.set(values.subarray(0, Math.min(values.length, length)));
  return buildVectorMerkleTree(encodeAggregateSum(padded), 8, length);
}

function committedSum(tree: VectorMerkleTree): CommittedVector {
  return { payloadHash: ethers.ZeroHash as `0x${string}`, tree, commitment: tree.root };
}

async function expectBalanced(verifier: FedmashVerifier): Promise<void> {
  const balance = await ethers.provider.getBalance(await verifier.getAddress());
  expect(balance).to.equal((await verifier.totalOwed()) + (await verifier.totalBurned()));
}

describe("FedmashVerifier: the dispute game of a withheld MASH aggregate", function () {
  async function taskFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper, challenger, bystander] = signers;
    const clients = signers.slice(5, 5 + MAX_CLIENTS);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator!).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    const config = taskConfig({
      mode: Mode.Mash,
      aggregator: aggregator!.address,
      modelSize: MODEL_SIZE,
      minClients: 4,
      maxClients: MAX_CLIENTS,
      groupSize: GROUP_SIZE,
      maskGroup: MaskGroup.Rlwr2048,
    });
    await coordinator.connect(owner!).createTask(config, "bafkreidisputemodel");
    await verifier.connect(owner!).setTerms(TASK_ID, {
      aggregatorBond: AGGREGATOR_BOND,
      clientReward: CLIENT_REWARD,
      aggregatorReward: AGGREGATOR_REWARD,
      challengeDuration: WINDOW,
    });
    await verifier.connect(owner!).fundTask(TASK_ID, { value: POOL });
    await verifier.connect(aggregator!).acceptTask(TASK_ID, AGGREGATOR_BOND);
    await verifier.connect(aggregator!).depositBond(TASK_ID, { value: AGGREGATOR_BOND });
    const round = await driveMashRound({
      coordinator,
      verifier,
      taskId: TASK_ID,
      owner: owner!,
      aggregator: aggregator!,
      keeper: keeper!,
      clients,
      until: "aggregation",
    });
    expect(round.phase).to.equal(Phase.Aggregation);
    /** What every watcher computes from the submissions: the right sum's tree. */
    const right = sumTree(round.aggregate);
    return { coordinator, verifier, owner: owner!, aggregator: aggregator!, challenger: challenger!, bystander: bystander!, clients, round, right };
  }

  /** The aggregator commits `tree`'s root and publishes nothing that opens it. */
  async function posted(tree: VectorMerkleTree) {
    const fixture = await loadFixture(taskFixture);
    await fixture.coordinator.connect(fixture.aggregator).postAggregate(fixture.round.roundId, AGGREGATE_CID, NEXT_MODEL_CID, tree.root);
    return { ...fixture, committed: tree };
  }

  function tamperedTree(right: Int32Array): VectorMerkleTree {
    const tampered = right.slice();
    tampered[TAMPERED_COORDINATE] += 1;
    return sumTree(tampered);
  }

  const honest = async () => posted(sumTree((await loadFixture(taskFixture)).round.aggregate));
  const tampered = async () => posted(tamperedTree((await loadFixture(taskFixture)).round.aggregate));
  /** The right sum, but its tree has non-zero padding leaves (values past d, over leaves 200–255): not canonical. */
  const padded = async () => {
    const { round } = await loadFixture(taskFixture);
    const values = new Int32Array(256 * 16);
    values.set(round.aggregate);
    values.fill(7, LEAF_COUNT * 16);
    return posted(sumTree(values));
  };

  type Posted = Awaited<ReturnType<typeof honest>>;

  /** The aggregator's move, from the tree it committed: the nodes below the dispute's node, or the leaf's values. */
  async function aggregatorMoves(fixture: Posted, challenger: HardhatEthersSigner) {
    const { verifier, aggregator, round, committed } = fixture;
    const state = await verifier.disputeOf(round.roundId, challenger.address);
    expect(state.turn).to.equal(Turn.Aggregator);
    const depth = Number(state.depth);
    const position = Number(state.position);
    if (depth === TREE_DEPTH) {
      return verifier.connect(aggregator).revealLeaf(round.roundId, challenger.address, ethers.hexlify(committed.leafValues(position)));
    }
    const levels = Math.min(7, TREE_DEPTH - depth);
    const nodes = Array.from({ length: 2 ** levels }, (_, index) => committed.nodeAt(depth + levels, (position << levels) + index));
    return verifier.connect(aggregator).revealNodes(round.roundId, challenger.address, nodes);
  }

  /** The challenger's pick: the first revealed node that differs from its own tree (or `forced` when none does). */
  async function challengerPicks(fixture: Posted, challenger: HardhatEthersSigner, forced = 0) {
    const { verifier, round, right } = fixture;
    const state = await verifier.disputeOf(round.roundId, challenger.address);
    const depth = Number(state.depth);
    const position = Number(state.position);
    const levels = Math.min(7, TREE_DEPTH - depth);
    // The last reveal of this dispute's node, by whichever dispute had it revealed (reveals are shared).
    const reveals = await verifier.queryFilter(verifier.filters.DisputeNodesRevealed(round.roundId));
    const revealed = reveals.filter((reveal) => Number(reveal.args.depth) === depth && Number(reveal.args.position) === position).at(-1)!.args.nodes;
    const childDepth = depth + levels;
    let index = revealed.findIndex((node, i) => node !== right.nodeAt(childDepth, (position << levels) + i));
    if (index < 0) index = forced;
    // The siblings from the picked node up to the dispute's node, from the revealed subtree (the workers' own helper).
    const proof = revealedProof(revealed, index);
    return verifier.connect(challenger).pickNode(round.roundId, index, revealed[index]!, proof);
  }

  /** Plays the game down to the revealed leaf, both sides moving in time. Returns the leaf's index. */
  async function playToLeaf(fixture: Posted, challenger: HardhatEthersSigner): Promise<number> {
    await fixture.verifier.connect(challenger).openDispute(fixture.round.roundId, { value: BOND });
    for (;;) {
      await aggregatorMoves(fixture, challenger);
      const state = await fixture.verifier.disputeOf(fixture.round.roundId, challenger.address);
      if (Number(state.depth) === TREE_DEPTH) return Number(state.position);
      await challengerPicks(fixture, challenger);
    }
  }

  /** The challenge of the leaf the dispute reached, with the aggregate's leaf as the aggregator revealed it. */
  function challengeLeaf(fixture: Posted, challenger: HardhatEthersSigner, leaf: number) {
    const [leafIndex, openings, aggregate] = challengeArguments(fixture.round.vectors, committedSum(fixture.committed), leaf);
    return fixture.verifier.connect(challenger).challenge(fixture.round.roundId, leafIndex, openings, aggregate, { value: BOND });
  }

  it("ATTACK (works without a dispute): a tampered sum whose payload is withheld passes after the window, the aggregator paid", async function () {
    const { verifier, aggregator, round } = await loadFixture(tampered);
    // Nobody can open the aggregate's leaf without the aggregator: no challenge can be built, so none is sent.
    await time.increase(WINDOW + 1);
    await verifier.settle(round.roundId, "0x");
    expect((await verifier.verification(round.roundId)).outcome).to.equal(Outcome.Passed);
    expect(await verifier.claimable(round.roundId, aggregator.address)).to.equal(AGGREGATOR_REWARD);
  });

  it("a dispute makes the aggregator open its tree down to the wrong leaf, and the challenge there proves the fraud", async function () {
    const fixture = await loadFixture(tampered);
    const { verifier, coordinator, aggregator, challenger, round } = fixture;
    const leaf = await playToLeaf(fixture, challenger);
    expect(leaf).to.equal(Math.floor(TAMPERED_COORDINATE / 16));
    // Even after the window: the dispute reached this leaf and it is the challenger's move.
    await time.increase(WINDOW - 60);
    await expect(challengeLeaf(fixture, challenger, leaf))
      .to.emit(verifier, "AggregateFraudProven")
      .withArgs(TASK_ID, round.roundId, challenger.address, TAMPERED_COORDINATE, AGGREGATOR_BOND, AGGREGATOR_BOND / 2n + BOND, anyShare());
    expect((await verifier.verification(round.roundId)).outcome).to.equal(Outcome.FraudProven);
    expect((await coordinator.round(round.roundId)).failureReason).to.equal(VerifierFailureReason.AggregateFraudProven);
    // Both bonds back (the challenge's in the reward, the dispute's as a refund) and half the slash; nothing for the aggregator.
    expect(await verifier.claimable(round.roundId, challenger.address)).to.equal(AGGREGATOR_BOND / 2n + 2n * BOND);
    expect(await verifier.claimable(round.roundId, aggregator.address)).to.equal(0n);
    await expect(verifier.connect(challenger).claim(round.roundId)).to.changeEtherBalance(challenger, AGGREGATOR_BOND / 2n + 2n * BOND);
    // Every included account can claim its share of the slash after the challenger took both bonds back.
    for (const client of round.included) {
      const owed = await verifier.claimable(round.roundId, client.address);
      expect(owed).to.be.greaterThan(0n);
      await expect(verifier.connect(client).claim(round.roundId)).to.changeEtherBalance(client, owed);
    }
    expect((await verifier.verification(round.roundId)).unclaimed).to.equal(0n);
    await expectBalanced(verifier);
  });

  it("an aggregator that does not answer a step loses: closeDispute proves the fraud, and anyone may send it", async function () {
    const fixture = await loadFixture(tampered);
    const { verifier, challenger, bystander, round } = fixture;
    await verifier.connect(challenger).openDispute(round.roundId, { value: BOND });
    await aggregatorMoves(fixture, challenger);
    await challengerPicks(fixture, challenger);
    // The aggregator goes silent at depth 7.
    await expect(verifier.connect(bystander).closeDispute(round.roundId, challenger.address))
      .to.be.revertedWithCustomError(verifier, "VerifierDisputeNotExpired");
    await expect(verifier.settle(round.roundId, "0x")).to.be.revertedWithCustomError(verifier, "VerifierDisputesOpen").withArgs(round.roundId, 1);
    await time.increase(WINDOW + 1);
    await expect(verifier.connect(bystander).closeDispute(round.roundId, challenger.address))
      .to.emit(verifier, "DisputeClosed")
      .withArgs(round.roundId, challenger.address, End.AggregatorTimedOut, 0)
      .and.to.emit(verifier, "AggregateFraudProven")
      .withArgs(TASK_ID, round.roundId, challenger.address, ethers.MaxUint256, AGGREGATOR_BOND, AGGREGATOR_BOND / 2n + BOND, anyShare());
    expect(await verifier.claimable(round.roundId, challenger.address)).to.equal(AGGREGATOR_BOND / 2n + BOND);
    await expectBalanced(verifier);
  });

  it("a griefer cannot veto an honest round: the aggregator answers, the griefer's leaf is right, it loses both bonds, the round passes", async function () {
    const fixture = await loadFixture(honest);
    const { verifier, aggregator, clients, round } = fixture;
    const griefer = clients.find((client) => round.included.includes(client))!;
    const bondBefore = (await verifier.taskFunds(TASK_ID)).bond;
    const leaf = await playToLeaf(fixture, griefer);
    await expect(challengeLeaf(fixture, griefer, leaf))
      .to.emit(verifier, "ChallengeRejected")
      .and.to.emit(verifier, "DisputeClosed")
      .withArgs(round.roundId, griefer.address, End.ChallengeRejected, BOND);
    // The dispute's bond paid the aggregator's moves; the challenge's was burned.
    expect((await verifier.taskFunds(TASK_ID)).bond).to.equal(bondBefore + BOND);
    await time.increase(WINDOW + 1);
    await verifier.settle(round.roundId, "0x");
    expect((await verifier.verification(round.roundId)).outcome).to.equal(Outcome.Passed);
    expect(await verifier.claimable(round.roundId, aggregator.address)).to.equal(AGGREGATOR_REWARD);
    expect(await verifier.claimable(round.roundId, griefer.address)).to.equal(CLIENT_REWARD);
    await expectBalanced(verifier);
  });

  it("a griefer that stops moving loses its bond to the aggregator, and the round passes once the dispute is closed", async function () {
    const fixture = await loadFixture(honest);
    const { verifier, challenger, round } = fixture;
    await verifier.connect(challenger).openDispute(round.roundId, { value: BOND });
    await aggregatorMoves(fixture, challenger);
    await time.increase(WINDOW + 1);
    await expect(verifier.closeDispute(round.roundId, challenger.address))
      .to.emit(verifier, "DisputeClosed")
      .withArgs(round.roundId, challenger.address, End.ChallengerTimedOut, BOND);
    await verifier.settle(round.roundId, "0x");
    expect((await verifier.verification(round.roundId)).outcome).to.equal(Outcome.Passed);
    await expectBalanced(verifier);
  });

  it("a tree with non-zero padding is not the sum's tree: picking such a leaf proves the fraud at once", async function () {
    const fixture = await loadFixture(padded);
    const { verifier, challenger, round } = fixture;
    await verifier.connect(challenger).openDispute(round.roundId, { value: BOND });
    await aggregatorMoves(fixture, challenger);
    await challengerPicks(fixture, challenger);
    await aggregatorMoves(fixture, challenger);
    // The first differing node at the leaf level is leaf 200, the first padding leaf.
    await expect(challengerPicks(fixture, challenger))
      .to.emit(verifier, "DisputeClosed")
      .withArgs(round.roundId, challenger.address, End.PaddingNotZero, 0)
      .and.to.emit(verifier, "AggregateFraudProven")
      .withArgs(TASK_ID, round.roundId, challenger.address, LEAF_COUNT * 16, AGGREGATOR_BOND, AGGREGATOR_BOND / 2n + BOND, anyShare());
    await expectBalanced(verifier);
  });

  it("a non-zero tail past d in the last leaf is wrong: a challenge of that leaf is upheld at the first tail coordinate", async function () {
    const { round } = await loadFixture(taskFixture);
    const values = new Int32Array(LEAF_COUNT * 16);
    values.set(round.aggregate);
    values[MODEL_SIZE + 3] = 1;
    const fixture = await posted(buildVectorMerkleTree(encodeAggregateSum(values), 8, values.length));
    await expect(challengeLeaf(fixture, fixture.challenger, LEAF_COUNT - 1))
      .to.emit(fixture.verifier, "AggregateFraudProven")
      .withArgs(TASK_ID, round.roundId, fixture.challenger.address, MODEL_SIZE + 3, AGGREGATOR_BOND, AGGREGATOR_BOND / 2n + BOND, anyShare());
  });

  it("a second dispute open when the first proves the fraud gets its bond back", async function () {
    const fixture = await loadFixture(tampered);
    const { verifier, challenger, bystander, round } = fixture;
    await verifier.connect(bystander).openDispute(round.roundId, { value: BOND });
    const leaf = await playToLeaf(fixture, challenger);
    await challengeLeaf(fixture, challenger, leaf);
    expect(await verifier.claimable(round.roundId, bystander.address)).to.equal(BOND);
    // The round is settled: a late settle says so, not that disputes are open.
    await expect(verifier.settle(round.roundId, "0x")).to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage");
    await expect(verifier.connect(bystander).claim(round.roundId)).to.changeEtherBalance(bystander, BOND);
    for (const account of [challenger, ...round.included]) await verifier.connect(account).claim(round.roundId);
    expect((await verifier.verification(round.roundId)).unclaimed).to.equal(0n);
    await expectBalanced(verifier);
  });

  it("a burst of disputes costs an honest aggregator one answer per distinct node, and every challenger still gets a full step", async function () {
    const fixture = await loadFixture(honest);
    const { verifier, aggregator, challenger, bystander, clients, round } = fixture;
    const griefers = [challenger, bystander, ...clients.slice(0, 3)];
    for (const griefer of griefers) await verifier.connect(griefer).openDispute(round.roundId, { value: BOND });
    // One reveal of the root's 128 descendants, for the first dispute only.
    await time.increase(WINDOW - 30);
    await aggregatorMoves(fixture, griefers[0]!);
    const revealedAt = BigInt(await time.latest());
    for (const griefer of griefers) {
      const state = await verifier.disputeOf(round.roundId, griefer.address);
      // Everyone's move now, one whole step from the reveal, though their own deadlines were 30 s away.
      expect([state.turn, state.deadline]).to.deep.equal([Turn.Challenger, revealedAt + BigInt(WINDOW)]);
    }
    // The aggregator cannot be made to answer the same node again, nor be timed out for it.
    await expect(verifier.connect(aggregator).revealNodes(round.roundId, bystander.address, []))
      .to.be.revertedWithCustomError(verifier, "VerifierNotYourTurn").withArgs(round.roundId, bystander.address, Turn.Challenger);
    await time.increase(60);
    await expect(verifier.closeDispute(round.roundId, bystander.address)).to.be.revertedWithCustomError(verifier, "VerifierDisputeNotExpired");
    // All pick the same child (the first; nothing differs): one reveal below it serves them all again.
    for (const griefer of griefers) await challengerPicks(fixture, griefer);
    await aggregatorMoves(fixture, griefers[0]!);
    for (const griefer of griefers) await challengerPicks(fixture, griefer);
    await aggregatorMoves(fixture, griefers[0]!);
    const reveals = (await verifier.queryFilter(verifier.filters.DisputeNodesRevealed(round.roundId))).length;
    const leaves = (await verifier.queryFilter(verifier.filters.DisputeLeafRevealed(round.roundId))).length;
    expect([reveals, leaves]).to.deep.equal([2, 1]);
    // The griefers stop there: each dispute closes against its challenger, the aggregator gets every bond, the round passes.
    const bondBefore = (await verifier.taskFunds(TASK_ID)).bond;
    await time.increase(WINDOW + 1);
    for (const griefer of griefers) {
      await expect(verifier.closeDispute(round.roundId, griefer.address))
        .to.emit(verifier, "DisputeClosed").withArgs(round.roundId, griefer.address, End.ChallengerTimedOut, BOND);
    }
    expect((await verifier.taskFunds(TASK_ID)).bond).to.equal(bondBefore + BigInt(griefers.length) * BOND);
    await verifier.settle(round.roundId, "0x");
    expect((await verifier.verification(round.roundId)).outcome).to.equal(Outcome.Passed);
    await expectBalanced(verifier);
  });

  it("a reveal made for a later dispute does not excuse the aggregator's missed step in an earlier one", async function () {
    const fixture = await loadFixture(tampered);
    const { verifier, challenger, bystander, round } = fixture;
    await verifier.connect(challenger).openDispute(round.roundId, { value: BOND });
    await time.increase(WINDOW / 2);
    await verifier.connect(bystander).openDispute(round.roundId, { value: BOND });
    // The aggregator waits past the first dispute's deadline, then answers the second.
    await time.increase(WINDOW / 2 + 10);
    await aggregatorMoves(fixture, bystander);
    expect((await verifier.disputeOf(round.roundId, challenger.address)).turn).to.equal(Turn.Aggregator);
    await expect(verifier.closeDispute(round.roundId, challenger.address))
      .to.emit(verifier, "DisputeClosed").withArgs(round.roundId, challenger.address, End.AggregatorTimedOut, 0);
    expect((await verifier.verification(round.roundId)).outcome).to.equal(Outcome.FraudProven);
  });

  it("refuses moves out of turn, late, twice, off the tree, or without the bond, and changes nothing", async function () {
    const fixture = await loadFixture(tampered);
    const { verifier, aggregator, challenger, bystander, round, committed } = fixture;
    await expect(verifier.connect(challenger).openDispute(round.roundId, { value: BOND - 1n }))
      .to.be.revertedWithCustomError(verifier, "VerifierWrongChallengeBond");
    await verifier.connect(challenger).openDispute(round.roundId, { value: BOND });
    await expect(verifier.connect(challenger).openDispute(round.roundId, { value: BOND }))
      .to.be.revertedWithCustomError(verifier, "VerifierDisputeExists").withArgs(round.roundId, challenger.address);
    await expect(verifier.connect(challenger).pickNode(round.roundId, 0, ethers.ZeroHash, []))
      .to.be.revertedWithCustomError(verifier, "VerifierNotYourTurn").withArgs(round.roundId, challenger.address, Turn.Aggregator);
    await expect(verifier.connect(bystander).pickNode(round.roundId, 0, ethers.ZeroHash, []))
      .to.be.revertedWithCustomError(verifier, "VerifierNoDispute").withArgs(round.roundId, bystander.address);
    const library = await ethers.getContractAt("AggregateDispute", await verifier.getAddress());
    const wrongNodes = Array.from({ length: 128 }, (_, i) => committed.nodeAt(7, i ^ 1));
    await expect(verifier.connect(aggregator).revealNodes(round.roundId, challenger.address, wrongNodes))
      .to.be.revertedWithCustomError(library, "DisputeNodeMismatch");
    await expect(verifier.connect(aggregator).revealNodes(round.roundId, challenger.address, wrongNodes.slice(0, 64)))
      .to.be.revertedWithCustomError(library, "DisputeWrongNodeCount").withArgs(64, 128);
    await expect(verifier.connect(aggregator).revealLeaf(round.roundId, challenger.address, ethers.hexlify(committed.leafValues(0))))
      .to.be.revertedWithCustomError(library, "DisputeWrongStep").withArgs(0, TREE_DEPTH);
    await time.increase(WINDOW + 1);
    await expect(aggregatorMoves(fixture, challenger))
      .to.be.revertedWithCustomError(verifier, "VerifierDisputeDeadlinePassed");
    // After the window, a challenge without a dispute at that leaf is late.
    await expect(challengeLeaf(fixture, bystander, 0)).to.be.revertedWithCustomError(verifier, "VerifierDeadlinePassed");
    await expect(verifier.connect(bystander).openDispute(round.roundId, { value: BOND })).to.be.revertedWithCustomError(verifier, "VerifierDeadlinePassed");
    expect((await verifier.verification(round.roundId)).stage).to.equal(Stage.Challenge);
    await expectBalanced(verifier);
  });

  it("costs: each step's gas", async function () {
    const fixture = await loadFixture(tampered);
    const { verifier, challenger, round } = fixture;
    const gas: Record<string, bigint> = {};
    const record = async (label: string, sent: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => {
      gas[label] = (await (await sent).wait())!.gasUsed;
    };
    await record("openDispute", verifier.connect(challenger).openDispute(round.roundId, { value: BOND }));
    await record("revealNodes (128)", aggregatorMoves(fixture, challenger));
    await record("pickNode (7 levels)", challengerPicks(fixture, challenger));
    await record("revealNodes (2)", aggregatorMoves(fixture, challenger));
    await record("pickNode (1 level)", challengerPicks(fixture, challenger));
    await record("revealLeaf", aggregatorMoves(fixture, challenger));
    const leaf = Number((await verifier.disputeOf(round.roundId, challenger.address)).position);
    await record("challenge (upheld)", challengeLeaf(fixture, challenger, leaf));
    console.log(`      dispute gas, d = ${MODEL_SIZE}, N = ${MAX_CLIENTS}: ${JSON.stringify(Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])))}`);
    expect(gas["revealNodes (128)"]).to.be.lessThan(500_000n);
  });
});

/** Any client share: the division depends on the included count, checked in the fraud-proof tests. */
function anyShare() {
  return (value: bigint) => value > 0n;
}
