// The on-chain commitments of MASH payloads (fedmash/vector-merkle/v1): a masked submission's contentHash is
// keccak256(payloadHash ‖ root of the masked vector); a MASH aggregate's aggregateHash is the root of the decoded sum
// (int64) alone, so that a watcher that recomputed the sum can compare roots without the aggregate payload, and the
// aggregate dispute game can open the committed tree node by node. Root-only helpers (no tree kept) for submitters and for whoever checks a fetched payload. Pure.
import { VectorMerkleInputError } from "./errors";
import { commitmentHash, encodeAggregateSum, encodeMaskedVector, vectorMerkleRoot, type VectorMerkleHash } from "./vectorMerkle";

/** 2 (rlwr-2048) or 3 (paper-compat); anything else is a caller bug. */
export function maskedLimbs(limbsPerElement: number): 2 | 3 {
  if (limbsPerElement === 2 || limbsPerElement === 3) return limbsPerElement;
  throw new VectorMerkleInputError("limbs per element", `${String(limbsPerElement)}, expected 2 (rlwr-2048) or 3 (paper-compat)`);
}

/** The Merkle root of a masked vector (width 8 for 2 limbs per element, 16 for 3). */
export function maskedVectorRoot(masked: Uint32Array, limbsPerElement: number): VectorMerkleHash {
  const limbs = maskedLimbs(limbsPerElement);
  return vectorMerkleRoot(encodeMaskedVector(masked, limbs), limbs === 2 ? 8 : 16, masked.length / limbs);
}

/** The Merkle root of an aggregate sum (int64 values, width 8). */
export function aggregateSumRoot(sum: Int32Array): VectorMerkleHash {
  return vectorMerkleRoot(encodeAggregateSum(sum), 8, sum.length);
}

/** A masked submission's contentHash: keccak256(keccak256(payload bytes) ‖ root of the masked vector). */
export function maskedSubmissionCommitment(payloadHash: string, masked: Uint32Array, limbsPerElement: number): VectorMerkleHash {
  return commitmentHash(payloadHash, maskedVectorRoot(masked, limbsPerElement));
}

/** A MASH aggregate's aggregateHash: the Merkle root of the sum alone (no payload hash). */
export function aggregateCommitment(sum: Int32Array): VectorMerkleHash {
  return aggregateSumRoot(sum);
}
