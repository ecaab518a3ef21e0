// H(k) of the MASH paper: SHA-256 of the index k as 24-byte big-endian, read as a 256-bit integer.
import { sha256Index } from "../kernel/tsKernel";
import { MaskInputError } from "./errors";

const INDEX_LIMIT = 1n << 192n;

export function indexHash(k: number | bigint): bigint {
  if (typeof k === "number" && !Number.isSafeInteger(k)) throw new MaskInputError("index", `${k} is not a safe integer`);
  const index = BigInt(k);
  if (index < 0n || index >= INDEX_LIMIT) throw new MaskInputError("index", `${index} is outside [0, 2^192)`);
  return sha256Index(index);
}
