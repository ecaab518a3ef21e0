// The content hash workers post on-chain next to a CID: keccak256 of the exact payload bytes, so a contract or a
// peer can tie what it fetched from IPFS to what was committed.
import { keccak256 } from "ethers";

export type PayloadHashReturnType = `0x${string}`;

export function payloadHash(bytes: Uint8Array): PayloadHashReturnType {
  return keccak256(bytes) as PayloadHashReturnType;
}
