// Encodes a payload and adds it to the store, returning the two values a worker posts on-chain for it:
// the CID (where to fetch) and the keccak256 content hash (what must be fetched).
import { encodePayload } from "./encodePayload";
import type { IpfsPutOptions, IpfsStore } from "./IpfsStore";
import type { Payload } from "./payloadFormat";
import { payloadHash } from "./payloadHash";

export interface PutPayloadReturnType {
  cid: string;
  contentHash: `0x${string}`;
  byteLength: number;
}

export async function putPayload(store: IpfsStore, payload: Payload, options?: IpfsPutOptions): Promise<PutPayloadReturnType> {
  const bytes = encodePayload(payload);
  const cid = await store.put(bytes, options);
  return { cid, contentHash: payloadHash(bytes), byteLength: bytes.byteLength };
}
