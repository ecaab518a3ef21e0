// Member i's own item: its seed's plaintexts Paillier-encrypted under the holder's key, then onion-wrapped for
// members i + 1 … L − 1 (innermost for the leader). The leader's own item has no layers at all.
import { wrapOnion } from "../ecies/wrapOnion";
import { PaillierPlaintextOutOfRangeError } from "../paillier/errors";
import type { NthPowerPool } from "../paillier/nthPowerPool";
import { paillierEncrypt } from "../paillier/paillierEncrypt";
import { joinSeedCiphertexts } from "./seedCiphertexts";
import { ShuffleGroupInvalidError } from "./errors";
import type { ShuffleGroup } from "./types";
import { validateShuffleGroup } from "./validateShuffleGroup";

export type CreateShuffleContributionParameters = {
  /** A ShuffleGroup, or the ValidatedShuffleGroup from validateShuffleGroup to skip re-checking it. */
  group: ShuffleGroup;
  memberIndex: number;
  /**
   * This member's seed as the mask group's plaintexts (seedPlaintexts.toPlaintexts): exactly
   * group.seedPlaintexts.count of them, each in [0, bound); otherwise PaillierPlaintextOutOfRangeError.
   */
  plaintexts: readonly bigint[];
  /** Precomputed rⁿ for the holder's key (createNthPowerPool): one per plaintext, computed on demand if short. */
  pool?: NthPowerPool;
};
export type CreateShuffleContributionReturnType = { item: Uint8Array };

export function createShuffleContribution({ group, memberIndex, plaintexts, pool }: CreateShuffleContributionParameters): CreateShuffleContributionReturnType {
  const validated = validateShuffleGroup({ group });
  validated.assertMemberIndex(memberIndex);
  const { count, bound } = validated.seedPlaintexts;
  if (plaintexts.length !== count) {
    throw new ShuffleGroupInvalidError(`a seed takes ${count} plaintexts under this key`, memberIndex, { details: `Got ${plaintexts.length}.` });
  }
  const publicKey = validated.holderPublicKey;
  const ciphertexts = plaintexts.map((plaintext) => {
    // Negative plaintexts would decode as huge sums; the codecs only produce [0, bound).
    if (plaintext < 0n) throw new PaillierPlaintextOutOfRangeError(plaintext, bound);
    return paillierEncrypt({ publicKey, plaintext, bound, pool });
  });
  const item = wrapOnion({
    payload: joinSeedCiphertexts(publicKey, ciphertexts),
    recipientPublicKeys: validated.memberPublicKeys.slice(memberIndex + 1),
    associatedData: validated.associatedData,
  });
  return { item };
}
