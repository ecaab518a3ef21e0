// The leader's last step: multiply the L items of its peeled vector (its own included), plaintext by
// plaintext, into the encryption of the group's seed sum, the only thing about the group that reaches the holder.
import { paillierAdd } from "../paillier/paillierAdd";
import { joinSeedCiphertexts, splitSeedCiphertexts } from "./seedCiphertexts";
import { assertShuffleMessageShape } from "./assertShuffleMessageShape";
import { ShuffleCiphertextInvalidError } from "./errors";
import type { GroupSumMessage, ShuffleGroup, ShuffleMessage } from "./types";
import { validateShuffleGroup } from "./validateShuffleGroup";

export type FinishGroupSumParameters = {
  /** A ShuffleGroup, or the ValidatedShuffleGroup from validateShuffleGroup to skip re-checking it. */
  group: ShuffleGroup;
  /** The leader's own processShuffleStep output. */
  peeled: ShuffleMessage;
};
export type FinishGroupSumReturnType = GroupSumMessage;

export function finishGroupSum({ group, peeled }: FinishGroupSumParameters): FinishGroupSumReturnType {
  const validated = validateShuffleGroup({ group });
  const { leaderIndex, holderPublicKey: publicKey } = validated;
  assertShuffleMessageShape({ group: validated, message: peeled, memberIndex: leaderIndex, expectedSenderIndex: leaderIndex });
  const count = validated.seedPlaintexts.count;
  const items = peeled.items.map((bytes, itemIndex) => {
    try {
      return splitSeedCiphertexts(publicKey, bytes, count);
    } catch (error) {
      throw new ShuffleCiphertextInvalidError(leaderIndex, itemIndex, error);
    }
  });
  const sums = Array.from({ length: count }, (_, t) => paillierAdd({ publicKey, ciphertexts: items.map((ciphertexts) => ciphertexts[t]!) }));
  return { groupIndex: validated.groupIndex, memberCount: validated.size, ciphertext: joinSeedCiphertexts(publicKey, sums) };
}
