// The exact integer sum Σg a MASH round published: the aggregate payload fetched by its CID, its content hash
// checked against the one on-chain, its shape checked, and its int32 `sum` tensor returned. Sampled verification
// checks this tensor, never the float delta.
import { fetchPayload } from "../storage/fetchPayload";
import type { IpfsStore } from "../storage/IpfsStore";
import { SUM_TENSOR, expectMaskedAggregate, tensorData } from "./modelPayloads";
import { aggregateByteLimit } from "./payloadLimits";

/** The most clients a secure round can have (rlwr-2048's maxClients ≤ 2047), for the aggregate's metadata budget. */
const MAX_SECURE_CLIENTS = 2048;

export interface FetchAggregateSumParameters {
  store: IpfsStore;
  aggregateCid: string;
  /** The aggregateHash the round (and its verification) recorded. */
  aggregateHash: string;
  modelSize: number;
  /** The task's maxClients, which bounds the aggregate's client lists; default the largest a secure task allows. */
  maxClients?: number;
  timeoutMs?: number;
}

export async function fetchAggregateSum(parameters: FetchAggregateSumParameters): Promise<Int32Array> {
  const payload = await fetchPayload(parameters.store, parameters.aggregateCid, parameters.aggregateHash, expectMaskedAggregate(parameters.modelSize), {
    timeoutMs: parameters.timeoutMs ?? 30_000,
    maxBytes: aggregateByteLimit("mash", parameters.modelSize, parameters.maxClients ?? MAX_SECURE_CLIENTS),
  });
  // The expectations above fixed the dtype, so this is the int32 tensor.
  return tensorData(payload, SUM_TENSOR) as Int32Array;
}
