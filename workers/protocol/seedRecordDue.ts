// When does a keeper record a verification seed (FedmashVerifier.recordSeed), and when is it too late. A seed is
// the hash of a block that the EVM forgets 256 blocks later, while the stages' deadlines are in seconds: on a chain
// with 2 s blocks the window is 8.5 minutes. T stores σ and the first commitment stores σ_w, so in a normal round
// nobody needs to record anything; a keeper records the seed only when that did not happen within a grace of blocks,
// well inside the window, so that an aggregator or clients that restart late still find it. Past the window an
// unrecorded seed fails the round at once (SeedExpired, nobody slashed), and a keeper settles it. Pure, like
// isAdvanceDue, so every worker with keeper duty decides the same way.
import { VerificationStage } from "./enums";

/** The EVM's blockhash window. */
export const BLOCKHASH_WINDOW = 256n;
/** The owner and the aggregator: they record σ or σ_w when T or the first commitment is 8 blocks late. */
export const KEEPER_SEED_GRACE_BLOCKS = 8n;
/** A client backs the keepers up: it records only when nobody did within 32 blocks (64 s at 2 s, 6.4 min at 12 s). */
export const CLIENT_SEED_GRACE_BLOCKS = 32n;

export interface SeedRecordDueParameters {
  stage: VerificationStage;
  /** verification(roundId).aggregateBlock / batchSumsBlock / sampleSeed / weightSeed. */
  aggregateBlock: bigint;
  batchSumsBlock: bigint;
  sampleSeed: string;
  weightSeed: string;
  /** Latest block number. */
  block: bigint;
  graceBlocks: bigint;
}

/** "record": send recordSeed now; "settle-expired": the seed is gone unrecorded, settle (SeedExpired); undefined: nothing. */
export type SeedRecordDueReturnType = "record" | "settle-expired" | undefined;

const ZERO = `0x${"0".repeat(64)}`;

export function seedRecordDue(parameters: SeedRecordDueParameters): SeedRecordDueReturnType {
  const { stage, block, graceBlocks } = parameters;
  let seedBlock: bigint;
  let stored: boolean;
  if (stage === VerificationStage.BatchSums) {
    seedBlock = parameters.aggregateBlock;
    stored = parameters.sampleSeed !== ZERO;
  } else if (stage === VerificationStage.Commitments) {
    seedBlock = parameters.batchSumsBlock;
    stored = parameters.weightSeed !== ZERO;
  } else {
    return undefined;
  }
  if (stored) return undefined;
  // A transaction sent now lands in block + 1 at the earliest; the hash is readable up to seedBlock + 256.
  if (block + 1n > seedBlock + BLOCKHASH_WINDOW) return "settle-expired";
  return block >= seedBlock + graceBlocks ? "record" : undefined;
}
