// The keeper's part in keeping a round's verification seeds readable (seedRecordDue): record σ (T is late) or σ_w
// (no commitment yet) once the grace passed, while the block hash is still in the 256-block window, so that an
// aggregator or a client that restarts late, on any block time, can still post T or commit; and settle a round whose
// seed is gone unrecorded (SeedExpired: nobody is slashed, the reserve goes back). Shared by the owner's loop, the
// aggregator's keeper and, with a longer grace, the clients.
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { VerificationStage } from "../protocol/enums";
import { seedRecordDue } from "../protocol/seedRecordDue";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** Resolves with what it did. A lost race (someone recorded or settled first) is not an error. */
export async function recordSeedIfDue(runtime: WorkerRuntime, roundId: bigint, graceBlocks: bigint): Promise<"recorded" | "settled" | undefined> {
  const view = await runtime.verifier.verification(roundId);
  const block = BigInt(await runtime.connection.provider.getBlockNumber());
  const due = seedRecordDue({
    stage: Number(view.stage) as VerificationStage,
    aggregateBlock: view.aggregateBlock,
    batchSumsBlock: view.batchSumsBlock,
    sampleSeed: view.sampleSeed,
    weightSeed: view.weightSeed,
    block,
    graceBlocks,
  });
  if (due === undefined) return undefined;
  try {
    if (due === "record") {
      await sendTransaction(runtime.connection.signer, { action: `recordSeed(round ${roundId})`, send: () => runtime.verifier.recordSeed(roundId) });
      runtime.logger.info("recorded the verification seed before its block hash leaves the 256-block window", {
        round: roundId,
        seedBlock: (Number(view.stage) === VerificationStage.BatchSums ? view.aggregateBlock : view.batchSumsBlock).toString(),
        block,
      });
      return "recorded";
    }
    // SeedExpired settles before any hash check, so T need not be given.
    await sendTransaction(runtime.connection.signer, { action: `settle(round ${roundId}, seed expired)`, send: () => runtime.verifier.settle(roundId, "0x") });
    runtime.logger.warn("nobody recorded the verification seed within 256 blocks: settled the round as SeedExpired (nobody is slashed)", { round: roundId, block });
    return "settled";
  } catch (error) {
    if (error instanceof ChainRevertError && ["VerifierSeedAlreadyRecorded", "VerifierUnexpectedStage", "VerifierSeedNotReady"].includes(error.errorName ?? "")) return undefined;
    throw error;
  }
}
