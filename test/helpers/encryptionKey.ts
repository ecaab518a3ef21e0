// Deterministic secp256k1 keys for registering test accounts, plus keys that are well-formed but off the curve,
// which the registry must refuse.
import { SigningKey, concat, id, toBeHex } from "ethers";
import { modPow } from "../../workers/crypto/modPow";

/** The field prime of secp256k1. */
export const SECP256K1_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

export interface EncryptionKeyReturnType {
  compressed: string;
  uncompressed: string;
}

/** The public key of a private key derived from `label`, in both SEC1 forms. */
export function encryptionKey(label: string): EncryptionKeyReturnType {
  const signingKey = new SigningKey(id(`fedmash-test-key:${label}`));
  return { compressed: signingKey.compressedPublicKey, uncompressed: signingKey.publicKey };
}


function curveRightHandSide(x: bigint): bigint {
  return (((x * x) % SECP256K1_P) * x + 7n) % SECP256K1_P;
}

/** A y with (x, y) on the curve; p = 3 mod 4, so a square root is a single exponentiation. */
export function curveY(x: bigint): bigint {
  const rhs = curveRightHandSide(x);
  const y = modPow(rhs, (SECP256K1_P + 1n) / 4n, SECP256K1_P);
  if ((y * y) % SECP256K1_P !== rhs) throw new RangeError(`no curve point has x = ${x}`);
  return y;
}

/** The smallest x >= 1 for which no curve point exists (x^3 + 7 is not a square mod p). */
export function offCurveX(): bigint {
  for (let x = 1n; ; x += 1n) {
    if (modPow(curveRightHandSide(x), (SECP256K1_P - 1n) / 2n, SECP256K1_P) !== 1n) return x;
  }
}

/** A 33-byte compressed key with the given x coordinate. */
export function compressedKeyAt(x: bigint): string {
  return concat(["0x02", toBeHex(x, 32)]);
}

/** A 65-byte uncompressed key with arbitrary coordinates. */
export function uncompressedKeyAt(x: bigint, y: bigint): string {
  return concat(["0x04", toBeHex(x, 32), toBeHex(y, 32)]);
}
