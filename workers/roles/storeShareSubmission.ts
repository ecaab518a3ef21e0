// What a Shamir client stores for one round and the commitment it submits, without the chain: the root of every
// plaintext share (fedmash/shamir-commit/v1, crypto/commit/shamirCommitments.ts), each share encrypted to its server
// and stored, then the manifest listing the n share references and the n roots in server order. The on-chain
// contentHash is keccak256(manifest payload hash ‖ shareRootsHash(shareRoots)), so a server can check its decrypted
// share against the root its client committed to, and a share-sum dispute can open one leaf of that share.
import { shamirSubmissionCommitment, fieldVectorRoot } from "../crypto/commit/shamirCommitments";
import { encryptShare } from "../crypto/shamir/encryptShare";
import type { IpfsStore } from "../storage/IpfsStore";
import { putPayload } from "../storage/putPayload";
import { shareManifestPayload, sharePayload, type ShareManifest } from "./shamirPayloads";

export interface StoreShareSubmissionParameters {
  store: IpfsStore;
  roundId: bigint;
  /** The plaintext shares, shares[j] for manifest.servers[j]. */
  shares: readonly Uint32Array[];
  /** The servers' ECIES public keys, in the same order. */
  serverKeys: readonly Uint8Array[];
  /** The manifest's fields other than what this function fills in (the share references and roots). */
  manifest: Omit<ShareManifest, "shares" | "shareRoots">;
  /** Called after each share is encrypted and stored, with how many are. */
  onShareStored?: (stored: number) => void;
}

export interface StoreShareSubmissionReturnType {
  /** The manifest's CID: what the client submits. */
  cid: string;
  /** keccak256 of the manifest payload bytes. */
  manifestHash: `0x${string}`;
  shareRoots: string[];
  /** The on-chain contentHash: shamirSubmissionCommitment(manifestHash, shareRoots). */
  contentHash: `0x${string}`;
}

export async function storeShareSubmission(parameters: StoreShareSubmissionParameters): Promise<StoreShareSubmissionReturnType> {
  const { store, roundId, shares, serverKeys, manifest } = parameters;
  const shareRoots: string[] = shares.map((share) => fieldVectorRoot(share));
  let storedCount = 0;
  const stored = await Promise.all(
    shares.map(async (share, serverIndex) => {
      const ciphertext = encryptShare({ share, serverIndex, serverPublicKey: serverKeys[serverIndex]!, roundId, client: manifest.client });
      const payload = await putPayload(store, sharePayload(ciphertext, { roundId: manifest.roundId, round: manifest.round, serverIndex, client: manifest.client }));
      parameters.onShareStored?.(++storedCount);
      return { cid: payload.cid, contentHash: payload.contentHash };
    }),
  );
  const put = await putPayload(store, shareManifestPayload({ ...manifest, shares: stored, shareRoots }));
  return { cid: put.cid, manifestHash: put.contentHash, shareRoots, contentHash: shamirSubmissionCommitment(put.contentHash, shareRoots) };
}
