// A private key as JSON for a worker's on-disk state. Only n, p and q are stored; λ and μ are rederived on
// load, so a hand-edited file cannot carry a λ that disagrees with its primes.
import { paillierModulusBytes, type PaillierKeyBits, type PaillierPrivateKey } from "./types";

export const SERIALIZED_PAILLIER_PRIVATE_KEY_KIND = "fedmash/paillier-private-key";

export interface SerializedPaillierPrivateKey {
  kind: typeof SERIALIZED_PAILLIER_PRIVATE_KEY_KIND;
  version: 1;
  bits: PaillierKeyBits;
  /** 0x-prefixed, zero-padded big-endian hex. */
  n: string;
  p: string;
  q: string;
}

export type SerializePaillierPrivateKeyParameters = { privateKey: PaillierPrivateKey };
export type SerializePaillierPrivateKeyReturnType = SerializedPaillierPrivateKey;

export function serializePaillierPrivateKey({ privateKey }: SerializePaillierPrivateKeyParameters): SerializePaillierPrivateKeyReturnType {
  const width = paillierModulusBytes(privateKey.publicKey) * 2;
  const hex = (value: bigint): string => `0x${value.toString(16).padStart(width, "0")}`;
  return {
    kind: SERIALIZED_PAILLIER_PRIVATE_KEY_KIND,
    version: 1,
    bits: privateKey.publicKey.bits,
    n: hex(privateKey.publicKey.n),
    p: hex(privateKey.p),
    q: hex(privateKey.q),
  };
}
