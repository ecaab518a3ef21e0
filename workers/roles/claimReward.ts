// Pull payment of whatever a settled round owes this worker (client reward, aggregator reward): read what is
// claimable first, so a restarted worker, or one owed nothing, sends no transaction that must revert.
import { sendTransaction } from "../chain/sendTransaction";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** Resolves with the wei received (0 when nothing was owed or it was already claimed). */
export async function claimReward(runtime: WorkerRuntime, roundId: bigint): Promise<bigint> {
  const owed = await runtime.verifier.claimable(roundId, runtime.connection.address);
  if (owed === 0n) return 0n;
  await sendTransaction(runtime.connection.signer, { action: `claim(round ${roundId})`, send: () => runtime.verifier.claim(roundId) });
  runtime.logger.info("reward claimed", { round: roundId, wei: owed });
  return owed;
}
