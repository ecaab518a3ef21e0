// The envelope's key check: 4 bytes of SHA-256 over a domain tag and the HKDF-derived shared key. It lets a
// recipient tell "not for me" from "altered in transit" without weakening the AES key (a different hash
// input, and 32 bits reveal nothing useful about a 256-bit secret only the two ends can compute).
import { createHash } from "node:crypto";
import { ECIES_KEY_CHECK_BYTES } from "./types";

const KEY_CHECK_DOMAIN = Buffer.from("fedmash/ecies/v1/key-check", "utf8");

export function keyCheck(sharedKey: Uint8Array): Uint8Array {
  return Uint8Array.from(createHash("sha256").update(KEY_CHECK_DOMAIN).update(sharedKey).digest().subarray(0, ECIES_KEY_CHECK_BYTES));
}
