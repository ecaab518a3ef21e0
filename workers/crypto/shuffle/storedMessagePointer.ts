// The pointer a member posts on-chain in place of a shuffle message or group sum that is stored on IPFS
// (layout in ./wireFormat): the content's keccak256 and its CID. Receivers fetch it with an exact size cap
// and check the hash, so the pointer binds the sender to one content as firmly as calldata would.
import { ShuffleMessageMalformedError } from "./errors";
import { KIND_STORED, STORED_POINTER_HEADER_BYTES, WIRE_VERSION } from "./wireFormat";

export interface StoredMessagePointer {
  /** 0x-prefixed keccak256 of the stored bytes. */
  readonly contentHash: string;
  readonly cid: string;
}

export function encodeStoredMessagePointer({ contentHash, cid }: StoredMessagePointer): Uint8Array {
  const hash = Buffer.from(contentHash.replace(/^0x/, ""), "hex");
  const cidBytes = Buffer.from(cid, "utf8");
  if (hash.length !== 32) throw new ShuffleMessageMalformedError("the content hash must be 32 bytes", `Got ${hash.length}.`);
  if (cidBytes.length === 0 || cidBytes.length > 0xffff) throw new ShuffleMessageMalformedError("the CID must be 1 to 65535 bytes");
  const header = Buffer.alloc(STORED_POINTER_HEADER_BYTES);
  header.writeUInt8(WIRE_VERSION, 0);
  header.writeUInt8(KIND_STORED, 1);
  hash.copy(header, 2);
  header.writeUInt16BE(cidBytes.length, 34);
  return Uint8Array.from(Buffer.concat([header, cidBytes]));
}

/** The pointer in `bytes`, or undefined when they are an inline message of another kind. */
export function decodeStoredMessagePointer(bytes: Uint8Array): StoredMessagePointer | undefined {
  if (bytes.length < 2 || bytes[1] !== KIND_STORED) return undefined;
  if (bytes[0] !== WIRE_VERSION) throw new ShuffleMessageMalformedError("unknown version", `Got ${bytes[0]}, expected ${WIRE_VERSION}.`);
  if (bytes.length < STORED_POINTER_HEADER_BYTES) throw new ShuffleMessageMalformedError("shorter than a stored-message pointer", `${bytes.length} bytes.`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cidLength = view.readUInt16BE(34);
  if (cidLength === 0 || bytes.length !== STORED_POINTER_HEADER_BYTES + cidLength) {
    throw new ShuffleMessageMalformedError("length does not match the pointer's CID length", `Header says ${STORED_POINTER_HEADER_BYTES + cidLength} bytes, got ${bytes.length}.`);
  }
  return { contentHash: `0x${view.subarray(2, 34).toString("hex")}`, cid: view.subarray(STORED_POINTER_HEADER_BYTES).toString("utf8") };
}
