// Message and group types of one MASH group's seed shuffle. All are plain objects of numbers and bytes, so
// they can travel as calldata, event data or IPFS payloads (see encodeShuffleMessage, encodeGroupSumMessage).
//
// Indices are 0-based chain positions: member 0 starts the chain, member L − 1 is the group's leader. The
// paper's m₁ … m_L are indices 0 … L − 1.
import type { EciesKeyInput } from "../ecies/types";
import { MASH_Q } from "../kernel/field";
import type { PaillierPublicKey } from "../paillier/types";

/**
 * The shuffle accepts client seeds with |s| < Q, Q = next_prime(2^64) (the mask kernel's MASH_Q; fresh seeds
 * come from mask/randomSeed in [0, Q)). The holder's seed is minus the sum of the others and may be larger.
 */
export const SEED_BOUND = MASH_Q;

/** A group of one would hand its only seed to the holder in the clear (as its "sum"). */
export const MIN_GROUP_SIZE = 2;

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
  /** Canonical Paillier ciphertext bytes under the holder's key (bits/4 bytes). */
  readonly ciphertext: Uint8Array;
}
