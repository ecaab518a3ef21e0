// Server j's side of encryptShare: check that the clear header is addressed to this server, round, client
// and model size (ShamirWrongServerError naming the field), then decrypt (any ECIES failure is a
// ShamirShareTamperedError with the ECIES error as cause), then check the encrypted header hash and length
// (ShamirShareTamperedError) and that every value is a field element (ShamirMalformedShareError: the client
// itself produced a bad share, since the envelope authenticated).
import { createHash, timingSafeEqual } from "node:crypto";
import { eciesDecrypt } from "../ecies/eciesDecrypt";
import { EciesInvalidKeyError } from "../ecies/errors";
import { parseEciesPrivateKey } from "../ecies/parseEciesPrivateKey";
import { decodeShareHeader } from "./decodeShareHeader";
import { ShamirInputError, ShamirMalformedShareError, ShamirShareTamperedError, ShamirWrongServerError } from "./errors";
import { checkClientAddress, checkElementCount, checkRoundId, checkServerIndex } from "./shamirChecks";
import { SHAMIR_PRIME } from "./shamirField";
import { SHARE_HEADER_BYTES, SHARE_HEADER_HASH_BYTES } from "./shareFormat";

export type DecryptShareParameters = {
  payload: Uint8Array;
  /** This server's index; the payload must be addressed to it. */
  serverIndex: number;
  serverPrivateKey: Uint8Array;
  roundId: bigint;
  /** The client the payload is expected from (the submitter whose manifest listed it). */
  client: string;
  /** The model size d the share must have. */
  length: number;
};
export type DecryptShareReturnType = Uint32Array;

const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString("hex")}`;

export function decryptShare({ payload, serverIndex, serverPrivateKey, roundId, client, length }: DecryptShareParameters): DecryptShareReturnType {
  const expected = {
    serverIndex: checkServerIndex(serverIndex),
    roundId: checkRoundId(roundId),
    client: checkClientAddress(client),
    elementCount: checkElementCount(length),
  };
  let privateKey: Uint8Array;
  try {
    privateKey = parseEciesPrivateKey({ privateKey: serverPrivateKey });
  } catch (error) {
    if (error instanceof EciesInvalidKeyError) throw new ShamirInputError("server private key", "it is not a secp256k1 private key", { cause: error });
    throw error;
  }
  if (!(payload instanceof Uint8Array)) throw new ShamirInputError("payload", "the payload must be a Uint8Array");

  const header = decodeShareHeader(payload);
  if (header.serverIndex !== expected.serverIndex) throw new ShamirWrongServerError("serverIndex", `${expected.serverIndex}`, `${header.serverIndex}`);
  if (header.roundId !== expected.roundId) throw new ShamirWrongServerError("roundId", `${expected.roundId}`, `${header.roundId}`);
  if (!timingSafeEqual(header.client, expected.client)) throw new ShamirWrongServerError("client", hex(expected.client), hex(header.client));
  if (header.elementCount !== expected.elementCount) throw new ShamirWrongServerError("elementCount", `${expected.elementCount}`, `${header.elementCount}`);

  let plaintext: Uint8Array;
  try {
    plaintext = eciesDecrypt({ privateKey, ciphertext: payload.subarray(SHARE_HEADER_BYTES) });
  } catch (error) {
    throw new ShamirShareTamperedError("the encrypted part does not decrypt under this server's key", { cause: error });
  }
  const expectedBytes = SHARE_HEADER_HASH_BYTES + 4 * length;
  if (plaintext.length !== expectedBytes) {
    throw new ShamirShareTamperedError("the encrypted share has the wrong length", {
      details: `${plaintext.length} bytes decrypted, the header's ${length} elements need ${expectedBytes}`,
    });
  }
  const headerHash = createHash("sha256").update(payload.subarray(0, SHARE_HEADER_BYTES)).digest();
  if (!timingSafeEqual(headerHash, plaintext.subarray(0, SHARE_HEADER_HASH_BYTES))) {
    throw new ShamirShareTamperedError("the clear header differs from the one the client encrypted (re-addressed or replayed payload)");
  }
  const view = new DataView(plaintext.buffer, plaintext.byteOffset + SHARE_HEADER_HASH_BYTES, 4 * length);
  const share = new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    const value = view.getUint32(4 * i, true);
    if (value >= SHAMIR_PRIME) throw new ShamirMalformedShareError(`${value} is not a field element (< p)`, serverIndex, i);
    share[i] = value;
  }
  return share;
}
