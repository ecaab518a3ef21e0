// Real MASH masked vectors and their fraud-proof commitments for the contract tests: each client's quantized update
// masked in the task's mask group with the TypeScript kernel (fresh seeds from group.randomSeed, the holder's minus
// their sum, so the masks cancel exactly as in a round), each vector's Merkle tree (workers/crypto/commit/vectorMerkle)
// and on-chain commitment keccak256(payloadHash ‖ root), and the openings of one leaf that
// FedmashVerifier.challenge takes. docs/VERIFICATION.md, "Fraud proofs".
import { ethers } from "hardhat";
import type { AggregateFraudProof } from "../../typechain-types/contracts/FedmashVerifier";
import {
  aggregateSumTree,
  buildVectorMerkleTree,
  commitmentHash,
  maskedVectorTree,
  type VectorMerkleTree,
} from "../../workers/crypto/commit/vectorMerkle";
import { getMaskGroup } from "../../workers/crypto/mask/getMaskGroup";
import type { MaskGroupId } from "../../workers/crypto/mask/maskGroup";
import { maskContext } from "../../workers/protocol/mash/maskContext";
import { MaskGroup } from "./enums";

/** The workers' id of an on-chain IFedmashCoordinator.MaskGroup. */
export function maskGroupIdOf(code: number | bigint): MaskGroupId {
  return Number(code) === MaskGroup.PaperCompat ? "paper-compat" : "rlwr-2048";
}

/** One committed vector: what a submission's contentHash (or the aggregate's hash) stands for. */
export interface CommittedVector {
  payloadHash: `0x${string}`;
  tree: VectorMerkleTree;
  /** A submission's keccak256(payloadHash ‖ root); an aggregate's root alone. */
  commitment: `0x${string}`;
}

function committed(payloadHash: string, tree: VectorMerkleTree): CommittedVector {
  return { payloadHash: payloadHash as `0x${string}`, tree, commitment: commitmentHash(payloadHash, tree.root) };
}

/** An aggregate's commitment is the root of its sum alone (the payload hash rides along, ignored by the contract). */
function committedSum(payloadHash: string, tree: VectorMerkleTree): CommittedVector {
  return { payloadHash: payloadHash as `0x${string}`, tree, commitment: tree.root as `0x${string}` };
}

/** Masks updates in one round: a client's with a fresh seed, the holder's with minus the included clients' seeds. */
export interface Masker {
  /** A client's masked update and the seed it drew. */
  client(update: Int32Array): Promise<{ masked: Uint32Array; seed: unknown }>;
  /** The holder's masked update, its seed minus the sum of `seeds` (the included clients'). */
  holder(update: Int32Array, seeds: readonly unknown[]): Promise<Uint32Array>;
}

/** Real masks in group `id` with the TypeScript kernel; `context` is the round's mask context. */
export function createMasker(id: MaskGroupId, context: Uint8Array): Masker {
  if (id === "rlwr-2048") {
    const group = getMaskGroup("rlwr-2048", { kernel: "ts" });
    return {
      async client(update) {
        const seed = group.randomSeed();
        return { masked: await group.mask({ quantized: update, seed, context }), seed };
      },
      holder(update, seeds) {
        const seed = new BigInt64Array(group.randomSeed().length);
        for (const other of seeds as BigInt64Array[]) for (let j = 0; j < seed.length; j++) seed[j] -= other[j]!;
        return group.mask({ quantized: update, seed, context });
      },
    };
  }
  const group = getMaskGroup("paper-compat", { kernel: "ts" });
  return {
    async client(update) {
      const seed = group.randomSeed();
      return { masked: await group.mask({ quantized: update, seed, context }), seed };
    },
    holder(update, seeds) {
      const seed = -(seeds as bigint[]).reduce((total, other) => total + other, 0n);
      return group.mask({ quantized: update, seed, context });
    },
  };
}

/**
 * Masks `updates` (the included clients' in order, the holder's last) in group `id` with real, cancelling masks:
 * every vector but the last gets a fresh seed, the last minus their sum. `context` is the round's mask context.
 */
export async function maskUpdates(id: MaskGroupId, updates: readonly Int32Array[], context: Uint8Array): Promise<Uint32Array[]> {
  if (updates.length < 2) throw new Error("masking needs at least one client and the holder");
  const masker = createMasker(id, context);
  const masked: Uint32Array[] = [];
  const seeds: unknown[] = [];
  for (const update of updates.slice(0, -1)) {
    const drawn = await masker.client(update);
    masked.push(drawn.masked);
    seeds.push(drawn.seed);
  }
  masked.push(await masker.holder(updates[updates.length - 1]!, seeds));
  return masked;
}

/** The round's mask context, as the clients compute it. */
export async function roundMaskContext(coordinatorAddress: string, roundId: bigint): Promise<Uint8Array> {
  const { chainId } = await ethers.provider.getNetwork();
  return maskContext(chainId, coordinatorAddress, roundId);
}

/** A masked vector's commitment, its payload stood in for by `payloadHash`. */
export function commitMaskedVector(masked: Uint32Array, id: MaskGroupId, payloadHash: string): CommittedVector {
  return committed(payloadHash, maskedVectorTree(masked, id === "paper-compat" ? 3 : 2));
}

/** A sum's commitment (int64 values). */
export function commitAggregateSum(sum: Int32Array, payloadHash: string): CommittedVector {
  return committedSum(payloadHash, aggregateSumTree(sum));
}

/**
 * A sum's commitment from raw int64 values, for sums an Int32Array cannot hold (a value out of every group's decodable
 * range): big-endian two's complement, 8 bytes a value.
 */
export function commitRawSum(values: readonly bigint[], payloadHash: string): CommittedVector {
  const leafCount = Math.ceil(values.length / 16);
  const bytes = new Uint8Array(leafCount * 16 * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setBigInt64(index * 8, value));
  return committedSum(payloadHash, buildVectorMerkleTree(bytes, 8, values.length));
}

/** Leaf `leafIndex` of a committed vector as challenge() takes it. */
export function openingOf(vector: CommittedVector, leafIndex: number): AggregateFraudProof.OpeningStruct {
  return {
    payloadHash: vector.payloadHash,
    values: ethers.hexlify(vector.tree.leafValues(leafIndex)),
    proof: vector.tree.proof(leafIndex),
  };
}

/** challenge()'s arguments for leaf `leafIndex`: the vectors in includedClients order then the holder's, and the sum. */
export function challengeArguments(
  vectors: readonly CommittedVector[],
  sum: CommittedVector,
  leafIndex: number,
): [number, AggregateFraudProof.OpeningStruct[], AggregateFraudProof.OpeningStruct] {
  return [leafIndex, vectors.map((vector) => openingOf(vector, leafIndex)), openingOf(sum, leafIndex)];
}
