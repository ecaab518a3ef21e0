// The exact integer sum Σg a MASH or Shamir round published: the aggregate payload fetched by its CID, checked
// against the on-chain aggregateHash, its shape checked, and its int32 `sum` tensor returned. In MASH the
// aggregateHash is the Merkle root of the sum as int64 alone, so the payload's sum must open it
// (PayloadCommitmentMismatchError otherwise); in Shamir it is keccak256(bytes).
import { fetchPayload } from "../storage/fetchPayload";
import { fetchRootCommittedPayload } from "../storage/fetchCommittedPayload";
import type { IpfsStore } from "../storage/IpfsStore";
import { aggregateSumRoot } from "../crypto/commit/vectorCommitments";
import { SUM_TENSOR, expectMaskedAggregate, tensorData } from "./modelPayloads";
import { aggregateByteLimit } from "./payloadLimits";
import { RLWR_MAX_VECTORS } from "../crypto/mask/rlwrParameters";

export interface FetchAggregateSumParameters {
  store: IpfsStore;
  aggregateCid: string;
  /** The aggregateHash the round (and its verification) recorded. */
  aggregateHash: string;
  modelSize: number;
  /**
   * "vector" (MASH): aggregateHash = the root of the sum; "hash" (Shamir, the default):
   * aggregateHash = keccak256(bytes).
   */
  commitment?: "vector" | "hash";
  /**
   * The task's maxClients, which bounds the aggregate's client lists; default the most vectors any secure round can sum
   * (rlwr-2048's 2048, so maxClients ≤ 2047).
   */
  maxClients?: number;
  timeoutMs?: number;
}

export interface FetchedAggregateSum {
  sum: Int32Array;
  /** keccak256 of the aggregate payload's bytes. */
  payloadHash: string;
}

export async function fetchAggregateSumWithHash(parameters: FetchAggregateSumParameters): Promise<FetchedAggregateSum> {
  const expectations = expectMaskedAggregate(parameters.modelSize);
  const options = {
    timeoutMs: parameters.timeoutMs ?? 30_000,
    maxBytes: aggregateByteLimit("mash", parameters.modelSize, parameters.maxClients ?? RLWR_MAX_VECTORS),
  };
  // The expectations fix the dtype, so the sum tensor is int32.
  const sumOf = (payload: Parameters<typeof tensorData>[0]): Int32Array => tensorData(payload, SUM_TENSOR) as Int32Array;
  if (parameters.commitment === "vector") {
    const fetched = await fetchRootCommittedPayload(parameters.store, parameters.aggregateCid, parameters.aggregateHash, expectations, (payload) => aggregateSumRoot(sumOf(payload)), options);
    return { sum: sumOf(fetched.payload), payloadHash: fetched.payloadHash };
  }
  const payload = await fetchPayload(parameters.store, parameters.aggregateCid, parameters.aggregateHash, expectations, options);
  return { sum: sumOf(payload), payloadHash: parameters.aggregateHash };
}

export async function fetchAggregateSum(parameters: FetchAggregateSumParameters): Promise<Int32Array> {
  return (await fetchAggregateSumWithHash(parameters)).sum;
}
