// Chain messages that outgrow calldata (a MASH shuffle step or group sum carrying rlwr-2048 seeds) go to the
// content store; the chain carries a pointer with their CID and keccak256 (crypto/shuffle/storedMessagePointer).
// Both directions live here, at the I/O edge: the shuffle code itself stays pure and sees whole messages.
import { decodeStoredMessagePointer, encodeStoredMessagePointer } from "../crypto/shuffle/storedMessagePointer";
import { PayloadHashMismatchError } from "./errors";
import type { IpfsStore } from "./IpfsStore";
import { payloadHash } from "./payloadHash";

export interface PostableMessage {
  /** What goes on-chain: the message itself, or the pointer to it. */
  readonly onChain: Uint8Array;
  /** Set when the message went to the store. */
  readonly cid?: string;
}

/** The bytes to post for `message`: itself when it fits `maxInlineBytes`, else a pointer to its stored copy. */
export async function toPostableMessage(store: IpfsStore, message: Uint8Array, maxInlineBytes: number): Promise<PostableMessage> {
  if (message.length <= maxInlineBytes) return { onChain: message };
  const cid = await store.put(message);
  return { onChain: encodeStoredMessagePointer({ cid, contentHash: payloadHash(message) }), cid };
}

/**
 * The message behind posted bytes: the bytes themselves, or the stored content they point to, fetched with
 * `maxBytes` (the exact size the receiver expects: more is refused with IpfsPayloadTooLargeError while
 * reading) and checked against the pointer's hash (PayloadHashMismatchError).
 */
export async function resolvePostedMessage(store: IpfsStore, posted: Uint8Array, options: { maxBytes: number; timeoutMs?: number }): Promise<Uint8Array> {
  const pointer = decodeStoredMessagePointer(posted);
  if (pointer === undefined) return posted;
  const bytes = await store.get(pointer.cid, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs ?? 30_000 });
  const actual = payloadHash(bytes);
  if (actual !== pointer.contentHash.toLowerCase()) throw new PayloadHashMismatchError(pointer.cid, pointer.contentHash, actual);
  return bytes;
}
