// MASH aggregation's fetch: exactly the included members' and the holder's masked vectors, each capped at the
// exact size of a masked vector of the task (maskedByteLimit) and at most 4 at a time (fetchContributions), each
// checked against its on-chain commitment (payload hash and the masked vector's Merkle root together). An
// included vector cannot be dropped after the fact: the masks cancel only over the whole included set. So an
// oversized, missing or invalid one is named (every such client, with its error) in a
// MashContributionInvalidError, and the worker that fetched (the holder checking its seed, or the aggregator) posts nothing: the round fails as HolderMissing or AggregatorMissing.
import { BaseError } from "../errors";
import type { IpfsStore } from "../storage/IpfsStore";
import { fetchContributions, type PostedPayload } from "./fetchContributions";
import { MASKED_TENSOR, expectMasked, tensorData } from "./modelPayloads";
import { maskedByteLimit } from "./payloadLimits";
import { maskedVectorRoot } from "../crypto/commit/vectorCommitments";

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
  return (await fetchCommittedMaskedVectors(parameters)).map((fetched) => fetched.masked);
}

export interface CommittedMaskedVector {
  masked: Uint32Array;
  /** keccak256 of the payload bytes (the commitment's first half, a fraud proof's `payloadHash`). */
  payloadHash: string;
}

/** As fetchMaskedVectors, with each vector's payload hash (the watcher builds fraud-proof openings from both). */
export async function fetchCommittedMaskedVectors(parameters: FetchMaskedVectorsParameters): Promise<CommittedMaskedVector[]> {
  const { modelSize, limbsPerElement } = parameters;
  const fetched = await fetchContributions({
    store: parameters.store,
    items: parameters.contributors,
    expectations: expectMasked(modelSize, limbsPerElement),
    maxBytes: maskedByteLimit(modelSize, limbsPerElement),
    timeoutMs: parameters.timeoutMs,
    // Each submission's contentHash commits its payload hash and its vector's Merkle root (fraud proofs open it).
    rootOf: (payload) => maskedVectorRoot(tensorData(payload, MASKED_TENSOR) as Uint32Array, limbsPerElement),
  });
  const unusable = fetched.flatMap((outcome) => (outcome.error === undefined ? [] : [outcome]));
  if (unusable.length > 0) {
    for (const outcome of unusable) parameters.onUnusable?.(outcome.item.client, outcome.item.cid, outcome.error);
    const named = unusable.map((outcome) => `${outcome.item.client} (${outcome.error})`).join(", ");
    const error = new MashContributionInvalidError(`Round ${parameters.roundId}: the masked update of ${named} is unusable, so the masks cannot cancel.`, {
      details: "MASH needs every included vector and cannot drop one after the fact; the round fails at the deadline (HolderMissing when the holder refuses, AggregatorMissing when the aggregator does), with nobody slashed.",
      cause: unusable[0]!.cause,
    });
    error.unusable = unusable.map((outcome) => ({ client: outcome.item.client, error: outcome.error }));
    throw error;
  }
  // Every outcome is usable here; rootOf made fetchContributions hash each payload.
  return fetched.flatMap((outcome) => (outcome.error === undefined ? [{ masked: tensorData(outcome.payload, MASKED_TENSOR) as Uint32Array, payloadHash: outcome.payloadHash ?? "" }] : []));
}
