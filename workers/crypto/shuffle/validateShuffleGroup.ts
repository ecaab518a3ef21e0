// Checks a ShuffleGroup once and derives what every step needs from it: canonical member keys, the onion's
// associated data, and the exact item length expected from each sender.
import { ECIES_LAYER_OVERHEAD } from "../ecies/types";
import { parseEciesPublicKey } from "../ecies/parseEciesPublicKey";
import { paillierCiphertextBytes, type PaillierPublicKey } from "../paillier/types";
import { ShuffleGroupInvalidError } from "./errors";
import { MIN_GROUP_SIZE, SHUFFLE_SESSION_ID_BYTES, type ShuffleGroup } from "./types";

const ASSOCIATED_DATA_DOMAIN = Buffer.from("fedmash/shuffle/v1", "utf8");

export interface ValidatedShuffleGroup {
  readonly groupIndex: number;
  readonly size: number;
  readonly leaderIndex: number;
  readonly memberPublicKeys: readonly Uint8Array[];
  readonly holderPublicKey: PaillierPublicKey;
  /** domain ‖ u32 groupIndex ‖ sessionId, bound into every onion layer of this shuffle. */
  readonly associatedData: Uint8Array;
  /** Byte length of every item in the message sent by `senderIndex`. */
  itemLength(senderIndex: number): number;
}

/** An already validated group is returned as is, so every step can accept either form. */
export type ValidateShuffleGroupParameters = { group: ShuffleGroup | ValidatedShuffleGroup };
export type ValidateShuffleGroupReturnType = ValidatedShuffleGroup;

export function validateShuffleGroup({ group }: ValidateShuffleGroupParameters): ValidateShuffleGroupReturnType {
  if ("associatedData" in group) return group;
  const { groupIndex, sessionId, memberPublicKeys, holderPublicKey } = group;
  if (!Number.isInteger(groupIndex) || groupIndex < 0 || groupIndex > 0xffff_ffff) {
    throw new ShuffleGroupInvalidError("the group index is not a u32", undefined, { details: `Got ${groupIndex}.` });
  }
  if (!(sessionId instanceof Uint8Array) || sessionId.length !== SHUFFLE_SESSION_ID_BYTES) {
    throw new ShuffleGroupInvalidError(`the session id must be ${SHUFFLE_SESSION_ID_BYTES} bytes`);
  }
  if (memberPublicKeys.length < MIN_GROUP_SIZE || memberPublicKeys.length > 0xffff) {
    throw new ShuffleGroupInvalidError(`a group needs ${MIN_GROUP_SIZE} to 65535 members`, undefined, { details: `Got ${memberPublicKeys.length}.` });
  }
  const seen = new Map<string, number>();
  const keys = memberPublicKeys.map((publicKey, memberIndex) => {
    let parsed: Uint8Array;
    try {
      parsed = parseEciesPublicKey({ publicKey });
    } catch (error) {
      throw new ShuffleGroupInvalidError("bad ECIES public key", memberIndex, { cause: error });
    }
    const hex = Buffer.from(parsed).toString("hex");
    const earlier = seen.get(hex);
    // One key twice would let its owner peel two layers of every onion and so see past its own position.
    if (earlier !== undefined) throw new ShuffleGroupInvalidError(`same public key as member index ${earlier}`, memberIndex);
    seen.set(hex, memberIndex);
    return parsed;
  });
  const header = Buffer.alloc(4);
  header.writeUInt32BE(groupIndex);
  const ciphertextBytes = paillierCiphertextBytes(holderPublicKey);
  const size = keys.length;
  return {
    groupIndex,
    size,
    leaderIndex: size - 1,
    memberPublicKeys: keys,
    holderPublicKey,
    associatedData: Uint8Array.from(Buffer.concat([ASSOCIATED_DATA_DOMAIN, header, sessionId])),
    itemLength: (senderIndex) => ciphertextBytes + (size - 1 - senderIndex) * ECIES_LAYER_OVERHEAD,
  };
}
