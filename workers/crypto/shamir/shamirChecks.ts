// Input checks shared by the Shamir functions, each failing with the named error for that input.
import { ShamirInputError, ShamirServerIndexError } from "./errors";
import { SHAMIR_MAX_SERVERS } from "./shamirField";

/** 2^26 elements (256 MiB of shares), as the mask group allows. */
export const SHAMIR_MAX_ELEMENTS = 1 << 26;

/** 2 <= t <= 16: t = 1 would hand every server the secret itself. */
export function checkThreshold(threshold: unknown): number {
  if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < 2 || threshold > SHAMIR_MAX_SERVERS) {
    throw new ShamirInputError("threshold", `the threshold must be an integer in [2, ${SHAMIR_MAX_SERVERS}], got ${String(threshold)}`);
  }
  return threshold;
}

/** t <= n <= 16. */
export function checkServerCount(servers: unknown, threshold: number): number {
  if (typeof servers !== "number" || !Number.isInteger(servers) || servers < threshold || servers > SHAMIR_MAX_SERVERS) {
    throw new ShamirInputError("server count", `the server count must be an integer in [threshold = ${threshold}, ${SHAMIR_MAX_SERVERS}], got ${String(servers)}`);
  }
  return servers;
}

/** 0 <= serverIndex < 16 (x = serverIndex + 1). */
export function checkServerIndex(serverIndex: unknown): number {
  if (typeof serverIndex !== "number" || !Number.isInteger(serverIndex) || serverIndex < 0 || serverIndex >= SHAMIR_MAX_SERVERS) {
    throw new ShamirServerIndexError(serverIndex, SHAMIR_MAX_SERVERS);
  }
  return serverIndex;
}

/** A 20-byte address as 0x + 40 hex digits (any case; the checksum is not required), returned as bytes. */
export function checkClientAddress(client: unknown): Uint8Array {
  if (typeof client !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(client)) {
    throw new ShamirInputError("client address", `expected 0x followed by 40 hex digits, got ${JSON.stringify(client)}`);
  }
  return Uint8Array.from(Buffer.from(client.slice(2), "hex"));
}

/** A uint256 round id, as the coordinator numbers rounds. */
export function checkRoundId(roundId: unknown): bigint {
  if (typeof roundId !== "bigint" || roundId < 0n || roundId >= 1n << 256n) {
    throw new ShamirInputError("round id", `expected a bigint in [0, 2^256), got ${typeof roundId === "bigint" ? roundId.toString() : typeof roundId}`);
  }
  return roundId;
}

/** An element count that fits the header's u32 and is not absurd for a model (the CNN has 804,554). */
export function checkElementCount(count: unknown): number {
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > SHAMIR_MAX_ELEMENTS) {
    throw new ShamirInputError("element count", `expected an integer in [0, ${SHAMIR_MAX_ELEMENTS}], got ${String(count)}`);
  }
  return count;
}
