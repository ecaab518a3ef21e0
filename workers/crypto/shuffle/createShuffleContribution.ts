// Member i's own item: its seed Paillier-encrypted under the holder's key, then onion-wrapped for members
// i + 1 … L − 1 (innermost for the leader). The leader's own item has no layers at all.
import { wrapOnion } from "../ecies/wrapOnion";
import { encodePaillierCiphertext } from "../paillier/encodePaillierCiphertext";
import { paillierEncrypt } from "../paillier/paillierEncrypt";
import { SEED_BOUND, type ShuffleGroup } from "./types";
import { validateShuffleGroup } from "./validateShuffleGroup";

export type CreateShuffleContributionParameters = {
  /** A ShuffleGroup, or the ValidatedShuffleGroup from validateShuffleGroup to skip re-checking it. */
  group: ShuffleGroup;
  memberIndex: number;
  /** This member's seed, |seed| < Q; out of range → PaillierPlaintextOutOfRangeError. */
  seed: bigint;
};
export type CreateShuffleContributionReturnType = { item: Uint8Array };

export function createShuffleContribution({ group, memberIndex, seed }: CreateShuffleContributionParameters): CreateShuffleContributionReturnType {
  const validated = validateShuffleGroup({ group });
  validated.assertMemberIndex(memberIndex);
  const ciphertext = paillierEncrypt({ publicKey: validated.holderPublicKey, plaintext: seed, bound: SEED_BOUND });
  const payload = encodePaillierCiphertext({ publicKey: validated.holderPublicKey, ciphertext });
  const item = wrapOnion({
    payload,
    recipientPublicKeys: validated.memberPublicKeys.slice(memberIndex + 1),
    associatedData: validated.associatedData,
  });
  return { item };
}
