// The arguments of FedmashVerifier.challenge(roundId, leafIndex, openings, aggregate) from the trees of a MASH round:
// leaf `leafIndex` of every included masked vector, in includedClients order then the holder's, and of the posted
// sum, each with its payload hash and Merkle proof, exactly what AggregateFraudProof checks against the on-chain
// commitments (keccak256(payloadHash ‖ root)). Pure.
import { hexlify } from "ethers";
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
  tree: VectorMerkleTree;
}

export interface BuildChallengeParameters {
  leafIndex: number;
  /** The included masked vectors: includedClients order, then the holder. */
  vectors: readonly CommittedVector[];
  /** The posted sum (its tree over the int64 values) and the aggregate payload's hash. */
  sum: CommittedVector;
}

export interface Challenge {
  leafIndex: number;
  openings: ChallengeOpening[];
  aggregate: ChallengeOpening;
  /** The on-chain commitments these openings must match, in the same order (for a check before sending). */
  commitments: string[];
  aggregateCommitment: string;
}

function openingOf(vector: CommittedVector, leafIndex: number, what: string): ChallengeOpening {
  if (leafIndex >= vector.tree.leafCount) {
    throw new WatchInputError(`Leaf ${leafIndex} is past the last leaf (${vector.tree.leafCount - 1}) of ${what}.`);
  }
  return { payloadHash: vector.payloadHash, values: hexlify(vector.tree.leafValues(leafIndex)), proof: vector.tree.proof(leafIndex) };
}

export function buildChallenge(parameters: BuildChallengeParameters): Challenge {
  const { leafIndex, vectors, sum } = parameters;
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) throw new WatchInputError(`Leaf index ${leafIndex} is not a non-negative integer.`);
  if (vectors.length === 0) throw new WatchInputError("A challenge needs the included vectors: none given.");
  for (const [v, vector] of vectors.entries()) {
    if (vector.tree.length !== sum.tree.length) {
      throw new WatchInputError(`Vector ${v} has ${vector.tree.length} coordinates, the sum ${sum.tree.length}.`);
    }
  }
  return {
    leafIndex,
    openings: vectors.map((vector, v) => openingOf(vector, leafIndex, `vector ${v}`)),
    aggregate: openingOf(sum, leafIndex, "the sum"),
    commitments: vectors.map((vector) => commitmentHash(vector.payloadHash, vector.tree.root)),
    aggregateCommitment: commitmentHash(sum.payloadHash, sum.tree.root),
  };
}
