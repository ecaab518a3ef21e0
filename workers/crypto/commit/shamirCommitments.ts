// The on-chain commitments of Shamir mode, "fedmash/shamir-commit/v1", built on the vector Merkle commitment
// "fedmash/vector-merkle/v1" (vectorMerkle.ts) so that FedmashShamir can open one 16-coordinate leaf of a server's
// share-sum, and of every client share summed into it, instead of whole payloads. A contract verifies them, so
// every byte below is part of the spec:
//
//   field vector       d field elements of GF(p), p = 2^31 − 1 (a client's share for one server, a server's
//                      share-sum), as a Uint32Array; committed as a vector-merkle tree of width 8: each value as 8
//                      bytes big-endian (the top 4 are zero), 16 values a leaf, padding leaves all-zero.
//                      fieldVectorRoot(v) is that tree's root. Values are encoded as given (a value ≥ p too: a
//                      lying server's sum must still be openable; judging values is the contract's business).
//   shareRoots         a client's n roots, shareRoots[j] = fieldVectorRoot(the plaintext share for server j),
//                      in the task's server order (the manifest's `servers` / `shares` order).
//   shareRootsHash     keccak256(shareRoots[0] ‖ … ‖ shareRoots[n−1])   (abi.encodePacked of n bytes32)
//   client commitment  the contentHash a Shamir client passes to submitUpdate:
//                      keccak256(manifestPayloadHash ‖ shareRootsHash(shareRoots)), manifestPayloadHash being
//                      keccak256 of the manifest payload's bytes (the manifest itself lists the shareRoots).
//   share-sum commit   the contentHash a server passes to postShareSum:
//                      keccak256(shareSumPayloadHash ‖ fieldVectorRoot(shareSum)).
//
// Pure; the trees are the vector-merkle ones (leafValues(k), proof(k)).
import { keccak256Bytes } from "../verify/keccak256Bytes";
import { VectorMerkleInputError } from "./errors";
import {
  VECTOR_MERKLE_LEAF_VALUES,
  buildVectorMerkleTree,
  commitmentHash,
  leafCountOf,
  vectorMerkleRoot,
  type VectorMerkleHash,
  type VectorMerkleTree,
} from "./vectorMerkle";

export const SHAMIR_COMMIT_SCHEME = "fedmash/shamir-commit/v1";
/** Bytes per field element in the tree. */
export const FIELD_VECTOR_WIDTH = 8;

const HASH32_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/** Each element as 8 big-endian bytes, zero-padded to leafCount·16 values. */
export function encodeFieldVector(values: Uint32Array): Uint8Array {
  if (!(values instanceof Uint32Array)) throw new VectorMerkleInputError("field vector", "expected a Uint32Array of field elements");
  const out = new Uint8Array(leafCountOf(values.length) * VECTOR_MERKLE_LEAF_VALUES * FIELD_VECTOR_WIDTH);
  const view = new DataView(out.buffer);
  for (let i = 0, offset = 4; i < values.length; i++, offset += FIELD_VECTOR_WIDTH) view.setUint32(offset, values[i]!);
  return out;
}

/** The width-8 tree of a field vector (a share or a share-sum), for openings. */
export function fieldVectorTree(values: Uint32Array): VectorMerkleTree {
  return buildVectorMerkleTree(encodeFieldVector(values), FIELD_VECTOR_WIDTH, values.length);
}

/** The root alone of fieldVectorTree(values). */
export function fieldVectorRoot(values: Uint32Array): VectorMerkleHash {
  return vectorMerkleRoot(encodeFieldVector(values), FIELD_VECTOR_WIDTH, values.length);
}

/** The 16 field elements of one leaf's 128 value bytes (a leaf of fieldVectorTree); values above 2^32 − 1 are a caller bug. */
export function decodeFieldLeaf(leafValues: Uint8Array): Uint32Array {
  if (!(leafValues instanceof Uint8Array) || leafValues.length !== VECTOR_MERKLE_LEAF_VALUES * FIELD_VECTOR_WIDTH) {
    throw new VectorMerkleInputError("leaf values", `${leafValues.length} bytes, expected 16·8 = 128`);
  }
  const view = new DataView(leafValues.buffer, leafValues.byteOffset, leafValues.byteLength);
  const out = new Uint32Array(VECTOR_MERKLE_LEAF_VALUES);
  for (let i = 0; i < VECTOR_MERKLE_LEAF_VALUES; i++) {
    if (view.getUint32(i * FIELD_VECTOR_WIDTH) !== 0) throw new VectorMerkleInputError("leaf values", `value ${i} does not fit 32 bits`);
    out[i] = view.getUint32(i * FIELD_VECTOR_WIDTH + 4);
  }
  return out;
}

/** keccak256(root_0 ‖ … ‖ root_{n−1}) over 32-byte roots (abi.encodePacked(bytes32[])), n ≥ 1. */
export function shareRootsHash(roots: readonly string[]): VectorMerkleHash {
  if (!Array.isArray(roots) || roots.length === 0) throw new VectorMerkleInputError("share roots", "expected at least one root");
  const input = new Uint8Array(32 * roots.length);
  roots.forEach((root, j) => {
    if (typeof root !== "string" || !HASH32_PATTERN.test(root)) throw new VectorMerkleInputError("share roots", `root ${j} is ${String(root)}, expected 0x and 64 hex digits`);
    input.set(Buffer.from(root.slice(2), "hex"), 32 * j);
  });
  return `0x${Buffer.from(keccak256Bytes(input)).toString("hex")}`;
}

/** A Shamir client's contentHash: keccak256(manifestPayloadHash ‖ shareRootsHash(shareRoots)). */
export function shamirSubmissionCommitment(manifestPayloadHash: string, shareRoots: readonly string[]): VectorMerkleHash {
  return commitmentHash(manifestPayloadHash, shareRootsHash(shareRoots));
}

/** A server's share-sum contentHash: keccak256(shareSumPayloadHash ‖ fieldVectorRoot(shareSum)). */
export function shareSumCommitment(shareSumPayloadHash: string, shareSum: Uint32Array): VectorMerkleHash {
  return commitmentHash(shareSumPayloadHash, fieldVectorRoot(shareSum));
}
