// Fetches a payload whose on-chain hash is a vector commitment, keccak256(keccak256(bytes) ‖ Merkle root of
// the payload's vector) (docs/VERIFICATION.md, "The vector commitment"): a masked submission's contentHash or a
// MASH aggregate's aggregateHash. The bytes are decoded with the caller's expectations, the root is computed from
// the decoded vector by `rootOf`, and the pair must open the commitment; otherwise PayloadCommitmentMismatchError,
// the sender's fault like a hash mismatch.
import { commitmentHash } from "../crypto/commit/vectorMerkle";
import { decodePayload } from "./decodePayload";
import { PayloadCommitmentMismatchError } from "./errors";
import type { IpfsGetOptions, IpfsStore } from "./IpfsStore";
import type { DecodedPayload, PayloadExpectations } from "./payloadFormat";
import { payloadHash } from "./payloadHash";

export interface CommittedPayload {
  payload: DecodedPayload;
  /** keccak256 of the payload bytes: the commitment's first half, and an opening's `payloadHash`. */
  payloadHash: string;
  /** The Merkle root of the payload's vector. */
  root: string;
}

export async function fetchCommittedPayload(
  store: IpfsStore,
  cid: string,
  commitment: string,
  expectations: PayloadExpectations,
  rootOf: (payload: DecodedPayload) => string,
  options?: IpfsGetOptions,
): Promise<CommittedPayload> {
  return fetchChecked(store, cid, commitment, expectations, rootOf, commitmentHash, options);
}

/**
 * As fetchCommittedPayload, for a commitment that is the vector's root alone (a MASH aggregate's aggregateHash): the
 * payload's other bytes are not bound, only its vector. PayloadCommitmentMismatchError when the root differs.
 */
export async function fetchRootCommittedPayload(
  store: IpfsStore,
  cid: string,
  root: string,
  expectations: PayloadExpectations,
  rootOf: (payload: DecodedPayload) => string,
  options?: IpfsGetOptions,
): Promise<CommittedPayload> {
  return fetchChecked(store, cid, root, expectations, rootOf, (_hash, vectorRoot) => vectorRoot, options);
}

/** Fetches, decodes, and checks `commitmentOf(payload hash, vector root)` against `commitment`. */
async function fetchChecked(
  store: IpfsStore,
  cid: string,
  commitment: string,
  expectations: PayloadExpectations,
  rootOf: (payload: DecodedPayload) => string,
  commitmentOf: (hash: string, root: string) => string,
  options: IpfsGetOptions | undefined,
): Promise<CommittedPayload> {
  const bytes = await store.get(cid, options);
  const payload = decodePayload(bytes, expectations);
  const hash = payloadHash(bytes);
  const root = rootOf(payload);
  const actual = commitmentOf(hash, root);
  // Hashes read back from contracts or logs may differ in hex case only.
  if (actual.toLowerCase() !== commitment.toLowerCase()) throw new PayloadCommitmentMismatchError(cid, commitment, actual);
  return { payload, payloadHash: hash, root };
}
