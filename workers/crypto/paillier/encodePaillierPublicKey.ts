// Canonical bytes of a Paillier public key, as the holder posts it on-chain: n, big-endian, exactly bits/8
// bytes (g = n + 1 is implied). decodePaillierPublicKey is the inverse.
import { bigintToBytes } from "./bigintMath";
import { paillierModulusBytes, type PaillierPublicKey } from "./types";

export type EncodePaillierPublicKeyParameters = { publicKey: PaillierPublicKey };
export type EncodePaillierPublicKeyReturnType = Uint8Array;

export function encodePaillierPublicKey({ publicKey }: EncodePaillierPublicKeyParameters): EncodePaillierPublicKeyReturnType {
  return bigintToBytes(publicKey.n, paillierModulusBytes(publicKey));
}
