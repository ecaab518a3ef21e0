// Reads one IDX file from disk and parses it; the I/O edge of parseIdx.
import { readFile } from "node:fs/promises";
import { IdxFileReadError } from "./errors";
import { parseIdx, type ParseIdxReturnType } from "./parseIdx";

export type ReadIdxReturnType = ParseIdxReturnType;

export async function readIdx(path: string): Promise<ReadIdxReturnType> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new IdxFileReadError(path, error);
  }
  return parseIdx(bytes);
}
