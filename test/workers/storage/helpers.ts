// Shared fixtures of the storage tests: throwaway store directories, reproducible pseudo-random bytes, and an
// independent builder of the DAG Kubo makes for `ipfs add --cid-version=1` (to check the importer settings).
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";

/** `echo hello | ipfs add --cid-version 1` and an empty file, as Kubo's gateway fixtures record them. */
export const HELLO_CID = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";
export const EMPTY_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
/** 3 MiB + 12345 bytes of patternBytes(seed 7): 13 raw leaves under one dag-pb root. */
export const MULTI_CHUNK_SIZE = 3 * 1024 * 1024 + 12_345;
export const MULTI_CHUNK_CID = "bafybeifbxmog46uopm7srj7ijwb7wluqqxrqdfuohpatyqzn6ydeux3nce";

/** The error a promise rejects with, typed loosely so tests can read the error's fields. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection, the promise resolved");
}

export async function makeTempDir(prefix = "fedmash-storage-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true });
}

/** xorshift32 bytes: not periodic at chunk boundaries, so every 256 KiB leaf is a distinct block. */
export function patternBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed >>> 0 || 0x9e3779b9;
  for (let index = 0; index < size; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

const RAW_CODEC = 0x55;
const DAG_PB_CODEC = 0x70;
const SHA2_256 = 0x12;

function sha256Cid(codec: number, block: Uint8Array): CID {
  return CID.createV1(codec, createDigest(SHA2_256, createHash("sha256").update(block).digest()));
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

function lengthDelimited(fieldNumber: number, bytes: ArrayLike<number>): number[] {
  return [(fieldNumber << 3) | 2, ...varint(bytes.length), ...Array.from(bytes)];
}

interface DagNode {
  cid: CID;
  /** Cumulative DAG size, the PBLink Tsize. */
  tsize: number;
  fileSize: number;
}

/**
 * Kubo's balanced DAG, written out from the specs (dag-pb, UnixFS) rather than with ipfs-unixfs-importer:
 * 262144-byte raw leaves; parents of at most 174 links, Links before Data, each link with an empty Name;
 * UnixFS Data { Type = File (2), filesize, blocksizes (proto2, not packed) }; a one-chunk file is its raw leaf.
 */
export function kuboBalancedCid(bytes: Uint8Array, chunkSize = 262_144, maxLinks = 174): { cid: CID; tsize: number } {
  let level: DagNode[] = [];
  for (let offset = 0; offset < bytes.byteLength || level.length === 0; offset += chunkSize) {
    const chunk = bytes.subarray(offset, Math.min(offset + chunkSize, bytes.byteLength));
    level.push({ cid: sha256Cid(RAW_CODEC, chunk), tsize: chunk.byteLength, fileSize: chunk.byteLength });
  }
  if (level.length === 1) return level[0]!;
  while (level.length > 1 || level[0]!.cid.code === RAW_CODEC) {
    const parents: DagNode[] = [];
    for (let start = 0; start < level.length; start += maxLinks) {
      const children = level.slice(start, start + maxLinks);
      const fileSize = children.reduce((sum, child) => sum + child.fileSize, 0);
      const data = [0x08, 0x02, 0x18, ...varint(fileSize), ...children.flatMap((child) => [0x20, ...varint(child.fileSize)])];
      const links = children.map((child) => [...lengthDelimited(1, child.cid.bytes), 0x12, 0x00, 0x18, ...varint(child.tsize)]);
      const block = Uint8Array.from([...links.flatMap((link) => lengthDelimited(2, link)), ...lengthDelimited(1, data)]);
      const tsize = block.byteLength + children.reduce((sum, child) => sum + child.tsize, 0);
      parents.push({ cid: sha256Cid(DAG_PB_CODEC, block), tsize, fileSize });
    }
    level = parents;
  }
  return level[0]!;
}
