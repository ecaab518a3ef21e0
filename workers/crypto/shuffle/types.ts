// Message and group types of one MASH group's seed shuffle. All are plain objects of numbers and bytes, so
// they can travel as calldata, event data or IPFS payloads (see encodeShuffleMessage, encodeGroupSumMessage).
//
// Indices are 0-based chain positions: member 0 starts the chain, member L − 1 is the group's leader. The
// paper's m₁ … m_L are indices 0 … L − 1.
import type { EciesKeyInput } from "../ecies/types";
import type { PaillierPublicKey } from "../paillier/types";

/**
 * A group of one would hand its only seed to the holder in the clear (as its "sum"); in a group of two each member
 * could subtract its own seed from the sum and learn the other's. The coordinator forms no smaller group.
 */
export const MIN_GROUP_SIZE = 3;

export const SHUFFLE_SESSION_ID_BYTES = 32;

export interface ShuffleGroup {
  /** The group's index in the round (u32); echoed in its GroupSumMessage. */
  readonly groupIndex: number;
  /**
   * 32 bytes that name this shuffle uniquely, e.g. keccak256(chainId, coordinator, roundId, groupIndex). Bound
   * into every onion layer as associated data, so a layer from another round or group fails to open.
   */
  readonly sessionId: Uint8Array;
  /** secp256k1 public keys (33-byte compressed, as registered on-chain) in chain order; the last is the leader. */
  readonly memberPublicKeys: readonly EciesKeyInput[];
  /** The round holder's Paillier key, under which every seed is encrypted. */
  readonly holderPublicKey: PaillierPublicKey;
  /**
   * How a seed travels: as `count` Paillier plaintexts, each in [0, bound) (the mask group's
   * seedPlaintexts codec: one for paper-compat, 34 packed plaintexts for rlwr-2048 at 2048 bits).
   */
  readonly seedPlaintexts: { readonly count: number; readonly bound: bigint };
}

/**
 * What member `senderIndex` sends to member `senderIndex + 1`: senderIndex + 1 items, each an onion with
 * L − 1 − senderIndex layers left around a Paillier ciphertext. From the leader (senderIndex = L − 1) the
 * layers are gone: its "message" is the peeled, re-randomized vector it keeps and feeds to finishGroupSum.
 */
export interface ShuffleMessage {
  readonly senderIndex: number;
  readonly items: readonly Uint8Array[];
}

/** What a group's leader posts for the holder: the Paillier encryption of the sum of its members' seeds. */
export interface GroupSumMessage {
  readonly groupIndex: number;
  readonly memberCount: number;
  /**
   * The encrypted sums of each seed plaintext, in plaintext order: canonical Paillier ciphertexts under the
   * holder's key (bits/4 bytes each), concatenated.
   */
  readonly ciphertext: Uint8Array;
}
