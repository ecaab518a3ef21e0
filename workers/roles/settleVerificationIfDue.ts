// The keeper's part in Verification: a round there is never `advance`d; once the verifier's current stage is past
// its deadline, settle it (with T when T was posted). Shared by every worker with keeper duty (the aggregator's
// round loop and the task owner), so a silent aggregator or a missing commitment can never leave a round stuck.
import { sendTransaction } from "../chain/sendTransaction";
import { VerificationStage } from "../protocol/enums";
import { verificationSettleDue } from "../protocol/verificationSettleDue";
import { postedBatchSums } from "./postedBatchSums";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** Resolves true when it sent a settle transaction. Reverts (someone settled first) propagate as ChainRevertError. */
export async function settleVerificationIfDue(runtime: WorkerRuntime, roundId: bigint, now: bigint = BigInt(Math.floor(Date.now() / 1000))): Promise<boolean> {
  const view = await runtime.verifier.verification(roundId);
  const due = verificationSettleDue({ stage: Number(view.stage) as VerificationStage, deadline: view.deadline, now });
  if (due === undefined) return false;
  // A MASH round waits for its aggregate disputes (settle reverts VerifierDisputesOpen): each ends by its moves or closeDispute.
  if (Number(view.stage) === VerificationStage.Challenge && (await runtime.verifier.openDisputes(roundId)) > 0n) return false;
  const batchSums = due === "with-batch-sums" ? (await postedBatchSums(runtime, roundId, Number(view.batchSumsBlock))).batchSums : "0x";
  await sendTransaction(runtime.connection.signer, { action: `settle(round ${roundId}, deadline passed)`, send: () => runtime.verifier.settle(roundId, batchSums) });
  runtime.logger.info("settled a verification whose deadline passed", { round: roundId, stage: String(due) });
  return true;
}
