// Fetches one server's posted share-sum and checks it against its on-chain contentHash, the commitment
// keccak256(payload hash ‖ fieldVectorRoot(share-sum)) (fedmash/shamir-commit/v1, crypto/commit/shamirCommitments.ts),
// with the task's exact byte cap. The payload hash and the root come back with the values, what a share-sum dispute
// opens (workers/protocol/shamir/shareDispute.ts). A payload that is too large, missing, not of the expected shape or
// not what the commitment names throws the store's or the format's named error (isSenderFault: the server's fault).
import { fieldVectorRoot } from "../crypto/commit/shamirCommitments";
import { fetchCommittedPayload } from "../storage/fetchCommittedPayload";
import type { IpfsStore } from "../storage/IpfsStore";
import type { Payload } from "../storage/payloadFormat";
import { tensorData } from "./modelPayloads";
import { shareSumByteLimit } from "./payloadLimits";
import { SHARE_SUM_TENSOR, expectShareSum } from "./shamirPayloads";

export interface FetchShareSumParameters {
  store: IpfsStore;
  /** What the server posted: the payload's CID and the commitment. */
  cid: string;
  contentHash: string;
  modelSize: number;
  /** The task's maxClients: the share-sum's metadata lists the clients summed. */
  maxClients: number;
  timeoutMs?: number;
}

export interface FetchedShareSum {
  values: Uint32Array;
  /** keccak256 of the payload bytes: the commitment's first half. */
  payloadHash: string;
  /** fieldVectorRoot(values): the commitment's second half. */
  root: string;
  /** The clients the payload says were summed, as written. */
  clients: string[];
}

export async function fetchShareSum(parameters: FetchShareSumParameters): Promise<FetchedShareSum> {
  const { store, modelSize } = parameters;
  // expectShareSum fixes the one uint32 tensor of length d, so it is there once the payload decoded.
  const valuesOf = (payload: Payload): Uint32Array => tensorData(payload, SHARE_SUM_TENSOR) as Uint32Array;
  const committed = await fetchCommittedPayload(store, parameters.cid, parameters.contentHash, expectShareSum(modelSize), (payload) => fieldVectorRoot(valuesOf(payload)), {
    timeoutMs: parameters.timeoutMs ?? 30_000,
    maxBytes: shareSumByteLimit(modelSize, parameters.maxClients),
  });
  const listed = committed.payload.metadata.clients;
  return {
    values: valuesOf(committed.payload),
    payloadHash: committed.payloadHash,
    root: committed.root,
    clients: Array.isArray(listed) ? listed.map((c) => String(c)) : [],
  };
}
