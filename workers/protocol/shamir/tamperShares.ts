// The demo's client with inconsistent shares (`fedmash client --inconsistent-shares`): coordinate 0 of the share for
// the last server, + 1 mod p, before the client commits its share roots. The client commits to what it hands out, so
// that server's commitment check passes and it sums the bad share; the share-sums then disagree at leaf 0, and the
// dispute that follows proves the client's fault (clientFault.ts). Pure.
import { SHAMIR_PRIME } from "../../crypto/shamir/shamirField";
import { ShareDisputeInputError } from "./errors";

/** Copies of `shares` (one per server, in server order) with the last server's coordinate 0 moved off the polynomial. */
export function tamperLastShare(shares: readonly Uint32Array[]): Uint32Array[] {
  const last = shares.at(-1);
  if (shares.length < 2 || !(last instanceof Uint32Array) || last.length === 0) {
    throw new ShareDisputeInputError("Expected the shares of at least two servers, each a non-empty Uint32Array.");
  }
  const tampered = shares.map((share) => Uint32Array.from(share));
  tampered[tampered.length - 1]![0] = (last[0]! + 1) % SHAMIR_PRIME;
  return tampered;
}
