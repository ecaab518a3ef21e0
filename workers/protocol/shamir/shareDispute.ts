// The arguments of FedmashShamir's share-sum dispute, from the commitments of fedmash/shamir-commit/v1
// (crypto/commit/shamirCommitments.ts: width-8 vector-merkle trees over field vectors, 16 values a leaf). Pure.
//
// - findInconsistentLeaf: the contract's rule for openShareDispute. Sort the posted share-sums by serverIndex, take
//   the first t as the basis, interpolate (Lagrange, x = serverIndex + 1, mod p = 2^31 − 1) and predict every other
//   posted sum at each coordinate; leaf k (coordinates 16k … 16k + 15) is inconsistent when a coordinate in it
//   mispredicts or any posted value there is not below p. The lowest such leaf, or undefined.
// - shareSumOpenings: openShareDispute's SumOpening[] (serverIndex, payloadHash, root, leaf values, proof), in
//   serverIndex order.
// - shareDisputeAnswer: answerShareDispute's arguments for one server, from the share-sum it posted and the shares it
//   received (sumOwnShares' `shares`, frozen-set order): its own SumOpening and the ClientShareOpening[], which the
//   server sends in batches (answerBatches), and whether the shares add up to what it posted.
//
// The structs are the ABI's, field for field, so ethers encodes them as they are:
//   struct SumOpening { uint32 serverIndex; bytes32 payloadHash; bytes32 root; bytes values; bytes32[] proof; }
//   struct ClientShareOpening { bytes32 manifestHash; bytes32[] shareRoots; bytes values; bytes32[] proof; }
import { hexlify } from "ethers";
import { decodeFieldLeaf, fieldVectorTree } from "../../crypto/commit/shamirCommitments";
import { VECTOR_MERKLE_LEAF_VALUES } from "../../crypto/commit/vectorMerkle";
import { combineShares } from "../../crypto/shamir/combineShares";
import { ShamirDuplicateServerError, ShamirLengthMismatchError, ShamirNotEnoughSharesError } from "../../crypto/shamir/errors";
import { lagrangeWeights } from "../../crypto/shamir/lagrangeWeights";
import { checkServerIndex, checkThreshold } from "../../crypto/shamir/shamirChecks";
import { SHAMIR_PRIME } from "../../crypto/shamir/shamirField";
import { ShareDisputeInputError } from "./errors";

/** IFedmashShamir.SumOpening as ethers encodes it. */
export interface SumOpening {
  serverIndex: number;
  payloadHash: string;
  root: string;
  /** The leaf's 16 field elements, 8 bytes each, big-endian, as 0x hex (128 bytes). */
  values: string;
  /** The sibling hashes from the leaf up to `root`. */
  proof: string[];
}

/** IFedmashShamir.ClientShareOpening as ethers encodes it. */
export interface ClientShareOpening {
  manifestHash: string;
  /** The client's n share roots in server order. */
  shareRoots: string[];
  /** The leaf of the answering server's share, 0x hex (128 bytes). */
  values: string;
  /** The sibling hashes from the leaf up to shareRoots[serverIndex]. */
  proof: string[];
}

export interface PostedShareSum {
  /** 0-based; the sum is the polynomial's value at x = serverIndex + 1. */
  serverIndex: number;
  values: Uint32Array;
}

export interface CommittedShareSum extends PostedShareSum {
  /** keccak256 of the share-sum payload: the first half of its on-chain commitment. */
  payloadHash: string;
}

/** A share the answering server received, and what its client committed to (sumOwnShares' ReceivedShare). */
export interface CommittedClientShare {
  manifestHash: string;
  shareRoots: readonly string[];
  share: Uint32Array;
}

export interface ShareDisputeAnswer {
  /** Leaf `leafIndex` of the share-sum the server posted, opened against its commitment. */
  sum: SumOpening;
  clients: ClientShareOpening[];
  /** Whether the clients' leaves add up to the posted sum's leaf mod p (false: the answer slashes the server). */
  consistent: boolean;
}

/** Client openings per answerShareDispute transaction: about 2.6M gas and 58 KB of calldata at n = 3. */
export const ANSWER_BATCH_CLIENTS = 64;

/** The answer's client openings in batches of `size`, in order: each is one answerShareDispute call. */
export function answerBatches(answer: ShareDisputeAnswer, size: number = ANSWER_BATCH_CLIENTS): ClientShareOpening[][] {
  if (!Number.isInteger(size) || size < 1) throw new ShareDisputeInputError(`A batch size must be a positive integer, not ${size}.`);
  const batches: ClientShareOpening[][] = [];
  for (let start = 0; start < answer.clients.length; start += size) batches.push(answer.clients.slice(start, start + size));
  return batches;
}

/** Coordinates checked at a time (a multiple of 16, so a chunk holds whole leaves), so a low lie stops the scan early. */
const CHUNK = 16 * 512;

/**
 * The lowest leaf the contract would judge inconsistent, or undefined when every posted sum lies on the polynomial
 * through the first t (by serverIndex) and every value is below p. Needs at least t sums (ShamirNotEnoughSharesError);
 * with exactly t only values ≥ p can be inconsistent.
 */
export function findInconsistentLeaf(sums: readonly PostedShareSum[], threshold: number): number | undefined {
  const t = checkThreshold(threshold);
  const sorted = checkSums(sums);
  if (sorted.length < t) throw new ShamirNotEnoughSharesError(sorted.length, t);
  const d = sorted[0]!.values.length;
  const basis = sorted.slice(0, t);
  const others = sorted.slice(t);
  const xs = basis.map((s) => s.serverIndex + 1);
  const weights = others.map((other) => lagrangeWeights({ xs, at: other.serverIndex + 1 }));
  for (let start = 0; start < d; start += CHUNK) {
    const end = Math.min(start + CHUNK, d);
    let first = end;
    for (const sum of sorted) {
      for (let i = start; i < first; i++) {
        if (sum.values[i]! >= SHAMIR_PRIME) {
          first = i;
          break;
        }
      }
    }
    // Exact for values up to 2^32 − 1 too (combineShares' bounds leave a factor 2 of room below 2^53).
    const basisChunk = basis.map((s) => s.values.subarray(start, end));
    others.forEach((other, e) => {
      const predicted = combineShares({ vectors: basisChunk, weights: weights[e]! });
      for (let i = start; i < first; i++) {
        if (predicted[i - start] !== other.values[i]) {
          first = i;
          break;
        }
      }
    });
    if (first < end) return Math.floor(first / VECTOR_MERKLE_LEAF_VALUES);
  }
  return undefined;
}

/** openShareDispute's openings: leaf `leafIndex` of every given sum, in serverIndex order, from its width-8 tree. */
export function shareSumOpenings(sums: readonly CommittedShareSum[], leafIndex: number): SumOpening[] {
  return checkSums(sums).map((sum) => {
    return sumOpening(sum, leafIndex);
  });
}

function sumOpening(sum: CommittedShareSum, leafIndex: number): SumOpening {
  // One tree at a time: about 0.2 MB of hashes each at d = 101,770.
  const tree = fieldVectorTree(sum.values);
  return { serverIndex: sum.serverIndex, payloadHash: sum.payloadHash, root: tree.root, values: hexlify(tree.leafValues(leafIndex)), proof: tree.proof(leafIndex) };
}

/**
 * answerShareDispute's arguments for the server that posted `posted` (its payload hash and values): leaf `leafIndex`
 * of that share-sum, and of every client's share in the given (frozen-set) order with its proof up to
 * shareRoots[serverIndex]. A share whose root is not the client's committed root would be refused on-chain, so it
 * throws ShareDisputeInputError; shares that do not add up to the posted leaf give `consistent: false` (the answer
 * slashes the server, which is still better than the same slash after the deadline).
 */
export function shareDisputeAnswer(leafIndex: number, posted: CommittedShareSum, clients: readonly CommittedClientShare[]): ShareDisputeAnswer {
  const serverIndex = checkServerIndex(posted.serverIndex);
  if (!(posted.values instanceof Uint32Array)) throw new ShareDisputeInputError("The share-sum is not a Uint32Array.");
  const sum = sumOpening(posted, leafIndex);
  const total = new Array<number>(VECTOR_MERKLE_LEAF_VALUES).fill(0);
  const openings = clients.map((client, c): ClientShareOpening => {
    if (!(client.share instanceof Uint32Array) || client.share.length !== posted.values.length) {
      throw new ShamirLengthMismatchError(`the share of client ${c}`, posted.values.length, client.share?.length ?? 0);
    }
    const tree = fieldVectorTree(client.share);
    const committed = client.shareRoots[serverIndex];
    if (committed === undefined || committed.toLowerCase() !== tree.root) {
      throw new ShareDisputeInputError(`The share of client ${c} is not the one it committed to for server index ${serverIndex}.`, {
        details: `committed root ${String(committed)}, the share's root ${tree.root}`,
      });
    }
    const leaf = tree.leafValues(leafIndex);
    decodeFieldLeaf(leaf).forEach((value, i) => (total[i] = (total[i]! + value) % SHAMIR_PRIME));
    return { manifestHash: client.manifestHash, shareRoots: [...client.shareRoots], values: hexlify(leaf), proof: tree.proof(leafIndex) };
  });
  const sumValues = decodeFieldLeaf(fieldVectorTree(posted.values).leafValues(leafIndex));
  return { sum, clients: openings, consistent: total.every((value, i) => value === sumValues[i]) };
}

/** Server indices in range and distinct, equal lengths ≥ 1; sorted by serverIndex (a copy). */
function checkSums<T extends PostedShareSum>(sums: readonly T[]): T[] {
  if (!Array.isArray(sums) || sums.length === 0) throw new ShareDisputeInputError("Expected at least one share-sum.");
  const seen = new Set<number>();
  const length = sums[0]!.values?.length;
  for (const sum of sums) {
    const serverIndex = checkServerIndex(sum.serverIndex);
    if (seen.has(serverIndex)) throw new ShamirDuplicateServerError(serverIndex);
    seen.add(serverIndex);
    if (!(sum.values instanceof Uint32Array)) throw new ShareDisputeInputError(`The share-sum of server index ${serverIndex} is not a Uint32Array.`);
    if (sum.values.length !== length || length === 0) throw new ShamirLengthMismatchError(`the share-sum of server index ${serverIndex}`, length ?? 0, sum.values.length);
  }
  return [...sums].sort((a, b) => a.serverIndex - b.serverIndex);
}
