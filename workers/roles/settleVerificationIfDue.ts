// The keeper's part in Verification: a round there is never `advance`d; once the verifier's current stage is past
// its deadline, settle it (with T when T was posted). Shared by every worker with keeper duty (the aggregator's
// round loop, the task owner and the MASH clients), so a silent aggregator or a missing commitment can never leave a
// round stuck. A MASH round's settle waits for its open aggregate disputes: the keeper closes every one whose step
// deadline passed, either side's (closeDispute: anyone may send it), so an offline aggregator or challenger cannot
// hold the settlement up.
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { VerificationStage } from "../protocol/enums";
import { DisputeTurn } from "../protocol/watch/disputeGame";
import { verificationSettleDue } from "../protocol/verificationSettleDue";
import { retry } from "../retry";
import { createDisputeOpenedIndex, latestBlock, type DisputeOpenedIndex } from "./disputeEvents";
import { postedBatchSums } from "./postedBatchSums";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** Resolves true when it sent a settle transaction. Reverts (someone settled first) propagate as ChainRevertError. */
export async function settleVerificationIfDue(runtime: WorkerRuntime, roundId: bigint, now: bigint = BigInt(Math.floor(Date.now() / 1000))): Promise<boolean> {
  const view = await runtime.verifier.verification(roundId);
  const due = verificationSettleDue({ stage: Number(view.stage) as VerificationStage, deadline: view.deadline, now });
  if (due === undefined) return false;
  // A MASH round waits for its aggregate disputes (settle reverts VerifierDisputesOpen): each ends by its moves or
  // closeDispute, which the keeper sends for those whose deadline passed; the settle follows on a later check.
  if (Number(view.stage) === VerificationStage.Challenge && (await runtime.verifier.openDisputes(roundId)) > 0n) {
    await closeExpiredDisputes(runtime, roundId, Number(view.aggregateBlock));
    return false;
  }
  const batchSums = due === "with-batch-sums" ? (await postedBatchSums(runtime, roundId, Number(view.batchSumsBlock))).batchSums : "0x";
  await sendTransaction(runtime.connection.signer, { action: `settle(round ${roundId}, deadline passed)`, send: () => runtime.verifier.settle(roundId, batchSums) });
  runtime.logger.info("settled a verification whose deadline passed", { round: roundId, stage: String(due) });
  return true;
}

/** Each runtime's DisputeOpened search, by cursor (keepers check every round every second). */
const indexes = new WeakMap<object, DisputeOpenedIndex>();

/**
 * Sends closeDispute for every open dispute of the round whose step deadline passed, whichever side is due: the
 * aggregator's turn proves the fraud (AggregatorTimedOut), the challenger's gives its bond to the task bond. A close
 * someone else sent first reverts at the estimate and costs nothing. Resolves with how many this keeper closed.
 */
export async function closeExpiredDisputes(runtime: WorkerRuntime, roundId: bigint, aggregateBlock: number): Promise<number> {
  const { verifier, logger } = runtime;
  let index = indexes.get(runtime);
  if (!index) {
    index = createDisputeOpenedIndex(runtime);
    indexes.set(runtime, index);
  }
  const latest = await latestBlock(runtime);
  const challengers = await index.challengers(roundId, aggregateBlock, latest.number);
  const views = await Promise.all(challengers.map((challenger) => retry(() => verifier.disputeOf(roundId, challenger))));
  // The block a close lands in is stamped after the latest one and no earlier than the wall clock.
  const now = Math.max(latest.timestamp, Math.floor(Date.now() / 1000));
  let closed = 0;
  for (const [i, challenger] of challengers.entries()) {
    const turn = Number(views[i]!.turn) as DisputeTurn;
    if ((turn !== DisputeTurn.Aggregator && turn !== DisputeTurn.Challenger) || now <= Number(views[i]!.deadline)) continue;
    try {
      await sendTransaction(runtime.connection.signer, { action: `closeDispute(round ${roundId}, ${challenger})`, send: () => verifier.closeDispute(roundId, challenger) });
      closed += 1;
      logger.info("closed an aggregate dispute whose step deadline passed", { round: roundId, challenger, due: turn === DisputeTurn.Aggregator ? "aggregator (fraud proven)" : "challenger" });
    } catch (error) {
      if (!(error instanceof ChainRevertError)) throw error;
      logger.debug("closeDispute not accepted (someone closed it first, or the clock raced)", { round: roundId, challenger, error: error.shortMessage });
    }
  }
  return closed;
}
