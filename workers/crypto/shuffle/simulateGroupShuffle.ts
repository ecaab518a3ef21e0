// In-memory run of a whole round's seed shuffle: a holder with a fresh Paillier key, groups of clients with
// their own ECIES keys, every chain message and group sum passed through its byte encoding, and the holder
// completing its seed. Used by tests and benchmarks; the protocol state machines call the same steps.
import { randomBytes } from "node:crypto";
import { generateEciesKeyPair } from "../ecies/generateEciesKeyPair";
import type { MaskGroup } from "../mask/maskGroup";
import { generatePaillierKeyPair } from "../paillier/generatePaillierKeyPair";
import { DEFAULT_PAILLIER_KEY_BITS, type PaillierKeyBits, type PaillierKeyPair, type PaillierPublicKey } from "../paillier/types";
import { completeHolderSeed } from "./completeHolderSeed";
import { decodeGroupSumMessage } from "./decodeGroupSumMessage";
import { decodeShuffleMessage } from "./decodeShuffleMessage";
import { encodeGroupSumMessage } from "./encodeGroupSumMessage";
import { encodeShuffleMessage } from "./encodeShuffleMessage";
import { ShuffleGroupInvalidError } from "./errors";
import { finishGroupSum } from "./finishGroupSum";
import { processShuffleStep } from "./processShuffleStep";
import { SHUFFLE_SESSION_ID_BYTES, type GroupSumMessage, type ShuffleMessage } from "./types";
import { validateShuffleGroup } from "./validateShuffleGroup";

export type SimulateGroupShuffleParameters<Seed> = {
  /** The mask group whose seeds are shuffled (its randomSeed and seedPlaintexts codec). */
  maskGroup: Pick<MaskGroup<Seed>, "randomSeed" | "seedPlaintexts">;
  /** Members per group (each at least 2); the holder comes on top. */
  groupSizes: readonly number[];
  /** Holder key size when no key pair is given; 2048 by default. */
  paillierBits?: PaillierKeyBits;
  /** Reuse a holder key pair (key generation dominates small simulations). */
  holderKeyPair?: PaillierKeyPair;
  /** Group indices whose chain breaks after member 0 (member 1 never answers), so no sum reaches the holder. */
  droppedGroups?: readonly number[];
  /** Seeds to use instead of random ones, one array per group (e.g. to test extremes). */
  seeds?: readonly (readonly Seed[])[];
};

export interface SimulatedGroup<Seed> {
  readonly groupIndex: number;
  readonly seeds: readonly Seed[];
  readonly included: boolean;
  /** Undefined for a dropped group. */
  readonly groupSum: GroupSumMessage | undefined;
  /** Encoded size of each chain message that was sent, in order (member 0 → 1, 1 → 2, …). */
  readonly messageBytes: readonly number[];
  /** Encoded size of the posted group sum (0 when dropped). */
  readonly groupSumBytes: number;
}

export type SimulateGroupShuffleReturnType<Seed> = {
  holderPublicKey: PaillierPublicKey;
  holderSeed: Seed;
  groups: readonly SimulatedGroup<Seed>[];
  /** The included clients' seeds, then the holder's: they sum to exactly 0. */
  includedSeeds: readonly Seed[];
};

export async function simulateGroupShuffle<Seed>(parameters: SimulateGroupShuffleParameters<Seed>): Promise<SimulateGroupShuffleReturnType<Seed>> {
  const { groupSizes, droppedGroups = [], seeds, maskGroup } = parameters;
  const codec = maskGroup.seedPlaintexts;
  if (seeds !== undefined && (seeds.length !== groupSizes.length || seeds.some((group, index) => group.length !== groupSizes[index]))) {
    throw new ShuffleGroupInvalidError("the given seeds do not match the group sizes");
  }
  const holder = parameters.holderKeyPair ?? (await generatePaillierKeyPair({ bits: parameters.paillierBits ?? DEFAULT_PAILLIER_KEY_BITS }));
  const dropped = new Set(droppedGroups);

  const keyBits = holder.publicKey.bits;
  const seedPlaintexts = { count: codec.plaintextCount(keyBits), bound: codec.sumBound(1, keyBits) + 1n };
  const groups = groupSizes.map((size, groupIndex): SimulatedGroup<Seed> => {
    const members = Array.from({ length: size }, () => generateEciesKeyPair());
    const group = validateShuffleGroup({
      group: {
        groupIndex,
        sessionId: Uint8Array.from(randomBytes(SHUFFLE_SESSION_ID_BYTES)),
        memberPublicKeys: members.map((member) => member.publicKey),
        holderPublicKey: holder.publicKey,
        seedPlaintexts,
      },
    });
    const groupSeeds = seeds?.[groupIndex] ?? members.map(() => maskGroup.randomSeed());
    const messageBytes: number[] = [];
    let wire: Uint8Array | undefined;
    let peeled: ShuffleMessage | undefined;
    const lastActive = dropped.has(groupIndex) ? 0 : group.leaderIndex;
    for (let memberIndex = 0; memberIndex <= lastActive; memberIndex++) {
      const incoming = wire === undefined ? undefined : decodeShuffleMessage({ bytes: wire });
      const outgoing = processShuffleStep({ group, memberIndex, privateKey: members[memberIndex]!.privateKey, plaintexts: codec.toPlaintexts(groupSeeds[memberIndex]!, keyBits), incoming });
      if (memberIndex === group.leaderIndex) {
        peeled = outgoing;
      } else {
        wire = encodeShuffleMessage({ message: outgoing });
        messageBytes.push(wire.length);
      }
    }
    if (peeled === undefined) {
      return { groupIndex, seeds: groupSeeds, included: false, groupSum: undefined, messageBytes, groupSumBytes: 0 };
    }
    const posted = encodeGroupSumMessage({ message: finishGroupSum({ group, peeled }) });
    return { groupIndex, seeds: groupSeeds, included: true, groupSum: decodeGroupSumMessage({ bytes: posted }), messageBytes, groupSumBytes: posted.length };
  });

  const { holderSeed } = completeHolderSeed({
    holderPrivateKey: holder.privateKey,
    holderPublicKey: holder.publicKey,
    groupSums: groups.flatMap((group) => (group.groupSum === undefined ? [] : [group.groupSum])),
    codec,
  });
  const includedSeeds = [...groups.filter((group) => group.included).flatMap((group) => group.seeds), holderSeed];
  return { holderPublicKey: holder.publicKey, holderSeed, groups, includedSeeds };
}
