// The batch sums T a round's aggregator posted, read back from the BatchSumsPosted event: the contract keeps only
// their hash, and settle must be given T itself. The verification view says which block holds the event, so
// one eth_getLogs over that block finds it.
import { BaseError } from "../errors";
import { retry } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class BatchSumsEventMissingError extends BaseError {
  override name = "BatchSumsEventMissingError" as const;
}

export interface PostedBatchSumsReturnType {
  /** T, packed big-endian int64, as hex. */
  batchSums: string;
  sampleSeed: string;
  blockNumber: number;
}

export async function postedBatchSums(runtime: Pick<WorkerRuntime, "verifier">, roundId: bigint, batchSumsBlock: number): Promise<PostedBatchSumsReturnType> {
  const { verifier } = runtime;
  const events = await retry(() => verifier.queryFilter(verifier.filters.BatchSumsPosted(roundId), batchSumsBlock, batchSumsBlock));
  const event = events[0];
  if (!event) throw new BatchSumsEventMissingError(`Round ${roundId} has no BatchSumsPosted event in block ${batchSumsBlock}.`);
  return { batchSums: event.args.batchSums, sampleSeed: event.args.sampleSeed, blockNumber: event.blockNumber };
}
