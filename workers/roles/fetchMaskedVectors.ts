// MASH aggregation's fetch: exactly the included members' and the holder's masked vectors, each capped at the
// exact size of a masked vector of the task (maskedByteLimit) and at most 4 at a time (fetchContributions). An
// included vector cannot be dropped after the fact: the masks cancel only over the whole included set. So an
// oversized, missing or invalid one is named (every such client, with its error) in a
// MashContributionInvalidError, the aggregator posts nothing, and the round fails as AggregatorMissing.
import { BaseError } from "../errors";
import type { IpfsStore } from "../storage/IpfsStore";
import { fetchContributions, type PostedPayload } from "./fetchContributions";
import { MASKED_TENSOR, expectMasked, tensorData } from "./modelPayloads";
import { maskedByteLimit } from "./payloadLimits";

export class MashContributionInvalidError extends BaseError {
  override name = "MashContributionInvalidError" as const;
  /** Every included client whose vector is unusable, with the name of its error. */
  unusable: { client: string; error: string }[] = [];
}

export interface FetchMaskedVectorsParameters {
  store: IpfsStore;
  roundId: bigint | string;
  contributors: readonly (PostedPayload & { client: string })[];
  modelSize: number;
  limbsPerElement: number;
  timeoutMs?: number;
  onUnusable?: (client: string, cid: string, error: string) => void;
}

export async function fetchMaskedVectors(parameters: FetchMaskedVectorsParameters): Promise<Uint32Array[]> {
  const { modelSize, limbsPerElement } = parameters;
  const fetched = await fetchContributions({
    store: parameters.store,
    items: parameters.contributors,
    expectations: expectMasked(modelSize, limbsPerElement),
    maxBytes: maskedByteLimit(modelSize, limbsPerElement),
    timeoutMs: parameters.timeoutMs,
  });
  const unusable = fetched.flatMap((outcome) => (outcome.error === undefined ? [] : [outcome]));
  if (unusable.length > 0) {
    for (const outcome of unusable) parameters.onUnusable?.(outcome.item.client, outcome.item.cid, outcome.error);
    const named = unusable.map((outcome) => `${outcome.item.client} (${outcome.error})`).join(", ");
    const error = new MashContributionInvalidError(`Round ${parameters.roundId}: the masked update of ${named} is unusable, so the masks cannot cancel.`, {
      details: "MASH needs every included vector and cannot drop one after the fact; the round ends as AggregatorMissing at the deadline.",
      cause: unusable[0]!.cause,
    });
    error.unusable = unusable.map((outcome) => ({ client: outcome.item.client, error: outcome.error }));
    throw error;
  }
  return fetched.map((outcome) => tensorData(outcome.payload!, MASKED_TENSOR) as Uint32Array);
}
