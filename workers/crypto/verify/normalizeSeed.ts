// Reads a sample seed (0x-hex or raw bytes) into exactly 32 bytes, the bytes32 the contract fixed.
import { VerificationInputError } from "./errors";
import type { SampleSeed } from "./types";

export function normalizeSeed(seed: SampleSeed): Uint8Array {
  if (seed instanceof Uint8Array) {
    if (seed.length !== 32) throw new VerificationInputError("seed", `${seed.length} bytes, expected 32`);
    return Uint8Array.from(seed);
  }
  if (typeof seed !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(seed)) {
    throw new VerificationInputError("seed", `expected 0x and 64 hex digits, got ${typeof seed === "string" ? JSON.stringify(seed.slice(0, 80)) : typeof seed}`);
  }
  return Uint8Array.from(Buffer.from(seed.slice(2), "hex"));
}
