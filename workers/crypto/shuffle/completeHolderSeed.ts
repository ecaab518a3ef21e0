// The holder's side: multiply the included groups' encrypted sums, decrypt that single product, and take
// minus the result as its own seed, so that the seeds of the included clients and the holder sum to 0.
// The range check (|sum| ≤ clients · (Q − 1)) turns a wrong key or a corrupted sum into a named error.
import { decodePaillierCiphertext } from "../paillier/decodePaillierCiphertext";
import { paillierAdd } from "../paillier/paillierAdd";
import { paillierDecrypt } from "../paillier/paillierDecrypt";
import { PaillierInvalidKeyError } from "../paillier/errors";
import type { PaillierPrivateKey, PaillierPublicKey } from "../paillier/types";
import { ShuffleGroupSumInvalidError } from "./errors";
import { MIN_GROUP_SIZE, SEED_BOUND, type GroupSumMessage } from "./types";

export type CompleteHolderSeedParameters = {
  holderPrivateKey: PaillierPrivateKey;
  /** The public key the holder posted for the round; the private key must be its pair. */
  holderPublicKey: PaillierPublicKey;
  /** The sums of the included groups only (the contract decides which groups are included). */
  groupSums: readonly GroupSumMessage[];
};
export type CompleteHolderSeedReturnType = {
  /** −(sum of the included clients' seeds). Its magnitude is below includedClientCount · Q, not below Q. */
  holderSeed: bigint;
  includedClientCount: number;
};

export function completeHolderSeed({ holderPrivateKey, holderPublicKey, groupSums }: CompleteHolderSeedParameters): CompleteHolderSeedReturnType {
  const publicKey = holderPrivateKey.publicKey;
  if (publicKey.n !== holderPublicKey.n) throw new PaillierInvalidKeyError("the holder's private key does not match its posted public key");
  // With no included group the sum is empty and the holder's seed is 0; there is nothing to hide then,
  // since the aggregate is the holder's own update.
  if (groupSums.length === 0) return { holderSeed: 0n, includedClientCount: 0 };

  const seenGroups = new Set<number>();
  let includedClientCount = 0;
  const ciphertexts = groupSums.map(({ groupIndex, memberCount, ciphertext }) => {
    if (seenGroups.has(groupIndex)) throw new ShuffleGroupSumInvalidError(groupIndex, "the group appears twice");
    seenGroups.add(groupIndex);
    if (!Number.isInteger(memberCount) || memberCount < MIN_GROUP_SIZE) {
      throw new ShuffleGroupSumInvalidError(groupIndex, `member count ${memberCount} is below ${MIN_GROUP_SIZE}`);
    }
    includedClientCount += memberCount;
    try {
      return decodePaillierCiphertext({ publicKey, bytes: ciphertext });
    } catch (error) {
      throw new ShuffleGroupSumInvalidError(groupIndex, "not a valid ciphertext under the holder's key", error);
    }
  });
  // Decrypting only the product is the honest holder's whole view: it never decrypts a single group's sum.
  const product = paillierAdd({ publicKey, ciphertexts });
  const bound = BigInt(includedClientCount) * (SEED_BOUND - 1n) + 1n;
  const sum = paillierDecrypt({ privateKey: holderPrivateKey, ciphertext: product, bound });
  return { holderSeed: -sum, includedClientCount };
}
