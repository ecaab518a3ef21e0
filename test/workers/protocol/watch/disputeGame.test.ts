// The aggregate dispute game's decisions, played without a chain: a referee checks every step as FedmashVerifier does
// (the reveal hashes up to the disputed node, the pick's proof up to it, the leaf's hash), the aggregator answers from
// the tree it committed (answerDispute), the challenger picks against its own (nextChallengerMove); the leaf reached
// must be one the challenge upholds, and its proof must open the committed root.
import { expect } from "chai";
import { getBytes, hexlify } from "ethers";
import {
  aggregateSumTree,
  buildVectorMerkleTree,
  encodeAggregateSum,
  hashVectorMerkleLeaf,
  hashVectorMerkleNode,
  verifyVectorMerkleProof,
  zeroLeafHash,
  type VectorMerkleTree,
} from "../../../../workers/crypto/commit/vectorMerkle";
import {
  DisputeInputError,
  DisputeTreeMismatchError,
  DisputeTurn,
  answerDispute,
  disputeGeometry,
  nextChallengerMove,
  pickChild,
  revealLevels,
  revealedSubtree,
  type DisputeReveal,
  type DisputeView,
} from "../../../../workers/protocol/watch/disputeGame";
import { tamperAggregateSum } from "../../../../workers/protocol/mash/tamperAggregateSum";

const sumOf = (d: number, seed = 1): Int32Array => Int32Array.from({ length: d }, (_, i) => ((i * 7919 + seed * 104_729) % 2001) - 1000);

/** Verifies a pick proof the way the contract does: bit i of childIndex says whether the level-i node is a right child. */
function climbs(child: string, childIndex: number, proof: readonly string[], node: string): boolean {
  let hash = child;
  let index = childIndex;
  for (const sibling of proof) {
    hash = index % 2 === 1 ? hashVectorMerkleNode(sibling, hash) : hashVectorMerkleNode(hash, sibling);
    index >>= 1;
  }
  return hash === node.toLowerCase();
}

interface Played {
  leafIndex?: number;
  values?: string;
  proof?: string[];
  paddingProven?: boolean;
  done?: string;
  steps: number;
}

/** The nodes the aggregator reveals below (depth, position) of `tree`. */
function answerNodes(tree: VectorMerkleTree, depth: number, position: number): string[] {
  const answer = answerDispute(tree, { depth, position, node: tree.nodeAt(depth, position) });
  if (answer.type !== "reveal-nodes") throw new Error("expected nodes");
  return answer.nodes;
}

/** Plays the whole game: `committed` answers, the challenger compares against `own` or follows `targetLeaf`. */
function play(committed: VectorMerkleTree, modelSize: number, challenger: { own?: VectorMerkleTree; targetLeaf?: number }): Played {
  const geometry = disputeGeometry(modelSize);
  let view: DisputeView = { depth: 0, position: 0, node: committed.root, turn: DisputeTurn.Aggregator, deadline: 100 };
  const reveals: DisputeReveal[] = [];
  let leaf: { leafIndex: number; values: string } | undefined;
  for (let steps = 1; steps < 64; steps++) {
    if (view.turn === DisputeTurn.Aggregator) {
      const answer = answerDispute(committed, view);
      if (answer.type === "reveal-nodes") {
        expect(answer.nodes).to.have.length(2 ** revealLevels(geometry, view.depth));
        expect(revealedSubtree(answer.nodes).at(-1)![0]).to.equal(view.node); // the contract's check
        reveals.push({ depth: answer.depth, position: answer.position, nodes: answer.nodes });
      } else {
        expect(hashVectorMerkleLeaf(answer.values, 8)).to.equal(view.node);
        leaf = { leafIndex: answer.leafIndex, values: hexlify(answer.values) };
      }
      view = { ...view, turn: DisputeTurn.Challenger };
      continue;
    }
    const move = nextChallengerMove({ geometry, view, root: committed.root, reveals, leaves: leaf ? [leaf] : [], own: challenger.own?.nodeAt, targetLeaf: challenger.targetLeaf, now: 50 });
    if (move.type === "done") return { done: move.reason, steps };
    if (move.type === "challenge") return { leafIndex: move.leafIndex, values: move.values, proof: move.proof, steps };
    expect(move.type).to.equal("pick");
    if (move.type !== "pick") throw new Error("unreachable");
    const { pick } = move;
    expect(climbs(pick.child, pick.childIndex, pick.proof, view.node)).to.equal(true);
    if (pick.provesPadding) return { paddingProven: true, steps };
    view = { depth: pick.depth, position: pick.position, node: pick.child, turn: DisputeTurn.Aggregator, deadline: 100 };
  }
  throw new Error("the game did not end");
}

describe("aggregate dispute game", function () {
  it("reaches a wrong leaf of the tampered sum (d = 101,770: reveals of 7 and 6 levels), its proof opening the committed root", function () {
    const d = 101_770;
    const trueSum = sumOf(d);
    const tampered = Int32Array.from(trueSum);
    tampered[40_007] += 1;
    const committed = aggregateSumTree(tampered);
    const played = play(committed, d, { own: aggregateSumTree(trueSum) });
    expect(played.leafIndex).to.equal(Math.floor(40_007 / 16));
    expect(played.proof).to.have.length(13);
    expect(verifyVectorMerkleProof(getBytes(played.values!), 8, played.leafIndex!, played.proof!, committed.root)).to.equal(true);
    expect(played.steps).to.equal(6); // reveal, pick, reveal, pick, leaf, challenge
  });

  it("picks the first differing real leaf (the demo's tampering touches leaf 0)", function () {
    const d = 5_000;
    const committed = aggregateSumTree(tamperAggregateSum(sumOf(d)));
    expect(play(committed, d, { own: aggregateSumTree(sumOf(d)) }).leafIndex).to.equal(0);
  });

  it("follows the path to the target leaf of a failed decode, whatever the trees say", function () {
    const d = 3_000;
    const committed = aggregateSumTree(sumOf(d));
    const played = play(committed, d, { targetLeaf: 150 });
    expect(played.leafIndex).to.equal(150);
    expect(verifyVectorMerkleProof(getBytes(played.values!), 8, 150, played.proof!, committed.root)).to.equal(true);
  });

  it("ends with nothing to pick when the committed tree is the challenger's own (a griefer's dispute)", function () {
    const d = 3_000;
    const played = play(aggregateSumTree(sumOf(d)), d, { own: aggregateSumTree(sumOf(d)) });
    expect(played.done).to.match(/matches this watcher's tree/);
  });

  it("reaches the last real leaf when only its tail (coordinates ≥ modelSize) is not zero", function () {
    const d = 40; // leaves 0..2 real (coordinates 32..39 in leaf 2), leaf 3 padding; D = 2
    const values = encodeAggregateSum(Int32Array.from({ length: 48 }, (_, i) => (i < d ? sumOf(d)[i]! : i === 45 ? 7 : 0)));
    const nonCanonical = buildVectorMerkleTree(values, 8, 48);
    expect(nonCanonical.depth).to.equal(2);
    const played = play(nonCanonical, d, { own: aggregateSumTree(sumOf(d)) });
    expect(played.leafIndex).to.equal(2);
  });

  it("proves a padding leaf that is not the zero leaf at the pick", function () {
    const d = 40;
    const values = encodeAggregateSum(Int32Array.from({ length: 64 }, (_, i) => (i < d ? sumOf(d)[i]! : i === 50 ? 7 : 0)));
    const nonCanonical = buildVectorMerkleTree(values, 8, 64);
    const geometry = disputeGeometry(d);
    const own = aggregateSumTree(sumOf(d));
    const reveal = { depth: 0, position: 0, nodes: [0, 1, 2, 3].map((i) => nonCanonical.nodeAt(2, i)) };
    const pick = pickChild({ geometry, reveal, own: own.nodeAt })!;
    expect(pick.position).to.equal(3);
    expect(pick.provesPadding).to.equal(true);
    expect(own.nodeAt(2, 3)).to.equal(zeroLeafHash(8));
  });

  it("a one-leaf model goes straight to the leaf (D = 0, an empty proof)", function () {
    const played = play(aggregateSumTree(tamperAggregateSum(sumOf(10), 1)), 10, { own: aggregateSumTree(sumOf(10)) });
    expect(played.leafIndex).to.equal(0);
    expect(played.proof).to.deep.equal([]);
  });

  it("closes when the aggregator's deadline passed, waits before it, and gives up past its own", function () {
    const geometry = disputeGeometry(3_000);
    const view: DisputeView = { depth: 0, position: 0, node: aggregateSumTree(sumOf(3_000)).root, turn: DisputeTurn.Aggregator, deadline: 100 };
    expect(nextChallengerMove({ geometry, view, root: view.node, reveals: [], now: 100 }).type).to.equal("wait");
    expect(nextChallengerMove({ geometry, view, root: view.node, reveals: [], now: 101 }).type).to.equal("close");
    expect(nextChallengerMove({ geometry, view: { ...view, turn: DisputeTurn.Challenger }, root: view.node, reveals: [], now: 50 }).type).to.equal("wait");
    expect(nextChallengerMove({ geometry, view: { ...view, turn: DisputeTurn.Challenger }, root: view.node, reveals: [], now: 101 }).type).to.equal("done");
    expect(nextChallengerMove({ geometry, view: { ...view, turn: DisputeTurn.Closed }, root: view.node, reveals: [], now: 0 }).type).to.equal("done");
  });

  it("decides a move is too late by the chain's clock only; a close may go out on the wall clock", function () {
    const geometry = disputeGeometry(3_000);
    const tree = aggregateSumTree(sumOf(3_000));
    const view: DisputeView = { depth: 0, position: 0, node: tree.root, turn: DisputeTurn.Challenger, deadline: 100 };
    const reveals = [{ depth: 0, position: 0, nodes: answerNodes(tree, 0, 0) }];
    // The wall clock is past the deadline but the chain is not: the challenger's pick can still land.
    const move = nextChallengerMove({ geometry, view, root: tree.root, reveals, targetLeaf: 3, now: 99, wallClock: 200 });
    expect(move.type).to.equal("pick");
    // The aggregator's turn: a close is sent once either clock is past its deadline.
    expect(nextChallengerMove({ geometry, view: { ...view, turn: DisputeTurn.Aggregator }, root: tree.root, reveals: [], now: 99, wallClock: 101 }).type).to.equal("close");
  });

  it("plays a dispute that saw no reveal of its own: the nodes and the leaf come from another dispute's events, by hash", function () {
    const d = 3_000; // 188 leaves, D = 8: 7 levels, then 1
    const trueSum = sumOf(d);
    const tampered = Int32Array.from(trueSum);
    tampered[2_000] += 1; // leaf 125
    const committed = aggregateSumTree(tampered);
    const geometry = disputeGeometry(d);
    // Another challenger's dispute already revealed the root's nodes and, down its own path, leaf 125's parent and values.
    const first = answerDispute(committed, { depth: 0, position: 0, node: committed.root });
    if (first.type !== "reveal-nodes") throw new Error("expected nodes");
    const second = answerDispute(committed, { depth: 7, position: 62, node: committed.nodeAt(7, 62) });
    if (second.type !== "reveal-nodes") throw new Error("expected nodes");
    const leafAnswer = answerDispute(committed, { depth: 8, position: 125, node: committed.nodeAt(8, 125) });
    if (leafAnswer.type !== "reveal-leaf") throw new Error("expected a leaf");
    // The events of the round, in another order and with an unrelated reveal first.
    const reveals: DisputeReveal[] = [
      { depth: 7, position: 3, nodes: answerNodes(committed, 7, 3) },
      { depth: second.depth, position: second.position, nodes: second.nodes },
      { depth: first.depth, position: first.position, nodes: first.nodes },
    ];
    const leaves = [{ leafIndex: 125, values: hexlify(leafAnswer.values) }];
    const own = aggregateSumTree(trueSum);
    // This challenger's dispute opened on the revealed root: its turn at once.
    let view: DisputeView = { depth: 0, position: 0, node: committed.root, turn: DisputeTurn.Challenger, deadline: 100 };
    const step1 = nextChallengerMove({ geometry, view, root: committed.root, reveals, leaves, own: own.nodeAt, now: 50 });
    if (step1.type !== "pick") throw new Error(`expected a pick, got ${step1.type}`);
    expect([step1.pick.depth, step1.pick.position]).to.deep.equal([7, 62]);
    view = { depth: 7, position: 62, node: step1.pick.child, turn: DisputeTurn.Challenger, deadline: 100 };
    const step2 = nextChallengerMove({ geometry, view, root: committed.root, reveals, leaves, own: own.nodeAt, now: 50 });
    if (step2.type !== "pick") throw new Error(`expected a pick, got ${step2.type}`);
    expect([step2.pick.depth, step2.pick.position]).to.deep.equal([8, 125]);
    view = { depth: 8, position: 125, node: step2.pick.child, turn: DisputeTurn.Challenger, deadline: 100 };
    const step3 = nextChallengerMove({ geometry, view, root: committed.root, reveals, leaves, own: own.nodeAt, now: 50 });
    if (step3.type !== "challenge") throw new Error(`expected a challenge, got ${step3.type}`);
    expect(step3.leafIndex).to.equal(125);
    expect(verifyVectorMerkleProof(getBytes(step3.values), 8, 125, step3.proof, committed.root)).to.equal(true);
    // Without the leaf's event it waits (the aggregator's reveal of that leaf, or another dispute's, is still to come).
    expect(nextChallengerMove({ geometry, view, root: committed.root, reveals, leaves: [], own: own.nodeAt, now: 50 }).type).to.equal("wait");
  });

  it("takes the children of an identical subtree revealed at another position (same hash, same children)", function () {
    const d = 64; // 4 leaves, D = 2
    const leafValues = Int32Array.from({ length: 16 }, (_, i) => i - 8);
    const sum = Int32Array.from({ length: d }, (_, i) => leafValues[i % 16]!); // four equal leaves: nodes (1, 0) and (1, 1) equal
    const committed = aggregateSumTree(sum);
    expect(committed.nodeAt(1, 0)).to.equal(committed.nodeAt(1, 1));
    const geometry = disputeGeometry(d);
    const reveals: DisputeReveal[] = [{ depth: 0, position: 0, nodes: answerNodes(committed, 0, 0) }];
    const leaves = [{ leafIndex: 1, values: hexlify(committed.leafValues(1)) }];
    const view: DisputeView = { depth: 2, position: 3, node: committed.nodeAt(2, 3), turn: DisputeTurn.Challenger, deadline: 100 };
    const move = nextChallengerMove({ geometry, view, root: committed.root, reveals, leaves, targetLeaf: 3, now: 0 });
    if (move.type !== "challenge") throw new Error(`expected a challenge, got ${move.type}`);
    expect(move.leafIndex).to.equal(3);
    expect(verifyVectorMerkleProof(getBytes(move.values), 8, 3, move.proof, committed.root)).to.equal(true);
  });

  it("refuses to answer from a tree that is not the committed one, and malformed reveals", function () {
    const tree = aggregateSumTree(sumOf(3_000));
    expect(() => answerDispute(tree, { depth: 0, position: 0, node: aggregateSumTree(sumOf(3_000, 2)).root })).to.throw(DisputeTreeMismatchError);
    expect(() => answerDispute(tree, { depth: 9, position: 0, node: tree.root })).to.throw(DisputeInputError);
    const geometry = disputeGeometry(3_000);
    expect(() => pickChild({ geometry, reveal: { depth: 0, position: 0, nodes: [tree.root, tree.root] }, own: tree.nodeAt })).to.throw(DisputeInputError);
  });
});

describe("judging a revealed sum leaf (canonical tail)", function () {
  it("accepts a right leaf, names a wrong coordinate, and refuses a nonzero tail past modelSize", async function () {
    const { wrongCoordinateOfLeaf } = await import("../../../../workers/protocol/watch/judgeLikeContract");
    const d = 40;
    const truth = sumOf(d);
    const accepts = (coordinate: number, posted: bigint): boolean => BigInt(truth[coordinate]!) === posted;
    const tree = aggregateSumTree(truth);
    expect(wrongCoordinateOfLeaf({ leafIndex: 2, values: tree.leafValues(2), modelSize: d, accepts })).to.equal(undefined);
    const wrong = Int32Array.from(truth);
    wrong[35] += 1;
    expect(wrongCoordinateOfLeaf({ leafIndex: 2, values: aggregateSumTree(wrong).leafValues(2), modelSize: d, accepts })).to.equal(35);
    const tail = encodeAggregateSum(Int32Array.from({ length: 48 }, (_, i) => (i < d ? truth[i]! : i === 45 ? -1 : 0)));
    expect(wrongCoordinateOfLeaf({ leafIndex: 2, values: tail.subarray(2 * 128, 3 * 128), modelSize: d, accepts })).to.equal(45);
  });
});
