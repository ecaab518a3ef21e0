// Wire format of one encrypted Shamir share (what a client stores on IPFS for server j):
//   header (62 bytes, in the clear, so a server can see who and what a payload is for before any crypto):
//     magic "FMSS" (4) ‖ version = 1 (1) ‖ serverIndex (1) ‖ roundId uint256 big-endian (32) ‖
//     client address (20) ‖ element count d uint32 big-endian (4)
//   ‖ ECIES envelope to the server's key (workers/crypto/ecies, 65 bytes of overhead) of
//     SHA-256(header) (32) ‖ share as d uint32 little-endian (4·d)
// The hash inside the authenticated encryption binds the clear header to the share: a payload moved to
// another round, server or client by rewriting its header no longer matches its encrypted hash.
import { ECIES_LAYER_OVERHEAD } from "../ecies/types";

export const SHARE_MAGIC = Uint8Array.from(Buffer.from("FMSS", "ascii"));
export const SHARE_FORMAT_VERSION = 1;
export const SHARE_HEADER_BYTES = 4 + 1 + 1 + 32 + 20 + 4;
export const SHARE_HEADER_HASH_BYTES = 32;

/** Payload size for a d-element share: 62 + 65 + 32 + 4·d bytes. */
export function sharePayloadBytes(elementCount: number): number {
  return SHARE_HEADER_BYTES + ECIES_LAYER_OVERHEAD + SHARE_HEADER_HASH_BYTES + 4 * elementCount;
}

export interface ShareHeader {
  version: number;
  serverIndex: number;
  roundId: bigint;
  /** 20 address bytes. */
  client: Uint8Array;
  elementCount: number;
}
