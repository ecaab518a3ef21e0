// σ or σ_w of a round from the hash of the block that fixes it, derived off-chain (verificationSeed) and checked
// against the verifier's own view, so a worker never commits to, or posts T under, a seed the contract disagrees
// with. The view may refuse while the seed block is still the latest (VerifierSeedNotReady); the derivation does
// not need it, so then the cross-check is skipped.
import { VerificationSeedMismatchError, verificationSeed, type VerificationSeedReturnType } from "../crypto/verify/verificationSeed";
import { isRevert } from "../chain/sendTransaction";
import { retry } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface DeriveVerificationSeedParameters {
  kind: "sample" | "weight";
  /** The aggregate's block (sample) or T's block (weight). */
  blockNumber: number;
  roundId: bigint;
}

export async function deriveVerificationSeed(runtime: WorkerRuntime, parameters: DeriveVerificationSeedParameters): Promise<VerificationSeedReturnType> {
  const { kind, blockNumber, roundId } = parameters;
  const block = await retry(() => runtime.connection.provider.getBlock(blockNumber));
  if (!block?.hash) throw new VerificationSeedMismatchError(`Block ${blockNumber}, which fixes round ${roundId}'s ${kind} seed, is not available.`);
  const seed = verificationSeed({ kind, blockHash: block.hash, roundId });
  let onChain: string | undefined;
  try {
    onChain = await retry(() => (kind === "sample" ? runtime.verifier.sampleSeed(roundId) : runtime.verifier.weightSeed(roundId)), { shouldRetry: (error) => !isRevert(error) });
  } catch (error) {
    if (!isRevert(error)) throw error;
  }
  if (onChain !== undefined && onChain !== seed) {
    throw new VerificationSeedMismatchError(`Round ${roundId}: the ${kind} seed derived from block ${blockNumber} is not the verifier's.`, { details: `derived ${seed}, contract ${onChain}` });
  }
  return seed;
}
