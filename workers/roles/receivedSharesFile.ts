// What a Shamir server needs to answer a share-sum dispute of one round, kept in its state folder from the moment it
// posts the share-sum until no dispute can reach the round, so that it can answer even when its own share-sum payload
// or a client's payloads are gone from the store by then (an answer it cannot make would slash its bond): the share-sum
// it posted with its payload hash, and the shares it summed with their clients' commitments. Binary, written
// atomically (temp file + rename):
//   "FMRSHR02" (8 bytes) · header length (uint32 LE) · header JSON · SHA-256 of the data (32 bytes) · data
// where the header is { modelSize, payloadHash, clients: [{ client, manifestHash, shareRoots }] } (frozen-set order)
// and the data the posted share-sum then the clients' decrypted shares, modelSize uint32 LE values each.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BaseError } from "../errors";
import type { ReceivedShare } from "./sumOwnShares";

const MAGIC = Buffer.from("FMRSHR02", "ascii");

export class ReceivedSharesFileError extends BaseError {
  override name = "ReceivedSharesFileError" as const;
}

/** Where a server keeps the shares it summed in `roundId`. */
export function receivedSharesPath(stateDir: string, roundId: bigint | string): string {
  return join(stateDir, `received-shares-round-${roundId}.bin`);
}

interface Header {
  modelSize: number;
  payloadHash: string;
  clients: { client: string; manifestHash: string; shareRoots: string[] }[];
}

/** What a server keeps of one round to answer its disputes. */
export interface KeptRound {
  /** keccak256 of the posted share-sum payload: the first half of its on-chain commitment. */
  payloadHash: string;
  /** The share-sum it posted (what its commitment opens). */
  shareSum: Uint32Array;
  shares: ReceivedShare[];
}

export function writeReceivedShares(path: string, modelSize: number, kept: KeptRound): void {
  const { shares } = kept;
  const header: Header = { modelSize, payloadHash: kept.payloadHash, clients: shares.map(({ client, manifestHash, shareRoots }) => ({ client, manifestHash, shareRoots })) };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const vectors = [kept.shareSum, ...shares.map(({ share }) => share)];
  const data = Buffer.alloc(vectors.length * modelSize * 4);
  vectors.forEach((vector, v) => {
    if (vector.length !== modelSize) throw new ReceivedSharesFileError(`Vector ${v} has ${vector.length} values, the model ${modelSize}.`);
    Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(data, v * modelSize * 4);
  });
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([MAGIC, length, headerBytes, createHash("sha256").update(data).digest(), data]));
  renameSync(temporary, path);
}

/** The kept round, or undefined when there is no file; a damaged file is a ReceivedSharesFileError. */
export function readReceivedShares(path: string, modelSize: number): KeptRound | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  const fail = (reason: string): never => {
    throw new ReceivedSharesFileError(`The received-shares file ${path} is unusable.`, { details: reason });
  };
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) fail("it lacks the FMRSHR02 header");
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length + 4, headerEnd).toString("utf8")) as Header;
  } catch (error) {
    return fail(`its header is not JSON (${(error as Error).message})`);
  }
  if (header.modelSize !== modelSize || !Array.isArray(header.clients)) fail(`it holds shares of ${header.modelSize} values, the model has ${modelSize}`);
  const data = bytes.subarray(headerEnd + 32);
  if (data.length !== (header.clients.length + 1) * modelSize * 4) fail(`${data.length} data bytes for ${header.clients.length} shares and the sum (truncated?)`);
  if (!createHash("sha256").update(data).digest().equals(bytes.subarray(headerEnd, headerEnd + 32))) fail("its SHA-256 does not match the data (corrupted)");
  const vector = (v: number): Uint32Array => {
    const out = new Uint32Array(modelSize);
    Buffer.from(out.buffer).set(data.subarray(v * modelSize * 4, (v + 1) * modelSize * 4));
    return out;
  };
  return { payloadHash: header.payloadHash, shareSum: vector(0), shares: header.clients.map((entry, c) => ({ ...entry, share: vector(c + 1) })) };
}

export function removeReceivedShares(path: string): void {
  rmSync(path, { force: true });
}
