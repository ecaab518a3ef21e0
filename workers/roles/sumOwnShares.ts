// A Shamir server's work in one round, without the chain: for every client of the frozen set, fetch its manifest
// (checked against the commitment the client submitted on-chain, keccak256(manifest payload hash ‖
// shareRootsHash(the manifest's shareRoots)) — fedmash/shamir-commit/v1 — and against this round, client, model size
// and the task's server list), fetch this server's share (checked against the manifest's hash), decrypt it, check
// its root is the one the client committed to for this server, and add it mod p. The first share it cannot use ends
// the sum: a share-sum that skips one client would be inconsistent with the other servers' sums and corrupt the
// aggregate, so the caller withholds instead, naming client and error. A summed result also carries every client's
// manifest hash, roots and decrypted share, what answering a share-sum dispute opens.
import { getAddress } from "ethers";
import { addShares } from "../crypto/shamir/addShares";
import { decryptShare } from "../crypto/shamir/decryptShare";
import { ShamirMalformedShareError, ShamirShareCommitmentMismatchError, ShamirShareTamperedError, ShamirWrongServerError } from "../crypto/shamir/errors";
import { fieldVectorRoot, shareRootsHash } from "../crypto/commit/shamirCommitments";
import type { SubmissionRecord } from "../protocol/submissionRecord";
import { retry } from "../retry";
import type { FedmashCoordinator } from "../../typechain-types";
import { fetchPayload } from "../storage/fetchPayload";
import { fetchCommittedPayload } from "../storage/fetchCommittedPayload";
import type { IpfsStore } from "../storage/IpfsStore";
import { PayloadKind } from "../storage/payloadFormat";
import { EXPECT_SHARE_MANIFEST, ShamirManifestInvalidError, parseShareManifest, shareCiphertext, type ShareManifest } from "./shamirPayloads";
import { isSenderFault } from "./fetchContributions";
import { shareByteLimit, shareManifestByteLimit } from "./payloadLimits";

/**
 * The failures that mean a client's share, not the server or the network, is at fault: a bad share or manifest,
 * or a payload that is too large for the task (IpfsPayloadTooLargeError), missing, not a file or not what its
 * hash names (isSenderFault). None of them is retried.
 */
const UNUSABLE_SHARE_ERRORS = [ShamirWrongServerError, ShamirShareTamperedError, ShamirMalformedShareError, ShamirManifestInvalidError, ShamirShareCommitmentMismatchError];
const isUnusableShare = (error: unknown): boolean => isSenderFault(error) || UNUSABLE_SHARE_ERRORS.some((kind) => error instanceof kind);

/**
 * The chain's record of what each of `included` (the round's frozen set, in its order) submitted: what a server sums,
 * whatever events it saw.
 */
export function frozenSubmissions(coordinator: FedmashCoordinator, roundId: bigint, included: readonly string[]): Promise<SumOwnSharesParameters["submissions"][number][]> {
  return Promise.all(
    included.map(async (client) => {
      const submitted = await retry(() => coordinator.submission(roundId, client));
      return { client, cid: submitted.cid, contentHash: submitted.contentHash };
    }),
  );
}

export interface SumOwnSharesParameters {
  store: IpfsStore;
  roundId: bigint;
  /** The frozen set: each client's manifest CID and the content hash it submitted on-chain. */
  submissions: readonly Pick<SubmissionRecord, "client" | "cid" | "contentHash">[];
  /** The task's servers in share order, and this server's index among them. */
  servers: readonly string[];
  serverIndex: number;
  serverPrivateKey: Uint8Array;
  modelSize: number;
  timeoutMs?: number;
}

/** One summed client's share as this server received it, and what its client committed to. */
export interface ReceivedShare {
  client: string;
  /** keccak256 of the client's manifest payload: the first half of its on-chain commitment. */
  manifestHash: string;
  /** The manifest's n share roots in server order (lowercase hex); shareRoots[serverIndex] is `share`'s root. */
  shareRoots: string[];
  /** The decrypted share (field elements). */
  share: Uint32Array;
}

export type SumOwnSharesReturnType =
  /** `shares`: per client of `clients`, in the same (frozen-set) order (what a server keeps to answer disputes). */
  | { status: "summed"; shareSum: Uint32Array; clients: string[]; shares: ReceivedShare[] }
  /** `error` is the name of the failure, e.g. ShamirShareTamperedError. */
  | { status: "unusable"; client: string; error: string; cause: Error };

export async function sumOwnShares(parameters: SumOwnSharesParameters): Promise<SumOwnSharesReturnType> {
  const { store, roundId, servers, serverIndex, modelSize } = parameters;
  const timeoutMs = parameters.timeoutMs ?? 30_000;
  // Exact caps from the task: a manifest for this many servers, a share of this model size.
  const manifestOptions = { timeoutMs, maxBytes: shareManifestByteLimit(servers.length) };
  const shareOptions = { timeoutMs, maxBytes: shareByteLimit(modelSize) };
  const shareSum = new Uint32Array(modelSize);
  const clients: string[] = [];
  const shares: ReceivedShare[] = [];
  for (const submission of parameters.submissions) {
    const client = getAddress(submission.client);
    let share: Uint32Array;
    let manifest: ShareManifest | undefined;
    let manifestHash: string;
    try {
      // The commitment's second half is the hash of the roots the manifest itself lists, so parse first (a bad
      // manifest is ShamirManifestInvalidError), then check both halves against the on-chain contentHash.
      const committed = await fetchCommittedPayload(
        store,
        submission.cid,
        submission.contentHash,
        EXPECT_SHARE_MANIFEST,
        (payload) => shareRootsHash((manifest = parseShareManifest(payload, { roundId, client, modelSize, servers })).shareRoots),
        manifestOptions,
      );
      manifestHash = committed.payloadHash;
      const reference = manifest!.shares[serverIndex]!;
      const payload = await fetchPayload(store, reference.cid, reference.contentHash, { kind: PayloadKind.Share }, shareOptions);
      share = decryptShare({ payload: shareCiphertext(payload), serverIndex, serverPrivateKey: parameters.serverPrivateKey, roundId, client, length: modelSize });
      const root = fieldVectorRoot(share);
      const committedRoot = manifest!.shareRoots[serverIndex]!;
      if (root !== committedRoot) throw new ShamirShareCommitmentMismatchError(serverIndex, committedRoot, root);
    } catch (error) {
      if (isUnusableShare(error)) return { status: "unusable", client, error: (error as Error).name, cause: error as Error };
      throw error;
    }
    addShares(shareSum, share);
    clients.push(client);
    shares.push({ client, manifestHash, shareRoots: manifest!.shareRoots, share });
  }
  return { status: "summed", shareSum, clients, shares };
}
