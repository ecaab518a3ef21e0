// The client's rule for the model it is asked to train on: the task's initial model, or the new model of one of
// the task's rounds whose verification Passed and whose published aggregate matches the batch sums T the contract
// accepted (and whose new model is exactly its parent plus that aggregate). Anything else is refused with a named
// ModelRefusedError, and the client sits the round out. The decision is here; the chain and store reads are the
// injected `sources` (createInputModelSources), so the rule is tested without a chain. Verified models are
// cached by the caller (`verified`), so each model is checked once.
import { BaseError } from "../errors";
import { AggregateVerificationError } from "../crypto/verify/errors";
import { enumName, VerificationOutcome } from "../protocol/enums";
import { PayloadCommitmentMismatchError, PayloadCorruptError, PayloadHashMismatchError, PayloadShapeMismatchError, PayloadTruncatedError } from "../storage/errors";

export type ModelRefusalReason =
  /** No finalized round of the task produced this model, and it is not the initial model. */
  | "unknown-model"
  /** The producing round's verification did not pass. */
  | "verification-not-passed"
  /** The producing round's aggregate does not match its T. */
  | "aggregate-mismatch"
  /** The producing round's aggregate payload is not what the chain recorded (hash, shape). */
  | "aggregate-invalid"
  /** The model is not the producing round's parent model plus its verified aggregate. */
  | "model-not-derived"
  /** MASH: this client's watcher found the producing round's aggregate wrong or could not check it (watchRound). */
  | "aggregate-unverifiable";

export class ModelRefusedError extends BaseError {
  override name = "ModelRefusedError" as const;
  constructor(
    readonly modelCid: string,
    readonly reason: ModelRefusalReason,
    details: string,
    cause?: unknown,
  ) {
    super(`Refusing to train on model ${modelCid} (${reason}).`, { details, cause });
  }
}

/** Thrown by a source when a round's new model is not its parent plus its dequantized, averaged aggregate. */
export class ModelNotDerivedError extends BaseError {
  override name = "ModelNotDerivedError" as const;
}

export interface VerifiedModelRecord {
  /** The round whose verified aggregate produced the model. */
  roundId: string;
}

export interface InputModelSources {
  initialModelCid(): Promise<string>;
  /** The task's finalized round whose new model is `modelCid`, if any. */
  producingRound(modelCid: string): Promise<bigint | undefined>;
  verificationOutcome(roundId: bigint): Promise<VerificationOutcome>;
  /**
   * Checks the round's published aggregate against its T (throws AggregateVerificationError), its payload against
   * the chain (Payload*Error) and its new model against parent + aggregate (ModelNotDerivedError).
   */
  checkRoundAggregate(roundId: bigint): Promise<void>;
}

export interface CheckInputModelParameters {
  modelCid: string;
  sources: InputModelSources;
  verified: Readonly<Record<string, VerifiedModelRecord>>;
}

export interface CheckInputModelReturnType {
  basis: "initial" | "cached" | "verified";
  /** The producing round, unless the model is the initial one; a "verified" result belongs in the cache. */
  roundId?: string;
}

const PAYLOAD_ERRORS = [PayloadHashMismatchError, PayloadCommitmentMismatchError, PayloadShapeMismatchError, PayloadCorruptError, PayloadTruncatedError];

/** Resolves when the model may be trained on; throws ModelRefusedError when not. Transient I/O failures propagate. */
export async function checkInputModel(parameters: CheckInputModelParameters): Promise<CheckInputModelReturnType> {
  const { modelCid, sources, verified } = parameters;
  const cached = verified[modelCid];
  if (cached) return { basis: "cached", roundId: cached.roundId };
  if (modelCid === (await sources.initialModelCid())) return { basis: "initial" };

  const roundId = await sources.producingRound(modelCid);
  if (roundId === undefined) {
    throw new ModelRefusedError(modelCid, "unknown-model", "It is neither the task's initial model nor the new model of a finalized round of the task.");
  }
  const outcome = await sources.verificationOutcome(roundId);
  if (outcome !== VerificationOutcome.Passed) {
    throw new ModelRefusedError(modelCid, "verification-not-passed", `Round ${roundId} produced it, but its verification outcome is ${String(enumName(VerificationOutcome, outcome))}.`);
  }
  try {
    await sources.checkRoundAggregate(roundId);
  } catch (error) {
    if (error instanceof AggregateVerificationError) {
      throw new ModelRefusedError(modelCid, "aggregate-mismatch", `Round ${roundId}: ${error.details ?? error.shortMessage}`, error);
    }
    if (PAYLOAD_ERRORS.some((kind) => error instanceof kind)) {
      throw new ModelRefusedError(modelCid, "aggregate-invalid", `Round ${roundId}: the published aggregate is not the one recorded on-chain.`, error);
    }
    if (error instanceof ModelNotDerivedError) {
      throw new ModelRefusedError(modelCid, "model-not-derived", `Round ${roundId}: ${error.shortMessage}`, error);
    }
    throw error;
  }
  return { basis: "verified", roundId: roundId.toString() };
}
