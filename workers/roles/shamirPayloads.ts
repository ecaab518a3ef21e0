// The payloads of Shamir mode as the FMSH storage format carries them: one encrypted share (the ECIES bytes that
// encryptShare produced, as a uint8 tensor), a client's share manifest (what it submits on-chain: the n share
// CIDs and hashes in server order, the n roots of the plaintext shares — fedmash/shamir-commit/v1, see
// crypto/commit/shamirCommitments.ts — plus what the shares were made for), and a server's share-sum (uint32 field
// elements). One place defines names, kinds and shapes, so writers and readers cannot drift apart; a manifest
// that does not say what the reader expects is a ShamirManifestInvalidError naming the field.
import { BaseError } from "../errors";
import { PayloadKind, type JsonValue, type Payload, type PayloadExpectations, type PayloadMetadata } from "../storage/payloadFormat";

export const SHARE_TENSOR = "ciphertext";
export const SHARE_SUM_TENSOR = "shareSum";
/** Tells a manifest apart from the other payloads of kind Other. */
/** /2: the manifest lists shareRoots, and the client's on-chain contentHash commits to them (shamirSubmissionCommitment). */
export const SHARE_MANIFEST_FORMAT = "fedmash-shamir-manifest/2";

export class ShamirManifestInvalidError extends BaseError {
  override name = "ShamirManifestInvalidError" as const;
}

export interface ShareReference {
  cid: string;
  contentHash: string;
}

export interface ShareManifest {
  roundId: string;
  /** The round's index in its task. */
  round: number;
  client: string;
  modelKind: string;
  /** Coordinates per share (the model's parameter count). */
  modelSize: number;
  threshold: number;
  /** The task's servers, in share order: shares[j] is for servers[j]. */
  servers: string[];
  shares: ShareReference[];
  /**
   * shareRoots[j] = fieldVectorRoot of the plaintext share for servers[j]: 0x and 64 lowercase hex digits. The
   * client's contentHash is keccak256(manifest payload hash ‖ shareRootsHash(shareRoots)).
   */
  shareRoots: string[];
  numSamples: number;
  loss: number;
}

export function sharePayload(ciphertext: Uint8Array, metadata: PayloadMetadata): Payload {
  return { kind: PayloadKind.Share, metadata, tensors: [{ name: SHARE_TENSOR, dtype: "uint8", shape: [ciphertext.length], data: ciphertext }] };
}

/** A share's ciphertext length depends on the encryption, so only kind, name and dtype are fixed. */
export function shareCiphertext(payload: Payload): Uint8Array {
  const tensor = payload.tensors.find((t) => t.name === SHARE_TENSOR);
  if (payload.kind !== PayloadKind.Share || !tensor || !(tensor.data instanceof Uint8Array) || tensor.shape.length !== 1) {
    throw new ShamirManifestInvalidError("The share payload has no uint8 ciphertext tensor.", { details: `kind ${payload.kind}, tensors ${payload.tensors.map((t) => t.name).join(", ")}` });
  }
  return tensor.data;
}

export function shareSumPayload(values: Uint32Array, metadata: PayloadMetadata): Payload {
  return { kind: PayloadKind.ShareSum, metadata, tensors: [{ name: SHARE_SUM_TENSOR, dtype: "uint32", shape: [values.length], data: values }] };
}

export function expectShareSum(size: number): PayloadExpectations {
  return { kind: PayloadKind.ShareSum, tensors: [{ name: SHARE_SUM_TENSOR, dtype: "uint32", shape: [size] }] };
}

export function shareManifestPayload(manifest: ShareManifest): Payload {
  const metadata: PayloadMetadata = {
    format: SHARE_MANIFEST_FORMAT,
    roundId: manifest.roundId,
    round: manifest.round,
    client: manifest.client,
    modelKind: manifest.modelKind,
    modelSize: manifest.modelSize,
    threshold: manifest.threshold,
    servers: manifest.servers,
    shares: manifest.shares.map((s) => ({ cid: s.cid, contentHash: s.contentHash })),
    shareRoots: [...manifest.shareRoots],
    numSamples: manifest.numSamples,
    loss: manifest.loss,
  };
  return { kind: PayloadKind.Other, metadata, tensors: [] };
}

export const EXPECT_SHARE_MANIFEST: PayloadExpectations = { kind: PayloadKind.Other, tensors: [] };

export interface ParseShareManifestExpectations {
  roundId: bigint;
  client: string;
  modelSize: number;
  /** The task's servers as the contract lists them. */
  servers: readonly string[];
}

const isString = (value: JsonValue | undefined): value is string => typeof value === "string";
const HASH32_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/** Reads a manifest and checks it was made for this round, client, model size and server list. */
export function parseShareManifest(payload: Payload, expected: ParseShareManifestExpectations): ShareManifest {
  const m = payload.metadata;
  const fail = (field: string, detail: string): never => {
    throw new ShamirManifestInvalidError(`The share manifest of ${expected.client} for round ${expected.roundId} has a bad ${field}.`, { details: detail });
  };
  if (payload.kind !== PayloadKind.Other || m.format !== SHARE_MANIFEST_FORMAT) fail("format", `kind ${payload.kind}, format ${String(m.format)}`);
  if (m.roundId !== expected.roundId.toString()) fail("roundId", `says ${String(m.roundId)}`);
  if (!isString(m.client) || m.client.toLowerCase() !== expected.client.toLowerCase()) fail("client", `says ${String(m.client)}`);
  if (m.modelSize !== expected.modelSize) fail("modelSize", `says ${String(m.modelSize)}, the task's model has ${expected.modelSize}`);
  const servers = Array.isArray(m.servers) ? m.servers.filter(isString) : [];
  if (servers.length !== expected.servers.length || servers.some((s, j) => s.toLowerCase() !== expected.servers[j]!.toLowerCase())) {
    fail("servers", `lists ${servers.length} servers, not the task's ${expected.servers.length} in order`);
  }
  const shares = Array.isArray(m.shares)
    ? m.shares.flatMap((entry) =>
        entry && typeof entry === "object" && !Array.isArray(entry) && isString(entry.cid) && isString(entry.contentHash) && entry.cid !== ""
          ? [{ cid: entry.cid, contentHash: entry.contentHash }]
          : [],
      )
    : [];
  if (shares.length !== expected.servers.length) fail("shares", `has ${shares.length} usable share references for ${expected.servers.length} servers`);
  const roots = Array.isArray(m.shareRoots) ? m.shareRoots : [];
  if (roots.length !== expected.servers.length || !roots.every((root) => isString(root) && HASH32_PATTERN.test(root))) {
    fail("shareRoots", `has ${roots.length} entries for ${expected.servers.length} servers, each must be 0x and 64 hex digits`);
  }
  const shareRoots = roots.map((root) => String(root).toLowerCase());
  return {
    roundId: expected.roundId.toString(),
    round: typeof m.round === "number" ? m.round : 0,
    client: expected.client,
    modelKind: isString(m.modelKind) ? m.modelKind : "",
    modelSize: expected.modelSize,
    threshold: typeof m.threshold === "number" ? m.threshold : 0,
    servers,
    shares,
    shareRoots,
    numSamples: typeof m.numSamples === "number" ? m.numSamples : 0,
    loss: typeof m.loss === "number" ? m.loss : 0,
  };
}
