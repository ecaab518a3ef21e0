// Joining a round, the same in every mode: read the chain first so a restarted worker does not join twice, check the
// task's admission (admitClient: join, stake within --max-stake, or refuse with NotAdmittedError / StakeRequiredError
// and no transaction), and treat "full" or "closed" as sitting the round out rather than as a failure.
import { isRevert, sendTransaction } from "../chain/sendTransaction";
import { Phase } from "../protocol/enums";
import { admitClient, notAdmittedFromRevert } from "./admitClient";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface JoinRoundParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  roundId: bigint;
  /** The most wei this client keeps staked for the task (--max-stake); default 0: never stakes by itself. */
  maxStake?: bigint;
}

/**
 * "joined": this worker is (now) in the round; "missed": joining closed without it (or the round is full);
 * "refused": the task's admission keeps it out (logged once, with the named error and its fix).
 */
export type JoinRoundReturnType = "joined" | "missed" | "refused";

export async function joinRound(parameters: JoinRoundParameters): Promise<JoinRoundReturnType> {
  const { runtime, taskId, roundId } = parameters;
  const maxStake = parameters.maxStake ?? 0n;
  const { coordinator, logger } = runtime;
  if (await coordinator.hasJoined(roundId, runtime.connection.address)) return "joined";
  if (Number(await coordinator.phase(roundId)) !== Phase.Joining) return "missed";
  const admission = await admitClient({ runtime, taskId, maxStake });
  if (!admission.admitted) {
    logger.error(`refusing round ${roundId}: ${admission.error.name}: ${admission.error.shortMessage}`, { round: roundId, task: taskId });
    return "refused";
  }
  try {
    await sendTransaction(runtime.connection.signer, { action: `join(round ${roundId})`, send: () => coordinator.join(roundId) });
  } catch (error) {
    const refused = notAdmittedFromRevert(error, maxStake);
    if (refused) {
      logger.error(`refusing round ${roundId}: ${refused.name}: ${refused.shortMessage}`, { round: roundId, task: taskId });
      return "refused";
    }
    if (isRevert(error)) return "missed";
    throw error;
  }
  logger.info("joined", { round: roundId });
  return "joined";
}
