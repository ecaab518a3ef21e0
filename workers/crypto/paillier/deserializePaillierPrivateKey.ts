// Loads a private key saved by serializePaillierPrivateKey from untrusted JSON (a state file may be stale,
// truncated or edited by hand), checking the shape and that p·q = n before rebuilding λ and μ.
import { PaillierInvalidKeyError } from "./errors";
import { paillierPrivateKeyFromPrimes } from "./paillierPrivateKeyFromPrimes";
import { SERIALIZED_PAILLIER_PRIVATE_KEY_KIND } from "./serializePaillierPrivateKey";
import type { PaillierPrivateKey } from "./types";

export type DeserializePaillierPrivateKeyParameters = { serialized: unknown };
export type DeserializePaillierPrivateKeyReturnType = PaillierPrivateKey;

function readHex(record: Record<string, unknown>, field: string): bigint {
  const value = record[field];
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) {
    throw new PaillierInvalidKeyError(`field "${field}" is not 0x-prefixed hex`);
  }
  return BigInt(value);
}

export function deserializePaillierPrivateKey({ serialized }: DeserializePaillierPrivateKeyParameters): DeserializePaillierPrivateKeyReturnType {
  if (typeof serialized !== "object" || serialized === null) throw new PaillierInvalidKeyError("the serialized key is not an object");
  const record = serialized as Record<string, unknown>;
  if (record.kind !== SERIALIZED_PAILLIER_PRIVATE_KEY_KIND || record.version !== 1) {
    throw new PaillierInvalidKeyError("not a version-1 fedmash Paillier private key", {
      details: `kind = ${JSON.stringify(record.kind)}, version = ${JSON.stringify(record.version)}`,
    });
  }
  const n = readHex(record, "n");
  const privateKey = paillierPrivateKeyFromPrimes({ p: readHex(record, "p"), q: readHex(record, "q") });
  if (privateKey.publicKey.n !== n) throw new PaillierInvalidKeyError("p·q does not equal the stored n");
  if (privateKey.publicKey.bits !== record.bits) {
    throw new PaillierInvalidKeyError("the stored bit size does not match n", { details: `bits = ${JSON.stringify(record.bits)}, n has ${privateKey.publicKey.bits}.` });
  }
  return privateKey;
}
