// Turns an EciesKeyInput (bytes or hex) into bytes, rejecting malformed hex with a named error.
import { EciesInvalidKeyError } from "./errors";
import type { EciesKeyInput } from "./types";

export function keyInputBytes(input: EciesKeyInput, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  const hex = input.startsWith("0x") || input.startsWith("0X") ? input.slice(2) : input;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new EciesInvalidKeyError(`${what} is not valid hex`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}
