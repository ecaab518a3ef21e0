// An included Shamir client's Verification duty: check the published aggregate's exact sum against the batch sums
// T the contract accepted, then commit to the batch sums of its own quantized update, the one kept in its state
// folder since it submitted. On a difference it logs a named error (AggregateMismatchRefusedError, with the
// ModelRefusedError), never trains on that model and does not commit: the round ends CommitmentsMissing at the
// deadline (an on-chain dispute proved nothing, so it is gone; MASH rounds are checked by fraud proofs instead).
// Reads the chain first, so a restarted client that already committed sends nothing.
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { VerificationStage } from "../protocol/enums";
import { batchSums } from "../crypto/verify/batchSums";
import { checkAggregateAgainstBatchSums } from "../crypto/verify/checkAggregateAgainstBatchSums";
import { commitBatchSums } from "../crypto/verify/commitBatchSums";
import { decodeBatchSums } from "../crypto/verify/decodeBatchSums";
import { AggregateVerificationError } from "../crypto/verify/errors";
import { VerificationSeedMismatchError } from "../crypto/verify/verificationSeed";
import { retry } from "../retry";
import { ModelRefusedError } from "./checkInputModel";
import { deriveVerificationSeed } from "./deriveVerificationSeed";
import { fetchAggregateSum } from "./fetchAggregateSum";
import { quantizedUpdatePath, readQuantizedUpdate } from "./quantizedUpdateFile";
import { sendSeededTransaction } from "./sendSeededTransaction";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class VerificationNotIncludedError extends BaseError {
  override name = "VerificationNotIncludedError" as const;
}

/** The published aggregate does not match the batch sums T the contract accepted: this client does not commit. */
export class AggregateMismatchRefusedError extends BaseError {
  override name = "AggregateMismatchRefusedError" as const;
}

export interface VerifyAndCommitParameters {
  runtime: WorkerRuntime;
  roundId: bigint;
  modelSize: number;
  /** T as BatchSumsPosted announced it (packed int64 hex), σ as it named it, and T's block (σ_w). */
  batchSums: string;
  sampleSeed: string;
  batchSumsBlock: number;
  /** The aggregate's block (σ), when VerificationStarted was seen; else read from the verifier. */
  aggregateBlock?: number;
}

export type VerifyAndCommitReturnType =
  /** The commitment is on-chain (sent now or earlier). */
  | { status: "committed" }
  /** The aggregate does not match T: nothing was committed, and nothing will be. */
  | { status: "refused" }
  /** The verification was settled meanwhile (deadline): its event closes the round. */
  | { status: "settled" };

export async function verifyAndCommit(parameters: VerifyAndCommitParameters): Promise<VerifyAndCommitReturnType> {
  const { runtime, roundId, modelSize } = parameters;
  const { verifier, coordinator, logger } = runtime;
  const self = runtime.connection.address;
  if (await retry(() => verifier.hasCommitted(roundId, self))) return { status: "committed" };
  if (!(await retry(() => coordinator.isIncluded(roundId, self)))) {
    throw new VerificationNotIncludedError(`Round ${roundId}: this client's update is not in the aggregate, so it has nothing to commit.`);
  }
  const verification = await retry(() => verifier.verification(roundId));
  if (Number(verification.stage) !== VerificationStage.Commitments) return { status: "settled" };
  const m = Number(verification.partitions);
  const k = Number(verification.batches);
  const sampleSeed = await deriveVerificationSeed(runtime, { kind: "sample", blockNumber: parameters.aggregateBlock ?? Number(verification.aggregateBlock), roundId });
  if (sampleSeed !== parameters.sampleSeed) {
    throw new VerificationSeedMismatchError(`Round ${roundId}: BatchSumsPosted names sample seed ${parameters.sampleSeed}, the aggregate's block gives ${sampleSeed}.`);
  }
  const accepted = decodeBatchSums(parameters.batchSums, m, k);
  const view = await retry(() => coordinator.round(roundId));
  const sum = await fetchAggregateSum({ store: runtime.store, aggregateCid: view.aggregateCid, aggregateHash: view.aggregateHash, modelSize });
  try {
    checkAggregateAgainstBatchSums(sum, sampleSeed, m, k, accepted);
    logger.info("published aggregate matches the accepted batch sums", { round: roundId, partitions: m, batches: k });
  } catch (error) {
    if (!(error instanceof AggregateVerificationError)) throw error;
    logger.error("published aggregate refused: it does not match the batch sums T the contract accepted; not committing", {
      round: roundId,
      partition: error.partition,
      batch: error.batch,
      published: error.actual,
      accepted: error.expected,
      error: new AggregateMismatchRefusedError(`Round ${roundId}: the published aggregate differs from T in batch (${error.partition}, ${error.batch}).`, {
        details: "this client does not commit, so the round ends CommitmentsMissing at the deadline",
        cause: new ModelRefusedError(view.newModelCid, "aggregate-mismatch", error.details ?? error.shortMessage, error),
      }),
    });
    return { status: "refused" };
  }
  const quantized = readQuantizedUpdate(quantizedUpdatePath(runtime.config.stateDir, roundId), modelSize);
  const weightSeed = await deriveVerificationSeed(runtime, { kind: "weight", blockNumber: parameters.batchSumsBlock, roundId });
  const started = Date.now();
  const commitment = commitBatchSums({ batchSums: batchSums(quantized, sampleSeed, m, k), weightSeed, m, k });
  const computeMs = Date.now() - started;
  const receipt = await sendSeededTransaction(runtime, { action: `commit(round ${roundId})`, send: () => verifier.commit(roundId, commitment.x, commitment.y) });
  logger.info("committed to the batch sums of its update", { round: roundId, computeMs, gasUsed: receipt.gasUsed });
  return { status: "committed" };
}
