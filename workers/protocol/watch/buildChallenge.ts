// The arguments of FedmashVerifier.challenge(roundId, leafIndex, openings, aggregate) from the trees of a MASH round:
// leaf `leafIndex` of every included masked vector, in includedClients order then the holder's, each with its payload
// hash and Merkle proof, exactly what AggregateFraudProof checks against the on-chain commitments (keccak256(payloadHash
// ‖ root)); and the same leaf of the committed sum, from its tree (the published payload opened the aggregateHash) or
// as an aggregate dispute revealed it (leaf values and the siblings the reveals gave), with payloadHash zero: the
// aggregateHash is the sum's root alone. Pure.
import { ZeroHash, hexlify } from "ethers";
import { commitmentHash, type VectorMerkleTree } from "../../crypto/commit/vectorMerkle";
import { WatchInputError } from "./errors";

/** AggregateFraudProof.Opening as ethers encodes it. */
export interface ChallengeOpening {
  payloadHash: string;
  /** The leaf's 16 values, w bytes each, big-endian, as 0x hex. */
  values: string;
  proof: string[];
}

export interface CommittedVector {
  /** keccak256 of the payload that carries the vector. */
  payloadHash: string;
  /**
   * The vector's tree, or a function that builds it: built trees are used one at a time and dropped, so a watcher
   * holds one masked vector's tree (about 1.2 MB at d = 101,770) instead of N of them (second audit, MEDIUM 3).
   */
  tree: VectorMerkleTree | (() => VectorMerkleTree);
}

/** A committed vector with its tree built. */
interface BuiltVector {
  payloadHash: string;
  tree: VectorMerkleTree;
}

const built = (vector: CommittedVector): BuiltVector => ({
  payloadHash: vector.payloadHash,
  tree: typeof vector.tree === "function" ? vector.tree() : vector.tree,
});

/** A leaf of the committed sum as an aggregate dispute revealed it. */
export interface RevealedSumLeaf {
  /** The 16 int64 values, 0x hex (128 bytes). */
  values: string;
  /** The D siblings from the leaf up to the root (bottom first). */
  proof: string[];
  /** The aggregateHash (the sum's root). */
  root: string;
  /** The sum's length (modelSize). */
  length: number;
}

/** The committed sum: its whole tree, or the one leaf a dispute revealed. */
export type ChallengedSum = { tree: VectorMerkleTree } | { revealed: RevealedSumLeaf };

export interface BuildChallengeParameters {
  leafIndex: number;
  /** The included masked vectors: includedClients order, then the holder. */
  vectors: readonly CommittedVector[];
  /** The committed sum (int64 values). */
  sum: ChallengedSum;
}

export interface Challenge {
  leafIndex: number;
  openings: ChallengeOpening[];
  aggregate: ChallengeOpening;
  /** The on-chain commitments these openings must match, in the same order (for a check before sending). */
  commitments: string[];
  aggregateCommitment: string;
}

function openingOf(vector: BuiltVector, leafIndex: number, what: string): ChallengeOpening {
  if (leafIndex >= vector.tree.leafCount) {
    throw new WatchInputError(`Leaf ${leafIndex} is past the last leaf (${vector.tree.leafCount - 1}) of ${what}.`);
  }
  return { payloadHash: vector.payloadHash, values: hexlify(vector.tree.leafValues(leafIndex)), proof: vector.tree.proof(leafIndex) };
}

export function buildChallenge(parameters: BuildChallengeParameters): Challenge {
  const { leafIndex, vectors, sum } = parameters;
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) throw new WatchInputError(`Leaf index ${leafIndex} is not a non-negative integer.`);
  if (vectors.length === 0) throw new WatchInputError("A challenge needs the included vectors: none given.");
  const sumLength = "tree" in sum ? sum.tree.length : sum.revealed.length;
  const openings: ChallengeOpening[] = [];
  const commitments: string[] = [];
  for (const [v, vector] of vectors.entries()) {
    const one = built(vector);
    if (one.tree.length !== sumLength) {
      throw new WatchInputError(`Vector ${v} has ${one.tree.length} coordinates, the sum ${sumLength}.`);
    }
    openings.push(openingOf(one, leafIndex, `vector ${v}`));
    commitments.push(commitmentHash(one.payloadHash, one.tree.root));
  }
  // The contract ignores the aggregate opening's payloadHash (the aggregateHash is the root alone): zero.
  const aggregate: ChallengeOpening =
    "tree" in sum ? openingOf({ payloadHash: ZeroHash, tree: sum.tree }, leafIndex, "the sum") : { payloadHash: ZeroHash, values: sum.revealed.values, proof: [...sum.revealed.proof] };
  return { leafIndex, openings, aggregate, commitments, aggregateCommitment: "tree" in sum ? sum.tree.root : sum.revealed.root };
}
