// Turns a CID string from the chain or a peer into a CID, or a named error: every store entry point starts here.
import { CID } from "multiformats/cid";
import { IpfsInvalidCidError } from "./errors";

/** Longest CID string we accept; real ones are under 100 characters, this only stops absurd input early. */
const MAX_CID_STRING_LENGTH = 512;

export function parseCid(cid: unknown): CID {
  if (typeof cid !== "string" || cid.length === 0 || cid.length > MAX_CID_STRING_LENGTH || cid.trim() !== cid) {
    throw new IpfsInvalidCidError(cid);
  }
  try {
    return CID.parse(cid);
  } catch (error) {
    throw new IpfsInvalidCidError(cid, error);
  }
}
