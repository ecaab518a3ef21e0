// Reads T as the contract emits it (BatchSumsPosted.batchSums: m·k big-endian two's-complement int64, 8 bytes
// each), the inverse of encodeBatchSums; a length that is not exactly m·k sums is a named error, not a misread.
import { VerificationInputError } from "./errors";

export function decodeBatchSums(packed: string, m: number, k: number): BigInt64Array {
  if (typeof packed !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(packed)) throw new VerificationInputError("packed batch sums", "expected 0x-prefixed hex bytes");
  const bytes = Buffer.from(packed.slice(2), "hex");
  if (bytes.length !== m * k * 8) throw new VerificationInputError("packed batch sums", `${bytes.length} bytes, expected m·k·8 = ${m * k * 8}`);
  const sums = new BigInt64Array(m * k);
  for (let s = 0; s < sums.length; s++) sums[s] = bytes.readBigInt64BE(s * 8);
  return sums;
}
