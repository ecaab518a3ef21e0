// Fetches the payloads other parties posted for one round (clients' updates, masked vectors, servers'
// share-sums), each with the exact byte cap the task allows and at most `concurrency` at a time, so K hostile
// submissions cost at most `concurrency` × cap of memory however large they claim to be. A payload that is too
// large, missing, not a file, not what its on-chain hash names, or not of the expected shape is the sender's
// fault: it comes back as an outcome naming the sender and the error, never as a throw and never retried.
// Failures on this worker's side (the store unreachable, a corrupt local block, an abort) still throw, so the
// caller's round loop retries them.
import type { IpfsStore } from "../storage/IpfsStore";
import {
  IpfsContentMismatchError,
  IpfsInvalidCidError,
  IpfsInvalidDagError,
  IpfsNotAFileError,
  IpfsNotFoundError,
  IpfsPayloadTooLargeError,
  PayloadCorruptError,
  PayloadCommitmentMismatchError,
  PayloadHashMismatchError,
  PayloadShapeMismatchError,
  PayloadTruncatedError,
  PayloadUnsupportedVersionError,
} from "../storage/errors";
import { fetchPayload } from "../storage/fetchPayload";
import { fetchCommittedPayload } from "../storage/fetchCommittedPayload";
import type { DecodedPayload, PayloadExpectations } from "../storage/payloadFormat";

/** How many posted payloads one worker fetches at a time. */
export const CONTRIBUTION_FETCH_CONCURRENCY = 4;

/**
 * The failures that put the fault on whoever posted the CID. A timeout does not: on Kubo, finding content over the
 * DHT can outlast the fetch's timeout for an honest sender, so a timeout is the fetching side's failure and is
 * retried (a bounded number of times, within the phase). The embedded store names a missing CID at once.
 */
export const SENDER_FAULT_ERRORS = [
  IpfsPayloadTooLargeError,
  IpfsNotFoundError,
  IpfsInvalidCidError,
  IpfsNotAFileError,
  IpfsInvalidDagError,
  IpfsContentMismatchError,
  PayloadHashMismatchError,
  PayloadCommitmentMismatchError,
  PayloadShapeMismatchError,
  PayloadCorruptError,
  PayloadTruncatedError,
  PayloadUnsupportedVersionError,
] as const;

export function isSenderFault(error: unknown): error is Error {
  return SENDER_FAULT_ERRORS.some((kind) => error instanceof kind);
}

export interface PostedPayload {
  cid: string;
  contentHash: string;
}

export type ContributionOutcome<T> =
  /** `payloadHash`: keccak256 of the payload bytes, given when a commitment was checked (`rootOf`). */
  | { item: T; payload: DecodedPayload; payloadHash?: string; error?: undefined }
  | { item: T; payload?: undefined; error: string; cause: Error };

export interface FetchContributionsParameters<T extends PostedPayload> {
  store: IpfsStore;
  items: readonly T[];
  expectations: PayloadExpectations;
  /** The exact cap (payloadLimits.ts): one byte more is IpfsPayloadTooLargeError before anything is read. */
  maxBytes: number;
  timeoutMs?: number;
  concurrency?: number;
  /**
   * MASH: the on-chain hash is a vector commitment, keccak256(keccak256(bytes) ‖ rootOf(payload)), checked instead
   * of the plain hash (PayloadCommitmentMismatchError, the sender's fault).
   */
  rootOf?: (payload: DecodedPayload) => string;
  /** Further checks of a decoded payload (e.g. finiteness); what it throws excludes the item by that error's name. */
  check?: (payload: DecodedPayload, item: T) => void;
}

export async function fetchContributions<T extends PostedPayload>(parameters: FetchContributionsParameters<T>): Promise<ContributionOutcome<T>[]> {
  const { store, items, expectations, maxBytes, check } = parameters;
  const options = { maxBytes, timeoutMs: parameters.timeoutMs ?? 30_000 };
  const outcomes = new Array<ContributionOutcome<T>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index]!;
      let payload: DecodedPayload;
      let hash: string | undefined;
      try {
        if (parameters.rootOf) {
          const committed = await fetchCommittedPayload(store, item.cid, item.contentHash, expectations, parameters.rootOf, options);
          payload = committed.payload;
          hash = committed.payloadHash;
        } else {
          payload = await fetchPayload(store, item.cid, item.contentHash, expectations, options);
        }
      } catch (error) {
        if (!isSenderFault(error)) throw error;
        outcomes[index] = { item, error: error.name, cause: error };
        continue;
      }
      try {
        check?.(payload, item);
        outcomes[index] = hash === undefined ? { item, payload } : { item, payload, payloadHash: hash };
      } catch (error) {
        const cause = error instanceof Error ? error : new Error(String(error));
        outcomes[index] = { item, error: cause.name, cause };
      }
    }
  };
  const concurrency = Math.max(1, Math.min(parameters.concurrency ?? CONTRIBUTION_FETCH_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}
