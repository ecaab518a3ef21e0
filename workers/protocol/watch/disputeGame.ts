// The aggregate dispute game (FedmashVerifier.openDispute … closeDispute), both sides' decisions, pure. A MASH
// aggregateHash is the root of the sum's fedmash/vector-merkle/v1 tree; a watcher whose recomputed sum has another
// root, and that cannot get a payload opening it, opens a dispute: the aggregator must reveal the 2^levels nodes
// `levels` (≤ REVEAL_LEVELS) below the disputed node, the challenger picks one that differs from its own tree, and so
// on down to a leaf, which the aggregator reveals and the challenger challenges (AggregateFraudProof). Whoever misses
// a step's deadline loses the dispute (closeDispute).
//
//   aggregator   answerDispute(tree, node)            → the nodes to reveal, or the leaf's values
//   challenger   nextChallengerMove(…)                → wait, pick (child, proof), challenge (leaf, proof), close, done
//
// Every hash here is 0x-prefixed lower-case hex.
import { getBytes } from "ethers";
import { BaseError } from "../../errors";
import {
  VECTOR_MERKLE_LEAF_VALUES,
  depthOf,
  hashVectorMerkleLeaf,
  hashVectorMerkleNode,
  leafCountOf,
  zeroLeafHash,
  type VectorMerkleHash,
  type VectorMerkleTree,
} from "../../crypto/commit/vectorMerkle";

/** The most levels one revealNodes opens (2^7 = 128 nodes). */
export const REVEAL_LEVELS = 7;

/** A dispute's input does not describe the committed tree (wrong depth, position, node count, or hash). */
export class DisputeInputError extends BaseError {
  override name = "DisputeInputError" as const;
}

/** The aggregator's own tree does not hash to the disputed node: it cannot answer from it. */
export class DisputeTreeMismatchError extends BaseError {
  override name = "DisputeTreeMismatchError" as const;
}

/** The sum tree's shape for a model of `modelSize` coordinates. */
export interface DisputeGeometry {
  modelSize: number;
  /** ceil(modelSize / 16). */
  leafCount: number;
  /** D = ceil(log2(leafCount)): the depth of the leaves. */
  depth: number;
}

export function disputeGeometry(modelSize: number): DisputeGeometry {
  return { modelSize, leafCount: leafCountOf(modelSize), depth: depthOf(modelSize) };
}

/** How many levels the aggregator reveals below a node at `depth`: min(REVEAL_LEVELS, D − depth). */
export function revealLevels(geometry: DisputeGeometry, depth: number): number {
  checkNode(geometry, depth, 0);
  return Math.min(REVEAL_LEVELS, geometry.depth - depth);
}

/** Whether the subtree at (depth, position) covers at least one real leaf (< leafCount). */
export function coversRealLeaf(geometry: DisputeGeometry, depth: number, position: number): boolean {
  return position * 2 ** (geometry.depth - depth) < geometry.leafCount;
}

/** Where a dispute stands: its node and whose turn it is (the verifier's `dispute(roundId, challenger)` view). */
export interface DisputeNode {
  depth: number;
  position: number;
  node: string;
}

// ─── the aggregator's side ───────────────────────────────────────────────────────────────────────────────────────

export type DisputeAnswer =
  /** revealNodes(roundId, challenger, nodes): the 2^levels descendants `levels` below the node, left to right. */
  | { type: "reveal-nodes"; depth: number; position: number; nodes: VectorMerkleHash[] }
  /** revealLeaf(roundId, challenger, values): the leaf's 16 int64 values (128 bytes). */
  | { type: "reveal-leaf"; leafIndex: number; values: Uint8Array };

/**
 * What the aggregator answers from the tree it committed, for the dispute's current node. Throws
 * DisputeTreeMismatchError when the tree does not hash to that node (it is not the committed tree).
 */
export function answerDispute(tree: VectorMerkleTree, at: DisputeNode): DisputeAnswer {
  const geometry = disputeGeometry(tree.length);
  checkNode(geometry, at.depth, at.position);
  const own = tree.nodeAt(at.depth, at.position);
  if (own !== at.node.toLowerCase()) {
    throw new DisputeTreeMismatchError(`The disputed node (depth ${at.depth}, position ${at.position}) is ${at.node}, this tree's ${own}.`);
  }
  if (at.depth === geometry.depth) {
    const values = at.position < tree.leafCount ? tree.leafValues(at.position) : new Uint8Array(VECTOR_MERKLE_LEAF_VALUES * tree.width);
    return { type: "reveal-leaf", leafIndex: at.position, values };
  }
  const levels = revealLevels(geometry, at.depth);
  const first = at.position * 2 ** levels;
  const nodes = Array.from({ length: 2 ** levels }, (_, i) => tree.nodeAt(at.depth + levels, first + i));
  return { type: "reveal-nodes", depth: at.depth, position: at.position, nodes };
}

// ─── the challenger's side ───────────────────────────────────────────────────────────────────────────────────────

/** One DisputeNodesRevealed: the nodes `levels` below the parent (depth, position). */
export interface DisputeReveal {
  depth: number;
  position: number;
  nodes: readonly string[];
}

/** The levels of the subtree the revealed nodes span: [0] the nodes themselves, the last [the parent]. */
export function revealedSubtree(nodes: readonly string[]): string[][] {
  const levels = Math.log2(nodes.length);
  if (!Number.isInteger(levels) || levels < 1) throw new DisputeInputError(`${nodes.length} revealed nodes is not 2^levels with levels ≥ 1.`);
  const out: string[][] = [nodes.map((n) => n.toLowerCase())];
  while (out[out.length - 1]!.length > 1) {
    const below = out[out.length - 1]!;
    out.push(Array.from({ length: below.length / 2 }, (_, j) => hashVectorMerkleNode(below[2 * j]!, below[2 * j + 1]!)));
  }
  return out;
}

/** The siblings from revealed node `childIndex` up to the parent, bottom first (the pickNode proof). */
export function revealedProof(nodes: readonly string[], childIndex: number): string[] {
  const subtree = revealedSubtree(nodes);
  if (!Number.isSafeInteger(childIndex) || childIndex < 0 || childIndex >= nodes.length) {
    throw new DisputeInputError(`Child ${childIndex} is outside the ${nodes.length} revealed nodes.`);
  }
  const proof: string[] = [];
  let index = childIndex;
  for (let level = 0; level < subtree.length - 1; level++) {
    proof.push(subtree[level]![index ^ 1]!);
    index >>= 1;
  }
  return proof;
}

/** The node the revealed nodes hash up to (their subtree's root), cached per nodes array. */
const revealRoots = new WeakMap<readonly string[], string>();
export function revealedRoot(nodes: readonly string[]): string {
  let root = revealRoots.get(nodes);
  if (root === undefined) {
    root = revealedSubtree(nodes).at(-1)![0]!;
    revealRoots.set(nodes, root);
  }
  return root;
}

/**
 * The revealed nodes, among every reveal of the round (any challenger's, any position), that hash up to `node` and
 * span the `levels` a reveal below it spans; undefined when none does. Reveals are shared between a round's disputes:
 * a dispute that lands on a node some other dispute already opened skips the aggregator's move, and identical
 * subtrees at different positions share their hash, hence their children: any reveal that hashes to the node is its.
 */
export function findReveal(reveals: readonly DisputeReveal[], node: string, levels: number): readonly string[] | undefined {
  const wanted = node.toLowerCase();
  for (const reveal of reveals) {
    if (reveal.nodes.length !== 2 ** levels) continue;
    if (revealedRoot(reveal.nodes) === wanted) return reveal.nodes;
  }
  return undefined;
}

/**
 * The D siblings of leaf `leafIndex` (bottom first) under `root`, from the reveals of the round: down from the root,
 * the reveal that hashes to the path's node at each step (whichever dispute revealed it, at whatever position), its
 * node on the path to the leaf next. The aggregate opening's proof for the challenge.
 */
export function revealedLeafProof(geometry: DisputeGeometry, reveals: readonly DisputeReveal[], leafIndex: number, root: string): string[] {
  checkNode(geometry, geometry.depth, leafIndex);
  const levelsDown: string[][] = [];
  let node = root.toLowerCase();
  let depth = 0;
  while (depth < geometry.depth) {
    const levels = revealLevels(geometry, depth);
    const nodes = findReveal(reveals, node, levels);
    if (!nodes) throw new DisputeInputError(`No reveal of the round hashes to the node at depth ${depth} on the path to leaf ${leafIndex} (${node}).`);
    const below = leafIndex >> (geometry.depth - depth - levels); // the path's node at depth + levels
    const index = below - (below >> levels) * 2 ** levels;
    levelsDown.push(revealedProof(nodes, index));
    node = nodes[index]!.toLowerCase();
    depth += levels;
  }
  return levelsDown.reverse().flat();
}

/** keccak256(0x00 ‖ values) of a revealed sum leaf (16 int64 values, 0x hex). */
export function revealedLeafHash(values: string): string {
  return hashVectorMerkleLeaf(getBytes(values), 8);
}

export interface PickChildParameters {
  geometry: DisputeGeometry;
  reveal: DisputeReveal;
  /** The challenger's own (correct) tree's node at (depth, position); undefined when it has no tree (a failed decode). */
  own?: (depth: number, position: number) => string;
  /** The leaf to reach (a failed decode at coordinate i: leaf ⌊i/16⌋, any value posted there is wrong). */
  targetLeaf?: number;
}

export interface DisputePick {
  childIndex: number;
  child: string;
  /** pickNode's proof: the siblings from the child up to the disputed node, bottom first. */
  proof: string[];
  /** The child's depth and position (the dispute's next node). */
  depth: number;
  position: number;
  /** A padding leaf (≥ leafCount) whose hash is not the zero leaf's: the pick itself proves the fraud. */
  provesPadding: boolean;
}

/**
 * The child to pick among revealed nodes: toward `targetLeaf` when given; otherwise the first child whose hash differs
 * from the challenger's own tree, preferring children that cover at least one real leaf. Undefined when every child
 * matches (nothing wrong below: the reveal hashes to a node the challenger agrees with).
 */
export function pickChild(parameters: PickChildParameters): DisputePick | undefined {
  const { geometry, reveal, own, targetLeaf } = parameters;
  const levels = Math.log2(reveal.nodes.length);
  if (!Number.isInteger(levels) || levels !== revealLevels(geometry, reveal.depth)) {
    throw new DisputeInputError(`${reveal.nodes.length} nodes revealed at depth ${reveal.depth}; expected 2^${revealLevels(geometry, reveal.depth)}.`);
  }
  checkNode(geometry, reveal.depth, reveal.position);
  const depth = reveal.depth + levels;
  const first = reveal.position * 2 ** levels;
  const pick = (childIndex: number): DisputePick => {
    const position = first + childIndex;
    const child = reveal.nodes[childIndex]!.toLowerCase();
    const padding = depth === geometry.depth && position >= geometry.leafCount;
    return { childIndex, child, proof: revealedProof(reveal.nodes, childIndex), depth, position, provesPadding: padding && child !== zeroLeafHash(8) };
  };
  if (targetLeaf !== undefined) {
    checkNode(geometry, geometry.depth, targetLeaf);
    const onPath = targetLeaf >> (geometry.depth - depth);
    if (onPath >> levels !== reveal.position) throw new DisputeInputError(`Leaf ${targetLeaf} is not under the disputed node (depth ${reveal.depth}, position ${reveal.position}).`);
    return pick(onPath - first);
  }
  if (!own) throw new DisputeInputError("A pick needs the challenger's own tree or a target leaf.");
  const differing = reveal.nodes.map((_, i) => i).filter((i) => reveal.nodes[i]!.toLowerCase() !== own(depth, first + i).toLowerCase());
  const real = differing.find((i) => coversRealLeaf(geometry, depth, first + i));
  if (real !== undefined) return pick(real);
  // Only padding differs: a subtree of padding leaves the aggregator did not fill with zero leaves.
  return differing.length > 0 ? pick(differing[0]!) : undefined;
}

/** The turn as FedmashVerifier.DisputeTurn numbers it. */
export enum DisputeTurn {
  None = 0,
  Aggregator = 1,
  Challenger = 2,
  Closed = 3,
}

/** FedmashVerifier.DisputeEnd. */
export enum DisputeEnd {
  AggregatorTimedOut = 0,
  ChallengerTimedOut = 1,
  ChallengeRejected = 2,
  PaddingNotZero = 3,
}

export const DISPUTE_END_NAMES: Record<DisputeEnd, string> = {
  [DisputeEnd.AggregatorTimedOut]: "AggregatorTimedOut",
  [DisputeEnd.ChallengerTimedOut]: "ChallengerTimedOut",
  [DisputeEnd.ChallengeRejected]: "ChallengeRejected",
  [DisputeEnd.PaddingNotZero]: "PaddingNotZero",
};

export interface DisputeView extends DisputeNode {
  turn: DisputeTurn;
  /** Unix seconds; the turn's party must act by then. */
  deadline: number;
}

export interface NextChallengerMoveParameters {
  geometry: DisputeGeometry;
  view: DisputeView;
  /** The committed root (the round's aggregateHash): the challenge's proof climbs to it. */
  root: string;
  /** Every DisputeNodesRevealed of the round so far, of any challenger (reveals are shared between disputes). */
  reveals: readonly DisputeReveal[];
  /** Every DisputeLeafRevealed of the round so far, of any challenger: each leaf's values as 0x hex. */
  leaves?: readonly { leafIndex: number; values: string }[];
  own?: (depth: number, position: number) => string;
  targetLeaf?: number;
  /** The chain's latest block time (unix seconds): the only clock that says a move is too late. */
  now: number;
  /**
   * The wall clock (unix seconds), when the chain's blocks may lag it (a local chain mining on demand): a close is
   * worth sending once either clock is past the aggregator's deadline (the block it lands in is stamped no earlier
   * than both). It never decides that the challenger's own move is too late.
   */
  wallClock?: number;
}

export type ChallengerMove =
  /** The aggregator's turn, its deadline not passed (or the challenger waits for an event it has not seen yet). */
  | { type: "wait" }
  | { type: "pick"; pick: DisputePick }
  /** challenge(roundId, leafIndex, openings, aggregate) with the revealed leaf and its proof. */
  | { type: "challenge"; leafIndex: number; values: string; proof: string[] }
  /** closeDispute: the aggregator missed its deadline (fraud proven). */
  | { type: "close" }
  /** Nothing left to do: closed, or nothing wrong under the disputed node (the challenger lets its bond go). */
  | { type: "done"; reason: string };

/**
 * The challenger's next move in its dispute. Its own dispute may have seen no reveal of its own: when it landed on a
 * node another dispute of the round already opened, the verifier skipped the aggregator's move, and the nodes (or the
 * leaf's values) are found in that other dispute's event, by hash.
 */
export function nextChallengerMove(parameters: NextChallengerMoveParameters): ChallengerMove {
  const { geometry, view, reveals, now } = parameters;
  if (view.turn === DisputeTurn.Closed || view.turn === DisputeTurn.None) return { type: "done", reason: view.turn === DisputeTurn.Closed ? "the dispute is closed" : "no dispute" };
  if (view.turn === DisputeTurn.Aggregator) return Math.max(now, parameters.wallClock ?? 0) > view.deadline ? { type: "close" } : { type: "wait" };
  // The challenger's turn: past its own deadline by the chain's clock it has lost; the aggregator (or anyone) closes it.
  if (now > view.deadline) return { type: "done", reason: "the challenger's deadline passed" };
  if (view.depth === geometry.depth) {
    const node = view.node.toLowerCase();
    const leaf = (parameters.leaves ?? []).find((l) => revealedLeafHash(l.values) === node);
    if (!leaf) return { type: "wait" };
    return { type: "challenge", leafIndex: view.position, values: leaf.values, proof: revealedLeafProof(geometry, reveals, view.position, parameters.root) };
  }
  const nodes = findReveal(reveals, view.node, revealLevels(geometry, view.depth));
  if (!nodes) return { type: "wait" };
  const reveal: DisputeReveal = { depth: view.depth, position: view.position, nodes };
  const pick = pickChild({ geometry, reveal, own: parameters.own, targetLeaf: parameters.targetLeaf });
  return pick ? { type: "pick", pick } : { type: "done", reason: `every node revealed under depth ${view.depth}, position ${view.position} matches this watcher's tree` };
}

function checkNode(geometry: DisputeGeometry, depth: number, position: number): void {
  if (!Number.isSafeInteger(depth) || depth < 0 || depth > geometry.depth) throw new DisputeInputError(`Depth ${depth} is outside [0, ${geometry.depth}].`);
  if (!Number.isSafeInteger(position) || position < 0 || position >= 2 ** depth) throw new DisputeInputError(`Position ${position} is outside [0, 2^${depth}).`);
}
