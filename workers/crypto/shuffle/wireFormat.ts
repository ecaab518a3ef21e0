// Shared framing of the shuffle's byte encodings (see encodeShuffleMessage and encodeGroupSumMessage).
//   shuffle step: u8 version=1 ‖ u8 kind=1 ‖ u16 senderIndex ‖ u16 itemCount ‖ u32 itemLength ‖ items
//   group sum:    u8 version=1 ‖ u8 kind=2 ‖ u32 groupIndex ‖ u16 memberCount ‖ u16 ciphertextLength ‖ ciphertext
// All integers big-endian. Every item of a step has the same length, so the header states it once.
import { ShuffleMessageMalformedError } from "./errors";

export const WIRE_VERSION = 1;
export const KIND_SHUFFLE_STEP = 1;
export const KIND_GROUP_SUM = 2;
export const HEADER_BYTES = 10;

/** Checks the common header fields of a received message and returns a view for reading the rest. */
export function readWireHeader(bytes: Uint8Array, expectedKind: number, what: string): Buffer {
  if (bytes.length < HEADER_BYTES) throw new ShuffleMessageMalformedError("shorter than its header", `${bytes.length} bytes.`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.readUInt8(0);
  const kind = view.readUInt8(1);
  if (version !== WIRE_VERSION) throw new ShuffleMessageMalformedError("unknown version", `Got ${version}, expected ${WIRE_VERSION}.`);
  if (kind !== expectedKind) throw new ShuffleMessageMalformedError(`not a ${what} message`, `Kind ${kind}.`);
  return view;
}

/**
 * A shuffle message or group sum too large for calldata (rlwr-2048 seeds take 34 Paillier ciphertexts) is
 * put on IPFS, and the chain carries this pointer instead:
 *   u8 version=1 ‖ u8 kind=3 ‖ bytes32 keccak256(content) ‖ u16 cidLength ‖ CID (UTF-8)
 */
export const KIND_STORED = 3;
export const STORED_POINTER_HEADER_BYTES = 2 + 32 + 2;
