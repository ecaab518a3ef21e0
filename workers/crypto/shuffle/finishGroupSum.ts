// The leader's last step: multiply the L Paillier ciphertexts of its peeled vector (its own included) into
// the encryption of the group's seed sum, the only thing about the group that reaches the holder.
import { decodePaillierCiphertext } from "../paillier/decodePaillierCiphertext";
import { encodePaillierCiphertext } from "../paillier/encodePaillierCiphertext";
import { paillierAdd } from "../paillier/paillierAdd";
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
  const ciphertexts = peeled.items.map((bytes, itemIndex) => {
    try {
      return decodePaillierCiphertext({ publicKey, bytes });
    } catch (error) {
      throw new ShuffleCiphertextInvalidError(leaderIndex, itemIndex, error);
    }
  });
  const sum = paillierAdd({ publicKey, ciphertexts });
  return { groupIndex: validated.groupIndex, memberCount: validated.size, ciphertext: encodePaillierCiphertext({ publicKey, ciphertext: sum }) };
}
