// The holder's side: multiply the included groups' encrypted sums (plaintext by plaintext), decrypt those
// products only, and hand the sums to the mask group's codec, which turns them into minus the included
// clients' seed total: the holder's own seed, so that the included seeds and the holder's sum to 0.
// Decryption's range check turns a wrong key or a corrupted sum into a named error.
import { paillierAdd } from "../paillier/paillierAdd";
import { paillierDecrypt } from "../paillier/paillierDecrypt";
import { PaillierInvalidKeyError } from "../paillier/errors";
import type { PaillierPrivateKey, PaillierPublicKey } from "../paillier/types";
import type { SeedPlaintextCodec } from "../mask/maskGroup";
import { ShuffleGroupSumInvalidError, ShuffleSumOutOfRangeError } from "./errors";
import { splitSeedCiphertexts } from "./seedCiphertexts";
import { MIN_GROUP_SIZE, type GroupSumMessage } from "./types";

export type CompleteHolderSeedParameters<Seed> = {
  holderPrivateKey: PaillierPrivateKey;
  /** The public key the holder posted for the round; the private key must be its pair. */
  holderPublicKey: PaillierPublicKey;
  /** The sums of the included groups only (the contract decides which groups are included). */
  groupSums: readonly GroupSumMessage[];
  /** The round's mask group's seed codec (how many plaintexts a seed takes, how sums become a seed). */
  codec: SeedPlaintextCodec<Seed>;
};
export type CompleteHolderSeedReturnType<Seed> = {
  /** −(sum of the included clients' seeds). */
  holderSeed: Seed;
  includedClientCount: number;
};

export function completeHolderSeed<Seed>({ holderPrivateKey, holderPublicKey, groupSums, codec }: CompleteHolderSeedParameters<Seed>): CompleteHolderSeedReturnType<Seed> {
  const publicKey = holderPrivateKey.publicKey;
  if (publicKey.n !== holderPublicKey.n) throw new PaillierInvalidKeyError("the holder's private key does not match its posted public key");
  // With no included group the sum is empty and the holder's seed is 0; there is nothing to hide then,
  // since the aggregate is the holder's own update.
  const count = codec.plaintextCount(publicKey.bits);
  if (groupSums.length === 0) return { holderSeed: codec.holderSeed(new Array<bigint>(count).fill(0n), 0, publicKey.bits), includedClientCount: 0 };

  const seenGroups = new Set<number>();
  let includedClientCount = 0;
  const groups = groupSums.map(({ groupIndex, memberCount, ciphertext }) => {
    if (seenGroups.has(groupIndex)) throw new ShuffleGroupSumInvalidError(groupIndex, "the group appears twice");
    seenGroups.add(groupIndex);
    if (!Number.isInteger(memberCount) || memberCount < MIN_GROUP_SIZE) {
      throw new ShuffleGroupSumInvalidError(groupIndex, `member count ${memberCount} is below ${MIN_GROUP_SIZE}`);
    }
    includedClientCount += memberCount;
    try {
      return splitSeedCiphertexts(publicKey, ciphertext, count);
    } catch (error) {
      throw new ShuffleGroupSumInvalidError(groupIndex, "not valid ciphertexts under the holder's key", error);
    }
  });
  // Decrypting only the products is the honest holder's whole view: it never decrypts a single group's sum.
  const bound = codec.sumBound(includedClientCount, publicKey.bits) + 1n;
  const sums = Array.from({ length: count }, (_, t) => {
    const product = paillierAdd({ publicKey, ciphertexts: groups.map((ciphertexts) => ciphertexts[t]!) });
    const sum = paillierDecrypt({ privateKey: holderPrivateKey, ciphertext: product, bound });
    if (sum < 0n) throw new ShuffleSumOutOfRangeError(t, groupSums.map((g) => g.groupIndex));
    return sum;
  });
  return { holderSeed: codec.holderSeed(sums, includedClientCount, publicKey.bits), includedClientCount };
}
