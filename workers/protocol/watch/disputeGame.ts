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
import { BaseError } from "../../errors";
import {
  VECTOR_MERKLE_LEAF_VALUES,
  depthOf,
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

/**
 * The D siblings of leaf `leafIndex` (bottom first) from the reveals along the dispute's path, each of which spans
 * the whole subtree under its parent: the aggregate opening's proof for the challenge.
 */
export function revealedLeafProof(geometry: DisputeGeometry, reveals: readonly DisputeReveal[], leafIndex: number): string[] {
  checkNode(geometry, geometry.depth, leafIndex);
  const ordered = [...reveals].sort((a, b) => b.depth - a.depth);
  const proof: string[] = [];
  let covered = geometry.depth;
  for (const reveal of ordered) {
    const levels = Math.log2(reveal.nodes.length);
    if (reveal.depth + levels !== covered) {
      throw new DisputeInputError(`The reveals do not cover the path to leaf ${leafIndex}: one at depth ${reveal.depth} spans ${levels} levels, the path needs depth ${covered}.`);
    }
    const below = leafIndex >> (geometry.depth - covered) ; // the path's node at depth `covered`
    if (below >> levels !== reveal.position) throw new DisputeInputError(`Leaf ${leafIndex} is not under the revealed node (depth ${reveal.depth}, position ${reveal.position}).`);
    proof.push(...revealedProof(reveal.nodes, below - reveal.position * 2 ** levels));
    covered = reveal.depth;
  }
  if (covered !== 0) throw new DisputeInputError(`The reveals reach up to depth ${covered}, not the root.`);
  return proof;
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
  /** Every DisputeNodesRevealed of this dispute so far. */
  reveals: readonly DisputeReveal[];
  /** The DisputeLeafRevealed of this dispute, once there is one: the leaf's values as 0x hex. */
  leaf?: { leafIndex: number; values: string };
  own?: (depth: number, position: number) => string;
  targetLeaf?: number;
  /** The chain's latest block time (unix seconds). */
  now: number;
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

/** The challenger's next move in its dispute. */
export function nextChallengerMove(parameters: NextChallengerMoveParameters): ChallengerMove {
  const { geometry, view, reveals, leaf, now } = parameters;
  if (view.turn === DisputeTurn.Closed || view.turn === DisputeTurn.None) return { type: "done", reason: view.turn === DisputeTurn.Closed ? "the dispute is closed" : "no dispute" };
  if (view.turn === DisputeTurn.Aggregator) return now > view.deadline ? { type: "close" } : { type: "wait" };
  // The challenger's turn: past its own deadline it has lost; the aggregator (or anyone) closes it.
  if (now > view.deadline) return { type: "done", reason: "the challenger's deadline passed" };
  if (view.depth === geometry.depth) {
    if (!leaf || leaf.leafIndex !== view.position) return { type: "wait" };
    return { type: "challenge", leafIndex: leaf.leafIndex, values: leaf.values, proof: revealedLeafProof(geometry, reveals, leaf.leafIndex) };
  }
  const reveal = reveals.find((r) => r.depth === view.depth && r.position === view.position);
  if (!reveal) return { type: "wait" };
  const pick = pickChild({ geometry, reveal, own: parameters.own, targetLeaf: parameters.targetLeaf });
  return pick ? { type: "pick", pick } : { type: "done", reason: `every node revealed under depth ${view.depth}, position ${view.position} matches this watcher's tree` };
}

function checkNode(geometry: DisputeGeometry, depth: number, position: number): void {
  if (!Number.isSafeInteger(depth) || depth < 0 || depth > geometry.depth) throw new DisputeInputError(`Depth ${depth} is outside [0, ${geometry.depth}].`);
  if (!Number.isSafeInteger(position) || position < 0 || position >= 2 ** depth) throw new DisputeInputError(`Position ${position} is outside [0, 2^${depth}).`);
}
