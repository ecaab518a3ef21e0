// Checks a ShuffleGroup once and derives what every step needs from it: canonical member keys, the onion's
// associated data, and the exact item length expected from each sender.
import { ECIES_LAYER_OVERHEAD } from "../ecies/types";
import { parseEciesPublicKey } from "../ecies/parseEciesPublicKey";
import { paillierPublicKeyFromModulus } from "../paillier/paillierPublicKeyFromModulus";
import { largestSignedBound } from "../paillier/signedPlaintext";
import { paillierCiphertextBytes } from "../paillier/types";
import { ShuffleGroupInvalidError } from "./errors";
import { MIN_GROUP_SIZE, SHUFFLE_SESSION_ID_BYTES, type ShuffleGroup } from "./types";

const ASSOCIATED_DATA_DOMAIN = Buffer.from("fedmash/shuffle/v1", "utf8");
/** rlwr-2048 takes 69 plaintexts at 1024 bits; a u16 group-sum length caps the concatenation anyway. */
const MAX_SEED_PLAINTEXTS = 128;

// Identity, not shape, marks a validated group: a spread copy with one field changed must be checked again,
// or it would keep the associated data derived from the old fields.
const validatedGroups = new WeakSet<object>();

/** A checked ShuffleGroup (still usable wherever a ShuffleGroup is expected) with what the steps derive from it. */
export interface ValidatedShuffleGroup extends ShuffleGroup {
  readonly size: number;
  readonly leaderIndex: number;
  /** Canonical 33-byte compressed keys. */
  readonly memberPublicKeys: readonly Uint8Array[];
  /** domain ‖ u32 groupIndex ‖ sessionId, bound into every onion layer of this shuffle. */
  readonly associatedData: Uint8Array;
  /** Byte length of the Paillier ciphertexts that carry one seed (count × bits/4). */
  readonly seedCiphertextBytes: number;
  /** Byte length of every item in the message sent by `senderIndex`. */
  itemLength(senderIndex: number): number;
  /** Throws ShuffleGroupInvalidError unless `memberIndex` is a position in this group. */
  assertMemberIndex(memberIndex: number): void;
}

/** An already validated group is returned as is, so every step can accept either form. */
export type ValidateShuffleGroupParameters = { group: ShuffleGroup };
export type ValidateShuffleGroupReturnType = ValidatedShuffleGroup;

export function validateShuffleGroup({ group }: ValidateShuffleGroupParameters): ValidateShuffleGroupReturnType {
  if (validatedGroups.has(group)) return group as ValidatedShuffleGroup;
  const { groupIndex, sessionId, memberPublicKeys, holderPublicKey, seedPlaintexts } = group;
  if (!Number.isInteger(groupIndex) || groupIndex < 0 || groupIndex > 0xffff_ffff) {
    throw new ShuffleGroupInvalidError("the group index is not a u32", undefined, { details: `Got ${groupIndex}.` });
  }
  if (!(sessionId instanceof Uint8Array) || sessionId.length !== SHUFFLE_SESSION_ID_BYTES) {
    throw new ShuffleGroupInvalidError(`the session id must be ${SHUFFLE_SESSION_ID_BYTES} bytes`);
  }
  if (memberPublicKeys.length < MIN_GROUP_SIZE || memberPublicKeys.length > 0xffff) {
    throw new ShuffleGroupInvalidError(`a group needs ${MIN_GROUP_SIZE} to 65535 members`, undefined, { details: `Got ${memberPublicKeys.length}.` });
  }
  try {
    const checked = paillierPublicKeyFromModulus({ n: holderPublicKey.n });
    if (checked.bits !== holderPublicKey.bits || checked.nSquared !== holderPublicKey.nSquared) throw new Error("inconsistent bits or n²");
  } catch (error) {
    throw new ShuffleGroupInvalidError("bad holder Paillier public key", undefined, { cause: error });
  }
  const plaintextCount = seedPlaintexts?.count;
  if (!Number.isInteger(plaintextCount) || plaintextCount! < 1 || plaintextCount! > MAX_SEED_PLAINTEXTS) {
    throw new ShuffleGroupInvalidError(`a seed must take 1 to ${MAX_SEED_PLAINTEXTS} Paillier plaintexts`, undefined, { details: `Got ${String(plaintextCount)}.` });
  }
  if (typeof seedPlaintexts.bound !== "bigint" || seedPlaintexts.bound < 1n || seedPlaintexts.bound > largestSignedBound(holderPublicKey)) {
    throw new ShuffleGroupInvalidError("the seed plaintext bound does not fit the holder's key", undefined, { details: `Bound ${String(seedPlaintexts.bound)}, key of ${holderPublicKey.bits} bits.` });
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
  const seedCiphertextBytes = plaintextCount! * paillierCiphertextBytes(holderPublicKey);
  const size = keys.length;
  const validated: ValidatedShuffleGroup = Object.freeze({
    groupIndex,
    sessionId: Uint8Array.from(sessionId),
    size,
    leaderIndex: size - 1,
    memberPublicKeys: keys,
    holderPublicKey,
    seedPlaintexts: { count: plaintextCount!, bound: seedPlaintexts.bound },
    seedCiphertextBytes,
    associatedData: Uint8Array.from(Buffer.concat([ASSOCIATED_DATA_DOMAIN, header, sessionId])),
    itemLength: (senderIndex: number) => seedCiphertextBytes + (size - 1 - senderIndex) * ECIES_LAYER_OVERHEAD,
    assertMemberIndex: (memberIndex: number) => {
      if (!Number.isInteger(memberIndex) || memberIndex < 0 || memberIndex >= size) {
        throw new ShuffleGroupInvalidError("member index out of range", memberIndex, { details: `The group has ${size} members.` });
      }
    },
  });
  validatedGroups.add(validated);
  return validated;
}
