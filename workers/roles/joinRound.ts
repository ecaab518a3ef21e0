// Joining a round, the same in every mode: read the chain first so a restarted worker does not join twice,
// and treat "full" or "closed" as sitting the round out rather than as a failure.
import { isRevert, sendTransaction } from "../chain/sendTransaction";
import { Phase } from "../protocol/enums";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** Resolves true when this worker is (now) in the round, false when joining has closed without it. */
export async function joinRound(runtime: WorkerRuntime, roundId: bigint): Promise<boolean> {
  const { coordinator } = runtime;
  if (await coordinator.hasJoined(roundId, runtime.connection.address)) return true;
  if (Number(await coordinator.phase(roundId)) !== Phase.Joining) return false;
  try {
    await sendTransaction(runtime.connection.signer, { action: `join(round ${roundId})`, send: () => coordinator.join(roundId) });
  } catch (error) {
    if (isRevert(error)) return false;
    throw error;
  }
  runtime.logger.info("joined", { round: roundId });
  return true;
}
