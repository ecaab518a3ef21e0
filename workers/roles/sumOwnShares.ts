// A Shamir server's work in one round, without the chain: for every client of the frozen set, fetch its manifest
// (checked against the hash the client submitted on-chain, and against this round, client, model size and the
// task's server list), fetch this server's share (checked against the manifest's hash), decrypt it, and add it
// mod p. The first share it cannot use ends the sum: a share-sum that skips one client would be inconsistent with
// the other servers' sums and corrupt the aggregate, so the caller withholds instead, naming client and error.
import { getAddress } from "ethers";
import { addShares } from "../crypto/shamir/addShares";
import { decryptShare } from "../crypto/shamir/decryptShare";
import { ShamirMalformedShareError, ShamirShareTamperedError, ShamirWrongServerError } from "../crypto/shamir/errors";
import type { SubmissionRecord } from "../protocol/submissionRecord";
import { fetchPayload } from "../storage/fetchPayload";
import type { IpfsStore } from "../storage/IpfsStore";
import { PayloadKind } from "../storage/payloadFormat";
import { EXPECT_SHARE_MANIFEST, ShamirManifestInvalidError, parseShareManifest, shareCiphertext } from "./shamirPayloads";
import { isSenderFault } from "./fetchContributions";
import { shareByteLimit, shareManifestByteLimit } from "./payloadLimits";

/**
 * The failures that mean a client's share, not the server or the network, is at fault: a bad share or manifest,
 * or a payload that is too large for the task (IpfsPayloadTooLargeError), missing, not a file or not what its
 * hash names (isSenderFault). None of them is retried.
 */
const UNUSABLE_SHARE_ERRORS = [ShamirWrongServerError, ShamirShareTamperedError, ShamirMalformedShareError, ShamirManifestInvalidError];
const isUnusableShare = (error: unknown): boolean => isSenderFault(error) || UNUSABLE_SHARE_ERRORS.some((kind) => error instanceof kind);

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

export type SumOwnSharesReturnType =
  | { status: "summed"; shareSum: Uint32Array; clients: string[] }
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
  for (const submission of parameters.submissions) {
    const client = getAddress(submission.client);
    let share: Uint32Array;
    try {
      const manifest = parseShareManifest(await fetchPayload(store, submission.cid, submission.contentHash, EXPECT_SHARE_MANIFEST, manifestOptions), { roundId, client, modelSize, servers });
      const reference = manifest.shares[serverIndex]!;
      const payload = await fetchPayload(store, reference.cid, reference.contentHash, { kind: PayloadKind.Share }, shareOptions);
      share = decryptShare({ payload: shareCiphertext(payload), serverIndex, serverPrivateKey: parameters.serverPrivateKey, roundId, client, length: modelSize });
    } catch (error) {
      if (isUnusableShare(error)) return { status: "unusable", client, error: (error as Error).name, cause: error as Error };
      throw error;
    }
    addShares(shareSum, share);
    clients.push(client);
  }
  return { status: "summed", shareSum, clients };
}
