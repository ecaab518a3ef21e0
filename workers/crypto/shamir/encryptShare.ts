// Encrypts share j of a client's update for server j (format in ./shareFormat): a clear header naming the
// round, server, client and length, then an ECIES envelope to the server's registry key holding the header's
// hash and the share. Only server j can read it, and it cannot be replayed into another round or client.
import { createHash } from "node:crypto";
import { eciesEncrypt } from "../ecies/eciesEncrypt";
import { encodeShareHeader } from "./encodeShareHeader";
import { ShamirInputError, ShamirMalformedShareError } from "./errors";
import { checkClientAddress, checkElementCount, checkRoundId, checkServerIndex } from "./shamirChecks";
import { SHAMIR_PRIME } from "./shamirField";
import { SHARE_HEADER_HASH_BYTES } from "./shareFormat";

export type EncryptShareParameters = {
  share: Uint32Array;
  serverIndex: number;
  /** The server's secp256k1 key from the registry (33-byte compressed, or any form eciesEncrypt takes). */
  serverPublicKey: Uint8Array;
  roundId: bigint;
  /** The submitting client's address, 0x + 40 hex digits. */
  client: string;
};
export type EncryptShareReturnType = Uint8Array;

export function encryptShare({ share, serverIndex, serverPublicKey, roundId, client }: EncryptShareParameters): EncryptShareReturnType {
  if (!(share instanceof Uint32Array)) throw new ShamirInputError("share", "the share must be a Uint32Array (see shareVector)");
  const header = encodeShareHeader({
    serverIndex: checkServerIndex(serverIndex),
    roundId: checkRoundId(roundId),
    client: checkClientAddress(client),
    elementCount: checkElementCount(share.length),
  });
  const plaintext = new Uint8Array(SHARE_HEADER_HASH_BYTES + 4 * share.length);
  plaintext.set(createHash("sha256").update(header).digest(), 0);
  const view = new DataView(plaintext.buffer);
  for (let i = 0; i < share.length; i++) {
    const value = share[i]!;
    if (value >= SHAMIR_PRIME) throw new ShamirMalformedShareError(`${value} is not a field element (< p)`, serverIndex, i);
    view.setUint32(SHARE_HEADER_HASH_BYTES + 4 * i, value, true);
  }
  let envelope: Uint8Array;
  try {
    envelope = eciesEncrypt({ publicKey: serverPublicKey, plaintext });
  } catch (error) {
    throw new ShamirInputError("server public key", `server index ${serverIndex}'s key cannot be encrypted to`, { cause: error });
  }
  const payload = new Uint8Array(header.length + envelope.length);
  payload.set(header, 0);
  payload.set(envelope, header.length);
  return payload;
}
