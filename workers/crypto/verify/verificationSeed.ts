// The two seeds FedmashVerifier derives from block hashes, computed off-chain exactly as the contract does:
// σ = keccak256(abi.encode(blockhash(aggregateBlock), roundId, SAMPLE_SEED_TAG)) fixes the partitions, and
// σ_w = keccak256(abi.encode(blockhash(batchSumsBlock), roundId, WEIGHT_SEED_TAG)) fixes the weights. Workers
// need them before the contract stores them (the aggregator computes T under σ before posting it, and σ_w is only
// stored by the first commitment), so they are computed here; the contract's views serve as cross-checks.
import { AbiCoder, id, keccak256 } from "ethers";
import { BaseError } from "../../errors";
import { VerificationInputError } from "./errors";

/** keccak256("fedmash/verifier/sample-seed/v1"), FedmashVerifier.SAMPLE_SEED_TAG. */
export const SAMPLE_SEED_TAG = id("fedmash/verifier/sample-seed/v1");
/** keccak256("fedmash/verifier/weight-seed/v1"), FedmashVerifier.WEIGHT_SEED_TAG. */
export const WEIGHT_SEED_TAG = id("fedmash/verifier/weight-seed/v1");

/** A seed derived here is not the one the verifier computes or stored: acting on it would fail the round. */
export class VerificationSeedMismatchError extends BaseError {
  override name = "VerificationSeedMismatchError" as const;
}

export interface VerificationSeedParameters {
  /** "sample": σ from the aggregate's block; "weight": σ_w from the block of the batch sums T. */
  kind: "sample" | "weight";
  /** The hash of that block, 0x and 64 hex digits. */
  blockHash: string;
  roundId: bigint;
}

export type VerificationSeedReturnType = `0x${string}`;

const coder = AbiCoder.defaultAbiCoder();

export function verificationSeed(parameters: VerificationSeedParameters): VerificationSeedReturnType {
  const { kind, blockHash, roundId } = parameters;
  if (kind !== "sample" && kind !== "weight") throw new VerificationInputError("seed kind", `"${String(kind)}"; expected "sample" or "weight"`);
  if (typeof blockHash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(blockHash) || /^0x0{64}$/.test(blockHash)) {
    throw new VerificationInputError("block hash", `${JSON.stringify(blockHash)}; expected a non-zero 0x-prefixed 32-byte hash`);
  }
  if (typeof roundId !== "bigint" || roundId < 0n || roundId >= 1n << 256n) throw new VerificationInputError("round id", `${String(roundId)}; expected a uint256 bigint`);
  const tag = kind === "sample" ? SAMPLE_SEED_TAG : WEIGHT_SEED_TAG;
  return keccak256(coder.encode(["bytes32", "uint256", "bytes32"], [blockHash, roundId, tag])) as VerificationSeedReturnType;
}
