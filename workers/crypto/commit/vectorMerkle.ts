// The vector Merkle commitment "fedmash/vector-merkle/v1": a binary keccak256 Merkle tree over a vector of d
// unsigned values, 16 values a leaf, so that a MASH fraud proof can open one leaf of a masked vector or of an
// aggregate on-chain with a 13-hash path (d = 101,770) instead of the whole payload. A Solidity contract
// verifies it, so every byte below is part of the spec (docs/VERIFICATION.md, "The vector commitment"):
//
//   value          w bytes, big-endian unsigned, w = 8 or 16
//   leaf k         values 16k … 16k+15; positions ≥ d are 0; leafCount = ceil(d/16), d ≥ 1
//   depth D        ceil(log2(leafCount)) (0 for one leaf); the tree has 2^D leaves, leaves leafCount … 2^D−1
//                  are all-zero leaves, hashed like any leaf
//   leafHash       keccak256(0x00 ‖ v_0 ‖ … ‖ v_15)             (1 + 16·w bytes)
//   node           keccak256(0x01 ‖ left ‖ right)               (65 bytes)
//   root           the top node; the leaf hash itself when D = 0
//   proof(k)       the D sibling hashes from the leaf level up; at level i the node is a right child iff bit i of k is 1
//   commitment     keccak256(payloadHash ‖ root)                (64 bytes): a MASH submission's contentHash,
//                                                                a MASH aggregate's aggregateHash
//
// Hashing goes through keccak256Bytes (the `keccak` package, ethers as the fallback): measured here it hashes these
// 65- to 257-byte inputs 2.5–4x faster than @noble/hashes' keccak_256. Subtrees made only of padding leaves all
// hash alike, so their hashes are computed once per width and depth instead of once per node.
import { keccak256Bytes } from "../verify/keccak256Bytes";
import { VectorMerkleInputError } from "./errors";

export const VECTOR_MERKLE_SCHEME = "fedmash/vector-merkle/v1";
/** Values per leaf. */
export const VECTOR_MERKLE_LEAF_VALUES = 16;
/** Bytes per value: 8 (rlwr-2048 masked vectors, aggregate sums) or 16 (paper-compat masked vectors). */
export type VectorMerkleWidth = 8 | 16;
export type VectorMerkleHash = `0x${string}`;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
const HASH_BYTES = 32;
const HASH32_PATTERN = /^0x[0-9a-fA-F]{64}$/;

export interface VectorMerkleTree {
  /** 0x-prefixed 32-byte root. */
  readonly root: VectorMerkleHash;
  /** D: the number of hashes in every proof. */
  readonly depth: number;
  /** ceil(d/16): the leaves that hold values of the vector (the 2^D − leafCount others are padding). */
  readonly leafCount: number;
  /** d: the number of values committed to. */
  readonly length: number;
  readonly width: VectorMerkleWidth;
  /** The 16·w value bytes of leaf k (a copy), 0 ≤ k < leafCount. */
  leafValues(k: number): Uint8Array;
  /** The D sibling hashes of leaf k, from the leaf level upwards, 0 ≤ k < leafCount. */
  proof(k: number): VectorMerkleHash[];
  /**
   * The node `depth` levels below the root at `position` (0 … 2^depth − 1, left to right): the root at depth 0, a
   * leaf hash at depth D; a node wholly over padding leaves is the zero subtree's hash.
   */
  nodeAt(depth: number, position: number): VectorMerkleHash;
}

/** ceil(d/16), for d ≥ 1. */
export function leafCountOf(d: number): number {
  checkLength(d);
  return Math.ceil(d / VECTOR_MERKLE_LEAF_VALUES);
}

/** ceil(log2(leafCountOf(d))): 0 for d ≤ 16, 13 for d = 101,770. */
export function depthOf(d: number): number {
  const leafCount = leafCountOf(d);
  let depth = 0;
  while (2 ** depth < leafCount) depth++;
  return depth;
}

/**
 * rlwr-2048 masked vector: 2 limbs per element (limb0 the low 32 bits, limb1 the high bits), each value
 * limb1·2^32 + limb0 as 8 big-endian bytes, zero-padded to leafCount·16 values. Limbs are encoded as given
 * (a limb1 ≥ 2^8 too): judging values is the contract's business.
 */
export function encodeRlwrMaskedVector(masked: Uint32Array): Uint8Array {
  const d = elementCount(masked, 2);
  const out = new Uint8Array(leafCountOf(d) * VECTOR_MERKLE_LEAF_VALUES * 8);
  const view = new DataView(out.buffer);
  for (let i = 0, offset = 0; i < d; i++, offset += 8) {
    view.setUint32(offset, masked[2 * i + 1]!);
    view.setUint32(offset + 4, masked[2 * i]!);
  }
  return out;
}

/**
 * paper-compat masked vector: 3 limbs per element (lo, mid, hi), each value hi·2^64 + mid·2^32 + lo as 16
 * big-endian bytes (the top 4 are zero), zero-padded to leafCount·16 values.
 */
export function encodePaperCompatMaskedVector(masked: Uint32Array): Uint8Array {
  const d = elementCount(masked, 3);
  const out = new Uint8Array(leafCountOf(d) * VECTOR_MERKLE_LEAF_VALUES * 16);
  const view = new DataView(out.buffer);
  for (let i = 0, offset = 0; i < d; i++, offset += 16) {
    view.setUint32(offset + 4, masked[3 * i + 2]!);
    view.setUint32(offset + 8, masked[3 * i + 1]!);
    view.setUint32(offset + 12, masked[3 * i]!);
  }
  return out;
}

/** An aggregate sum: each int32 as int64 two's complement in 8 big-endian bytes (−1 is ff…ff), zero-padded. */
export function encodeAggregateSum(sum: Int32Array): Uint8Array {
  if (!(sum instanceof Int32Array)) throw new VectorMerkleInputError("aggregate sum", "expected an Int32Array");
  const d = sum.length;
  const out = new Uint8Array(leafCountOf(d) * VECTOR_MERKLE_LEAF_VALUES * 8);
  const view = new DataView(out.buffer);
  for (let i = 0, offset = 0; i < d; i++, offset += 8) {
    const value = sum[i]!;
    view.setUint32(offset, value < 0 ? 0xffffffff : 0);
    view.setUint32(offset + 4, value >>> 0);
  }
  return out;
}

/** The encoder of a masked vector by its limbs per element: 2 for rlwr-2048, 3 for paper-compat. */
export function encodeMaskedVector(masked: Uint32Array, limbsPerElement: 2 | 3): Uint8Array {
  if (limbsPerElement === 2) return encodeRlwrMaskedVector(masked);
  if (limbsPerElement === 3) return encodePaperCompatMaskedVector(masked);
  throw new VectorMerkleInputError("limbs per element", `${String(limbsPerElement)}, expected 2 (rlwr-2048) or 3 (paper-compat)`);
}

/** The tree of a masked vector: width 8 for 2 limbs per element, 16 for 3. */
export function maskedVectorTree(masked: Uint32Array, limbsPerElement: 2 | 3): VectorMerkleTree {
  const values = encodeMaskedVector(masked, limbsPerElement);
  return makeTree(values, limbsPerElement === 2 ? 8 : 16, masked.length / limbsPerElement);
}

/** The tree of an aggregate sum (width 8, int64 two's complement). */
export function aggregateSumTree(sum: Int32Array): VectorMerkleTree {
  return makeTree(encodeAggregateSum(sum), 8, sum.length);
}

/**
 * The tree over d encoded values: `values` holds leafCount·16 values of `width` bytes each, big-endian, and the
 * positions ≥ d must be zero. The values are copied, so the tree does not change if the caller's buffer does.
 */
export function buildVectorMerkleTree(values: Uint8Array, width: VectorMerkleWidth, d: number): VectorMerkleTree {
  checkValues(values, width, d);
  return makeTree(values.slice(), width, d);
}

/** The root alone, as buildVectorMerkleTree(values, width, d).root, hashing level by level in one buffer. */
export function vectorMerkleRoot(values: Uint8Array, width: VectorMerkleWidth, d: number): VectorMerkleHash {
  checkValues(values, width, d);
  const depth = depthOf(d);
  const zeros = zeroHashes(width, depth);
  let level = hashLeaves(values, width, leafCountOf(d));
  let count = level.length / HASH_BYTES;
  for (let i = 0; i < depth; i++) {
    count = hashLevel(level, count, zeros[i]!, level);
  }
  return toHex(level.subarray(0, HASH_BYTES));
}

/** keccak256(payloadHash ‖ root), both 32 bytes: what goes on-chain as contentHash or aggregateHash. */
export function commitmentHash(payloadHash: string, root: string): VectorMerkleHash {
  if (!HASH32_PATTERN.test(payloadHash)) throw new VectorMerkleInputError("payload hash", `${payloadHash}, expected 0x and 64 hex digits`);
  if (!HASH32_PATTERN.test(root)) throw new VectorMerkleInputError("root", `${root}, expected 0x and 64 hex digits`);
  const input = new Uint8Array(2 * HASH_BYTES);
  input.set(fromHex(payloadHash), 0);
  input.set(fromHex(root), HASH_BYTES);
  return toHex(keccak256Bytes(input));
}

/**
 * Whether `proof` opens leaf k with these 16·w value bytes under `root`. The depth is proof.length; a verifier
 * must also check it equals depthOf(d) for the d it expects. Malformed proof data (a hash that is not 32-byte hex,
 * k ≥ 2^proof.length) is a failed proof, false; a wrong width, value length or a negative k is a caller bug and throws.
 */
export function verifyVectorMerkleProof(
  leafValues: Uint8Array,
  width: VectorMerkleWidth,
  k: number,
  proof: readonly string[],
  root: string,
): boolean {
  checkWidth(width);
  const leafBytes = VECTOR_MERKLE_LEAF_VALUES * width;
  if (!(leafValues instanceof Uint8Array) || leafValues.length !== leafBytes) {
    throw new VectorMerkleInputError("leaf values", `${leafValues.length} bytes, expected 16·${width} = ${leafBytes}`);
  }
  if (!Number.isSafeInteger(k) || k < 0) throw new VectorMerkleInputError("leaf index", `${k}, expected a non-negative integer`);
  if (k >= 2 ** proof.length) return false;
  if (!HASH32_PATTERN.test(root) || !proof.every((hash) => HASH32_PATTERN.test(hash))) return false;
  const leafInput = new Uint8Array(1 + leafBytes);
  leafInput[0] = LEAF_PREFIX;
  leafInput.set(leafValues, 1);
  let node = keccak256Bytes(leafInput);
  const nodeInput = new Uint8Array(1 + 2 * HASH_BYTES);
  nodeInput[0] = NODE_PREFIX;
  let index = k;
  for (const sibling of proof) {
    const siblingBytes = fromHex(sibling);
    const isRight = index % 2 === 1;
    nodeInput.set(isRight ? siblingBytes : node, 1);
    nodeInput.set(isRight ? node : siblingBytes, 1 + HASH_BYTES);
    node = keccak256Bytes(nodeInput);
    index = Math.floor(index / 2);
  }
  return toHex(node) === root.toLowerCase();
}

// Builds the tree from values this module owns (already encoded and checked, or made by an encoder).
/** keccak256(0x01 ‖ left ‖ right): an inner node over two 32-byte hashes. */
export function hashVectorMerkleNode(left: string, right: string): VectorMerkleHash {
  if (!HASH32_PATTERN.test(left) || !HASH32_PATTERN.test(right)) throw new VectorMerkleInputError("node", `${left}, ${right}: expected two 0x and 64 hex digit hashes`);
  const input = new Uint8Array(1 + 2 * HASH_BYTES);
  input[0] = NODE_PREFIX;
  input.set(fromHex(left), 1);
  input.set(fromHex(right), 1 + HASH_BYTES);
  return toHex(keccak256Bytes(input));
}

/** keccak256(0x00 ‖ values): a leaf's hash from its 16·w value bytes. */
export function hashVectorMerkleLeaf(leafValues: Uint8Array, width: VectorMerkleWidth): VectorMerkleHash {
  checkWidth(width);
  const leafBytes = VECTOR_MERKLE_LEAF_VALUES * width;
  if (!(leafValues instanceof Uint8Array) || leafValues.length !== leafBytes) {
    throw new VectorMerkleInputError("leaf values", `${leafValues.length} bytes, expected 16·${width} = ${leafBytes}`);
  }
  const input = new Uint8Array(1 + leafBytes);
  input[0] = LEAF_PREFIX;
  input.set(leafValues, 1);
  return toHex(keccak256Bytes(input));
}

/** The hash of a padding leaf (16 zero values of `width` bytes). */
export function zeroLeafHash(width: VectorMerkleWidth): VectorMerkleHash {
  checkWidth(width);
  return toHex(zeroHashes(width, 1)[0]!);
}

function makeTree(values: Uint8Array, width: VectorMerkleWidth, d: number): VectorMerkleTree {
  const leafCount = leafCountOf(d);
  const depth = depthOf(d);
  const zeros = zeroHashes(width, depth);
  const levels: Uint8Array[] = [hashLeaves(values, width, leafCount)];
  const counts: number[] = [leafCount];
  for (let i = 0; i < depth; i++) {
    const next = new Uint8Array(Math.ceil(counts[i]! / 2) * HASH_BYTES);
    counts.push(hashLevel(levels[i]!, counts[i]!, zeros[i]!, next));
    levels.push(next);
  }
  const root = toHex(levels[depth]!.subarray(0, HASH_BYTES));
  const leafBytes = VECTOR_MERKLE_LEAF_VALUES * width;
  const checkLeaf = (k: number): void => {
    if (!Number.isSafeInteger(k) || k < 0 || k >= leafCount) {
      throw new VectorMerkleInputError("leaf index", `${k}, expected an integer in [0, ${leafCount}) for d = ${d}`);
    }
  };
  return {
    root,
    depth,
    leafCount,
    length: d,
    width,
    leafValues(k: number): Uint8Array {
      checkLeaf(k);
      return values.slice(k * leafBytes, (k + 1) * leafBytes);
    },
    nodeAt(nodeDepth: number, position: number): VectorMerkleHash {
      if (!Number.isSafeInteger(nodeDepth) || nodeDepth < 0 || nodeDepth > depth) {
        throw new VectorMerkleInputError("node depth", `${nodeDepth}, expected an integer in [0, ${depth}]`);
      }
      if (!Number.isSafeInteger(position) || position < 0 || position >= 2 ** nodeDepth) {
        throw new VectorMerkleInputError("node position", `${position}, expected an integer in [0, 2^${nodeDepth})`);
      }
      const height = depth - nodeDepth;
      return position < counts[height]! ? toHex(levels[height]!.subarray(position * HASH_BYTES, (position + 1) * HASH_BYTES)) : toHex(zeros[height]!);
    },
    proof(k: number): VectorMerkleHash[] {
      checkLeaf(k);
      const siblings: VectorMerkleHash[] = [];
      let index = k;
      for (let i = 0; i < depth; i++) {
        const sibling = index % 2 === 0 ? index + 1 : index - 1;
        siblings.push(sibling < counts[i]! ? toHex(levels[i]!.subarray(sibling * HASH_BYTES, (sibling + 1) * HASH_BYTES)) : toHex(zeros[i]!));
        index = Math.floor(index / 2);
      }
      return siblings;
    },
  };
}

// The hashes of the first leafCount leaves, one reused 0x00 ‖ values input buffer.
function hashLeaves(values: Uint8Array, width: VectorMerkleWidth, leafCount: number): Uint8Array {
  const leafBytes = VECTOR_MERKLE_LEAF_VALUES * width;
  const input = new Uint8Array(1 + leafBytes);
  input[0] = LEAF_PREFIX;
  const out = new Uint8Array(leafCount * HASH_BYTES);
  for (let k = 0; k < leafCount; k++) {
    input.set(values.subarray(k * leafBytes, (k + 1) * leafBytes), 1);
    out.set(keccak256Bytes(input), k * HASH_BYTES);
  }
  return out;
}

// Hashes `count` nodes of one level pairwise into `out` (which may be `level` itself: node j is written over
// bytes already read), the last one with the padding subtree's hash when count is odd. Returns the new count.
function hashLevel(level: Uint8Array, count: number, zeroSibling: Uint8Array, out: Uint8Array): number {
  const input = new Uint8Array(1 + 2 * HASH_BYTES);
  input[0] = NODE_PREFIX;
  const pairs = Math.floor(count / 2);
  for (let j = 0; j < pairs; j++) {
    input.set(level.subarray(2 * j * HASH_BYTES, (2 * j + 2) * HASH_BYTES), 1);
    out.set(keccak256Bytes(input), j * HASH_BYTES);
  }
  if (count % 2 === 1) {
    input.set(level.subarray(2 * pairs * HASH_BYTES, (2 * pairs + 1) * HASH_BYTES), 1);
    input.set(zeroSibling, 1 + HASH_BYTES);
    out.set(keccak256Bytes(input), pairs * HASH_BYTES);
  }
  return pairs + (count % 2);
}

// zeroHashes(w)[i]: the root of a subtree of 2^i all-zero leaves of width w.
const zeroHashCache = new Map<VectorMerkleWidth, Uint8Array[]>();

function zeroHashes(width: VectorMerkleWidth, depth: number): readonly Uint8Array[] {
  let hashes = zeroHashCache.get(width);
  if (hashes === undefined) {
    const leafInput = new Uint8Array(1 + VECTOR_MERKLE_LEAF_VALUES * width);
    leafInput[0] = LEAF_PREFIX;
    hashes = [Uint8Array.from(keccak256Bytes(leafInput))];
    zeroHashCache.set(width, hashes);
  }
  const input = new Uint8Array(1 + 2 * HASH_BYTES);
  input[0] = NODE_PREFIX;
  while (hashes.length < depth) {
    const below = hashes[hashes.length - 1]!;
    input.set(below, 1);
    input.set(below, 1 + HASH_BYTES);
    hashes.push(Uint8Array.from(keccak256Bytes(input)));
  }
  return hashes;
}

function elementCount(masked: Uint32Array, limbsPerElement: 2 | 3): number {
  if (!(masked instanceof Uint32Array)) throw new VectorMerkleInputError("masked vector", "expected a Uint32Array of limbs");
  if (masked.length % limbsPerElement !== 0) {
    throw new VectorMerkleInputError("masked vector", `${masked.length} limbs is not a multiple of ${limbsPerElement} limbs per element`);
  }
  return masked.length / limbsPerElement;
}

function checkLength(d: number): void {
  if (!Number.isSafeInteger(d) || d < 1) throw new VectorMerkleInputError("vector length", `d = ${d}, expected an integer ≥ 1`);
}

function checkWidth(width: number): void {
  if (width !== 8 && width !== 16) throw new VectorMerkleInputError("value width", `${width} bytes, expected 8 or 16`);
}

function checkValues(values: Uint8Array, width: VectorMerkleWidth, d: number): void {
  checkWidth(width);
  const expected = leafCountOf(d) * VECTOR_MERKLE_LEAF_VALUES * width;
  if (!(values instanceof Uint8Array) || values.length !== expected) {
    throw new VectorMerkleInputError("encoded values", `${values.length} bytes, expected leafCount·16·w = ${expected} for d = ${d}, w = ${width}`);
  }
  for (let offset = d * width; offset < expected; offset++) {
    if (values[offset] !== 0) throw new VectorMerkleInputError("encoded values", `padding position ${Math.floor(offset / width)} ≥ d = ${d} is not zero`);
  }
}

function toHex(bytes: Uint8Array): VectorMerkleHash {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

function fromHex(hex: string): Uint8Array {
  return Buffer.from(hex.slice(2), "hex");
}
