// Fetches a payload posted by another worker: get from the store, check the on-chain hash, decode and check the
// shape the caller expects. Each step fails with its own named error.
import { decodePayload } from "./decodePayload";
import { PayloadHashMismatchError } from "./errors";
import type { IpfsGetOptions, IpfsStore } from "./IpfsStore";
import type { DecodedPayload, PayloadExpectations } from "./payloadFormat";
import { payloadHash } from "./payloadHash";

export type FetchPayloadReturnType = Promise<DecodedPayload>;

export async function fetchPayload(
  store: IpfsStore,
  cid: string,
  expectedHash?: string,
  expectations?: PayloadExpectations,
  options?: IpfsGetOptions,
): FetchPayloadReturnType {
  const bytes = await store.get(cid, options);
  if (expectedHash !== undefined) {
    const actual = payloadHash(bytes);
    // Hashes read back from contracts or logs may differ in hex case only.
    if (actual !== expectedHash.toLowerCase()) throw new PayloadHashMismatchError(cid, expectedHash, actual);
  }
  return decodePayload(bytes, expectations);
}
