// The verified-model rule as a client of a verified mode (MASH, Shamir) applies it: before joining a round it
// checks the round's input model (checkInputModel, with verified models cached in the state folder) and sits the
// round out on a refusal; and when a round it helped verify settles without passing, it logs that it will never
// train on that round's new model. Both refusals are logged as ModelRefusedError with their reason.
import { join } from "node:path";
import { enumName, VerificationOutcome } from "../protocol/enums";
import { checkInputModel, ModelRefusedError, type InputModelSources, type VerifiedModelRecord } from "./checkInputModel";
import { createInputModelSources } from "./createInputModelSources";
import { readStateFile, writeStateFile } from "./stateFile";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface CreateInputModelGateParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  modelSize: number;
  /** The task's quantization scale S. */
  scale: number;
  /** The task's mode (MASH aggregates open a vector commitment; Shamir ones are checked against T). */
  mode?: "mash" | "shamir";
  /**
   * MASH: recomputes a finalized round's sum from its included vectors and compares it with the committed one (the
   * watcher without a challenge). The gate calls it before accepting a model from a round this client did not itself
   * verify during the window (it restarted after the window, its watch timed out, or it was not in that round):
   * a round that passed unchallenged proves nothing on its own. Resolves "verified", or the reason to refuse.
   */
  verifyAggregate?: (roundId: string) => Promise<"verified" | { refused: string }>;
  /** The chain and store reads of checkInputModel; the runtime's by default (tests pass stubs). */
  sources?: InputModelSources;
}

export interface InputModelGate {
  /** Resolves with the refusal (already logged) when the round's input model may not be trained on. */
  refusal(roundId: bigint | string, modelCid: string): Promise<ModelRefusedError | undefined>;
  /** Logs that a round whose verification settled with `outcome` (not Passed) produced a model this client refuses. */
  refuseUnverified(roundId: string, newModelCid: string, outcome: VerificationOutcome): void;
  /**
   * MASH: this client's watcher found the round's aggregate wrong or could not check it: its model is never trained
   * on, whatever the round's outcome (remembered in the state folder).
   */
  refuseModel(roundId: string, newModelCid: string, details: string): void;
  /** MASH: this client's watcher recomputed the round's sum during the window and found it right. */
  markAggregateVerified(roundId: string): void;
}

export function createInputModelGate(parameters: CreateInputModelGateParameters): InputModelGate {
  const { runtime } = parameters;
  const { logger } = runtime;
  const verifiedModelsFile = join(runtime.config.stateDir, "verified-models.json");
  const refusedModelsFile = join(runtime.config.stateDir, "refused-models.json");
  const watchedRoundsFile = join(runtime.config.stateDir, "verified-aggregates.json");
  const sources = parameters.sources ?? createInputModelSources(parameters);
  const refuseModel = (roundId: string, newModelCid: string, details: string): void => {
    const refused = readStateFile<Record<string, { roundId: string; details: string }>>(refusedModelsFile, {});
    if (refused[newModelCid]) return;
    writeStateFile(refusedModelsFile, { ...refused, [newModelCid]: { roundId, details } });
    logger.error("refusing the round's new model: its aggregate is wrong or could not be checked", {
      round: roundId,
      error: new ModelRefusedError(newModelCid, "aggregate-unverifiable", details),
    });
  };
  /** MASH: whether the round's sum was recomputed and found right, here or by this client's watcher; refuses otherwise. */
  const aggregateRecomputed = async (producedBy: string, modelCid: string): Promise<ModelRefusedError | undefined> => {
    if (parameters.mode !== "mash" || parameters.verifyAggregate === undefined) return undefined;
    if (readStateFile<Record<string, true>>(watchedRoundsFile, {})[producedBy]) return undefined;
    let outcome: "verified" | { refused: string };
    try {
      outcome = await parameters.verifyAggregate(producedBy);
    } catch (error) {
      // Nothing fetched in time (a timeout, the store down): no better than a withheld vector for this round, so it
      // is not trained on; but not remembered either, so a later round tries again.
      const details = `Round ${producedBy}: the aggregate could not be recomputed now (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`;
      return new ModelRefusedError(modelCid, "aggregate-unverifiable", details);
    }
    if (outcome === "verified") {
      writeStateFile(watchedRoundsFile, { ...readStateFile<Record<string, true>>(watchedRoundsFile, {}), [producedBy]: true });
      logger.info("recomputed the sum of the round that produced the input model: it is right", { round: producedBy, modelCid });
      return undefined;
    }
    refuseModel(producedBy, modelCid, `Round ${producedBy}: ${outcome.refused}`);
    return new ModelRefusedError(modelCid, "aggregate-unverifiable", `Round ${producedBy}: ${outcome.refused}`);
  };
  return {
    refusal: async (roundId, modelCid) => {
      const refused = readStateFile<Record<string, { roundId: string; details: string }>>(refusedModelsFile, {})[modelCid];
      if (refused) {
        const error = new ModelRefusedError(modelCid, "aggregate-unverifiable", `Round ${refused.roundId}: ${refused.details}`);
        logger.error("refusing the round's input model: not joining, not training", { round: roundId, reason: error.reason, error });
        return error;
      }
      const verified = readStateFile<Record<string, VerifiedModelRecord>>(verifiedModelsFile, {});
      try {
        const accepted = await checkInputModel({ modelCid, sources, verified });
        if (accepted.basis === "verified" && accepted.roundId !== undefined) {
          const refusal = await aggregateRecomputed(accepted.roundId, modelCid);
          if (refusal) {
            logger.error("refusing the round's input model: not joining, not training", { round: roundId, reason: refusal.reason, error: refusal });
            return refusal;
          }
          writeStateFile(verifiedModelsFile, { ...verified, [modelCid]: { roundId: accepted.roundId } });
          logger.info("input model verified", { round: roundId, modelCid, producedBy: accepted.roundId });
        }
        return undefined;
      } catch (error) {
        if (!(error instanceof ModelRefusedError)) throw error;
        logger.error("refusing the round's input model: not joining, not training", { round: roundId, reason: error.reason, error });
        return error;
      }
    },
    refuseUnverified: (roundId, newModelCid, outcome) => {
      const name = String(enumName(VerificationOutcome, outcome));
      logger.error("refusing the round's new model: its verification did not pass", {
        round: roundId,
        outcome: name,
        error: new ModelRefusedError(newModelCid, "verification-not-passed", `Round ${roundId}'s verification outcome is ${name}.`),
      });
    },
    refuseModel,
    markAggregateVerified: (roundId) => {
      writeStateFile(watchedRoundsFile, { ...readStateFile<Record<string, true>>(watchedRoundsFile, {}), [roundId]: true });
    },
  };
}
