// One member's step in its group's chain: check the message from the previous member, peel this member's
// layer off every item, add its own item, and forward the vector in a fresh random order. Member 0 starts
// the chain (no incoming message). At the leader the peeled items are bare Paillier ciphertexts: they are
// validated and re-randomized, and the result stays with the leader as input to finishGroupSum.
import { eciesPublicKeyOf } from "../ecies/eciesPublicKeyOf";
import { peelOnion } from "../ecies/peelOnion";
import type { EciesKeyInput } from "../ecies/types";
import type { NthPowerPool } from "../paillier/nthPowerPool";
import { paillierRerandomize } from "../paillier/paillierRerandomize";
import { joinSeedCiphertexts, splitSeedCiphertexts } from "./seedCiphertexts";
import { assertShuffleMessageShape } from "./assertShuffleMessageShape";
import { createShuffleContribution } from "./createShuffleContribution";
import { cryptoShuffle } from "./cryptoShuffle";
import { ShuffleCiphertextInvalidError, ShuffleDuplicateItemError, ShuffleGroupInvalidError, ShuffleLayerUndecryptableError, ShuffleUnexpectedSenderError } from "./errors";
import type { ShuffleGroup, ShuffleMessage } from "./types";
import { validateShuffleGroup, type ValidatedShuffleGroup } from "./validateShuffleGroup";

export type ProcessShuffleStepParameters = {
  /** A ShuffleGroup, or the ValidatedShuffleGroup from validateShuffleGroup to skip re-checking it. */
  group: ShuffleGroup;
  memberIndex: number;
  /** This member's ECIES private key; must match group.memberPublicKeys[memberIndex]. */
  privateKey: EciesKeyInput;
  /** This member's seed as the mask group's Paillier plaintexts (see createShuffleContribution). */
  plaintexts: readonly bigint[];
  /** The message from member memberIndex − 1; absent for member 0. */
  incoming?: ShuffleMessage;
  /**
   * Precomputed rⁿ for the holder's key (createNthPowerPool), filled while waiting for the turn: a member uses
   * seedPlaintexts.count of them, the leader L times as many (its own item and the re-randomization of L − 1).
   */
  pool?: NthPowerPool;
};
/** For memberIndex < L − 1, the message for memberIndex + 1; for the leader, its peeled vector. */
export type ProcessShuffleStepReturnType = ShuffleMessage;

export function processShuffleStep({ group, memberIndex, privateKey, plaintexts, incoming, pool }: ProcessShuffleStepParameters): ProcessShuffleStepReturnType {
  const validated = validateShuffleGroup({ group });
  validated.assertMemberIndex(memberIndex);
  // A misconfigured key would otherwise surface as "cannot peel", blaming the previous member for our mistake.
  const ownPublicKey = eciesPublicKeyOf(privateKey);
  if (Buffer.compare(ownPublicKey, validated.memberPublicKeys[memberIndex]!) !== 0) {
    throw new ShuffleGroupInvalidError("the private key does not belong to this member's registered public key", memberIndex);
  }

  let received: Uint8Array[] = [];
  if (memberIndex === 0) {
    if (incoming !== undefined) throw new ShuffleUnexpectedSenderError(0, undefined, incoming.senderIndex);
  } else {
    if (incoming === undefined) throw new ShuffleUnexpectedSenderError(memberIndex, memberIndex - 1, undefined);
    assertShuffleMessageShape({ group: validated, message: incoming, memberIndex, expectedSenderIndex: memberIndex - 1 });
    received = incoming.items.map((layer, itemIndex) => {
      try {
        return peelOnion({ layer, privateKey, associatedData: validated.associatedData });
      } catch (error) {
        throw new ShuffleLayerUndecryptableError(incoming.senderIndex, memberIndex, itemIndex, error);
      }
    });
    if (memberIndex === validated.leaderIndex) received = rerandomizePeeled(validated, incoming.senderIndex, received, pool);
  }

  const { item } = createShuffleContribution({ group: validated, memberIndex, plaintexts, pool });
  return { senderIndex: memberIndex, items: cryptoShuffle([...received, item]) };
}

function rerandomizePeeled(group: ValidatedShuffleGroup, senderIndex: number, peeled: readonly Uint8Array[], pool: NthPowerPool | undefined): Uint8Array[] {
  const publicKey = group.holderPublicKey;
  const items = peeled.map((bytes, itemIndex) => {
    try {
      return splitSeedCiphertexts(publicKey, bytes, group.seedPlaintexts.count);
    } catch (error) {
      throw new ShuffleCiphertextInvalidError(senderIndex, itemIndex, error);
    }
  });
  // Distinct onions around one Paillier ciphertext mean a member wrapped its own seed twice to push out
  // someone else's; after re-randomization that could no longer be seen. One ciphertext is enough to tell.
  const seen = new Map<bigint, number>();
  items.forEach((ciphertexts, itemIndex) => {
    for (const ciphertext of ciphertexts) {
      const earlier = seen.get(ciphertext);
      if (earlier !== undefined) throw new ShuffleDuplicateItemError(senderIndex, itemIndex, earlier);
      seen.set(ciphertext, itemIndex);
    }
  });
  return items.map((ciphertexts) => joinSeedCiphertexts(publicKey, ciphertexts.map((ciphertext) => paillierRerandomize({ publicKey, ciphertext, pool }))));
}
