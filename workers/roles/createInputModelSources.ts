// The chain and store reads behind checkInputModel, for one MASH or Shamir task: the initial model (TaskCreated),
// the round that produced a model (RoundFinalized), its verification outcome, and the check of its published
// aggregate (MASH: against its vector commitment, payload hash and the sum's Merkle root, which the challenge window
// let anyone prove wrong; Shamir: against its hash and T) plus the recomputation of its new model from parent + aggregate.
import { checkAggregateAgainstBatchSums } from "../crypto/verify/checkAggregateAgainstBatchSums";
import { decodeBatchSums } from "../crypto/verify/decodeBatchSums";
import type { VerificationOutcome } from "../protocol/enums";
import { modelFromAggregateSum } from "../protocol/mash/modelFromAggregateSum";
import { retry } from "../retry";
import { fetchPayload } from "../storage/fetchPayload";
import { modelByteLimit } from "./payloadLimits";
import { PayloadKind } from "../storage/payloadFormat";
import { ModelNotDerivedError, type InputModelSources } from "./checkInputModel";
import { fetchAggregateSum } from "./fetchAggregateSum";
import { MODEL_TENSOR, expectFlat, flatTensor } from "./modelPayloads";
import { postedBatchSums } from "./postedBatchSums";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface CreateInputModelSourcesParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  modelSize: number;
  /** The task's quantization scale S. */
  scale: number;
  /** MASH rounds are verified by fraud proofs (no T); Shamir rounds by batch sums. Default "shamir". */
  mode?: "mash" | "shamir";
}

export function createInputModelSources(parameters: CreateInputModelSourcesParameters): InputModelSources {
  const { runtime, taskId, modelSize, scale } = parameters;
  const { coordinator, verifier, store } = runtime;
  let initial: string | undefined;
  const fetchModel = async (cid: string): Promise<Float32Array> => flatTensor(await fetchPayload(store, cid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize), { timeoutMs: 30_000, maxBytes: modelByteLimit(modelSize) }));

  return {
    initialModelCid: async () => {
      if (initial === undefined) {
        const created = await retry(() => coordinator.queryFilter(coordinator.filters.TaskCreated(taskId)));
        // A task is created once; without its event the chain is not the one the task lives on.
        initial = created[0]?.args.initialModelCid ?? "";
      }
      return initial;
    },
    producingRound: async (modelCid) => {
      const finalized = await retry(() => coordinator.queryFilter(coordinator.filters.RoundFinalized(taskId)));
      return finalized.find((event) => event.args.modelCid === modelCid)?.args.roundId;
    },
    verificationOutcome: async (roundId) => Number((await retry(() => verifier.verification(roundId))).outcome) as VerificationOutcome,
    checkRoundAggregate: async (roundId) => {
      const [round, verification] = await Promise.all([retry(() => coordinator.round(roundId)), retry(() => verifier.verification(roundId))]);
      let sum: Int32Array;
      if (parameters.mode === "mash") {
        sum = await fetchAggregateSum({ store, aggregateCid: round.aggregateCid, aggregateHash: round.aggregateHash, modelSize, commitment: "vector" });
      } else {
        const m = Number(verification.partitions);
        const k = Number(verification.batches);
        const posted = await postedBatchSums(runtime, roundId, Number(verification.batchSumsBlock));
        sum = await fetchAggregateSum({ store, aggregateCid: round.aggregateCid, aggregateHash: round.aggregateHash, modelSize });
        checkAggregateAgainstBatchSums(sum, posted.sampleSeed as `0x${string}`, m, k, decodeBatchSums(posted.batchSums, m, k));
      }
      const [parent, model] = await Promise.all([fetchModel(round.modelCid), fetchModel(round.newModelCid)]);
      // The aggregator's own computation (aggregateMasked): uniform mean over the included clients, added to the parent.
      const expected = modelFromAggregateSum({ sum, global: parent, scale, count: Number(verification.includedCount) }).newWeights;
      if (!Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength).equals(Buffer.from(model.buffer, model.byteOffset, model.byteLength))) {
        throw new ModelNotDerivedError(`The new model of round ${roundId} is not its parent model plus the verified aggregate.`, {
          details: `parent ${round.modelCid}, aggregate ${round.aggregateCid}, model ${round.newModelCid}`,
        });
      }
    },
  };
}
