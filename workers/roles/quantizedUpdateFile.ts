// A client's quantized update (Int32Array), kept in its state folder from just before it submits the masked
// vector until it commits to the update's batch sums in Verification: the commitment must be to exactly what was
// masked, and training again would not reproduce it bit for bit. Binary, written atomically (temp file +
// rename), with a header that lets a read detect truncation or corruption instead of committing to garbage:
//   "FMQUPD01" (8 bytes) · coordinate count (uint32 LE) · SHA-256 of the data (32 bytes) · data (int32 LE).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BaseError } from "../errors";

const MAGIC = Buffer.from("FMQUPD01", "ascii");
const HEADER_BYTES = MAGIC.length + 4 + 32;

export class QuantizedUpdateFileError extends BaseError {
  override name = "QuantizedUpdateFileError" as const;
  constructor(
    readonly path: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`The quantized update file ${path} is unusable.`, { details: reason, cause });
  }
}

/** Where a client keeps its quantized update of `roundId`. */
export function quantizedUpdatePath(stateDir: string, roundId: bigint | string): string {
  return join(stateDir, `quantized-round-${roundId}.bin`);
}

export function writeQuantizedUpdate(path: string, quantized: Int32Array): void {
  if (!(quantized instanceof Int32Array)) throw new QuantizedUpdateFileError(path, "expected an Int32Array to write");
  const data = Buffer.alloc(quantized.length * 4);
  for (let i = 0; i < quantized.length; i++) data.writeInt32LE(quantized[i]!, i * 4);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(quantized.length, MAGIC.length);
  createHash("sha256").update(data).digest().copy(header, MAGIC.length + 4);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([header, data]));
  renameSync(temporary, path);
}

/** Reads the update back; `expectedLength` is the task's model size. Any mismatch is a QuantizedUpdateFileError. */
export function readQuantizedUpdate(path: string, expectedLength: number): Int32Array {
  if (!existsSync(path)) throw new QuantizedUpdateFileError(path, "it does not exist: the update was never persisted in this state folder");
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new QuantizedUpdateFileError(path, "it cannot be read", error);
  }
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new QuantizedUpdateFileError(path, "it lacks the FMQUPD01 header");
  const count = bytes.readUInt32LE(MAGIC.length);
  if (count !== expectedLength) throw new QuantizedUpdateFileError(path, `it holds ${count} coordinates, the model has ${expectedLength}`);
  const data = bytes.subarray(HEADER_BYTES);
  if (data.length !== count * 4) throw new QuantizedUpdateFileError(path, `${data.length} data bytes for ${count} coordinates (truncated?)`);
  const digest = createHash("sha256").update(data).digest();
  if (!digest.equals(bytes.subarray(MAGIC.length + 4, HEADER_BYTES))) throw new QuantizedUpdateFileError(path, "its SHA-256 does not match the data (corrupted)");
  const quantized = new Int32Array(count);
  for (let i = 0; i < count; i++) quantized[i] = data.readInt32LE(i * 4);
  return quantized;
}
