// The shares a Shamir server summed in one round, kept in its state folder from the moment it posts the share-sum until
// no dispute can reach the round, so that it can answer a share-sum dispute even when a client's payloads are gone from
// the store by then (an answer it cannot make would slash its bond). Binary, written atomically (temp file + rename):
//   "FMRSHR01" (8 bytes) · header length (uint32 LE) · header JSON · SHA-256 of the data (32 bytes) · data
// where the header is { modelSize, clients: [{ client, manifestHash, shareRoots }] } in frozen-set order and the data
// the clients' decrypted shares, modelSize uint32 LE values each, in the same order.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BaseError } from "../errors";
import type { ReceivedShare } from "./sumOwnShares";

const MAGIC = Buffer.from("FMRSHR01", "ascii");

export class ReceivedSharesFileError extends BaseError {
  override name = "ReceivedSharesFileError" as const;
}

/** Where a server keeps the shares it summed in `roundId`. */
export function receivedSharesPath(stateDir: string, roundId: bigint | string): string {
  return join(stateDir, `received-shares-round-${roundId}.bin`);
}

interface Header {
  modelSize: number;
  clients: { client: string; manifestHash: string; shareRoots: string[] }[];
}

export function writeReceivedShares(path: string, modelSize: number, shares: readonly ReceivedShare[]): void {
  const header: Header = { modelSize, clients: shares.map(({ client, manifestHash, shareRoots }) => ({ client, manifestHash, shareRoots })) };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const data = Buffer.alloc(shares.length * modelSize * 4);
  shares.forEach(({ share }, c) => {
    if (share.length !== modelSize) throw new ReceivedSharesFileError(`The share of ${shares[c]!.client} has ${share.length} values, the model ${modelSize}.`);
    Buffer.from(share.buffer, share.byteOffset, share.byteLength).copy(data, c * modelSize * 4);
  });
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([MAGIC, length, headerBytes, createHash("sha256").update(data).digest(), data]));
  renameSync(temporary, path);
}

/** The kept shares, or undefined when there is no file; a damaged file is a ReceivedSharesFileError. */
export function readReceivedShares(path: string, modelSize: number): ReceivedShare[] | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  const fail = (reason: string): never => {
    throw new ReceivedSharesFileError(`The received-shares file ${path} is unusable.`, { details: reason });
  };
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) fail("it lacks the FMRSHR01 header");
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
  if (data.length !== header.clients.length * modelSize * 4) fail(`${data.length} data bytes for ${header.clients.length} shares (truncated?)`);
  if (!createHash("sha256").update(data).digest().equals(bytes.subarray(headerEnd, headerEnd + 32))) fail("its SHA-256 does not match the data (corrupted)");
  return header.clients.map((entry, c) => {
    const share = new Uint32Array(modelSize);
    Buffer.from(share.buffer).set(data.subarray(c * modelSize * 4, (c + 1) * modelSize * 4));
    return { ...entry, share };
  });
}

export function removeReceivedShares(path: string): void {
  rmSync(path, { force: true });
}
