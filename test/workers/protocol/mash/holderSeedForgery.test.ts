// The attack of a leader that forges its group's encrypted sum (the auditor's finding on issue 14): in a round
// with one included group, the leader posts the encryption of plaintexts it chose, so it can predict the seed the
// holder completes, and unmask the holder's update from the vector the holder publishes. Without the holder's
// check the attack recovers the holder's update exactly; with checkHolderSeed the holder publishes nothing.
import { expect } from "chai";
import { randomInt } from "node:crypto";
import { getMaskGroup } from "../../../../workers/crypto/mask/getMaskGroup";
import { generatePaillierKeyPair } from "../../../../workers/crypto/paillier/generatePaillierKeyPair";
import { paillierEncrypt } from "../../../../workers/crypto/paillier/paillierEncrypt";
import type { PaillierKeyPair } from "../../../../workers/crypto/paillier/types";
import { completeHolderSeed } from "../../../../workers/crypto/shuffle/completeHolderSeed";
import { joinSeedCiphertexts } from "../../../../workers/crypto/shuffle/seedCiphertexts";
import { simulateGroupShuffle } from "../../../../workers/crypto/shuffle/simulateGroupShuffle";
import type { GroupSumMessage } from "../../../../workers/crypto/shuffle/types";
import { checkHolderSeed, HolderSeedRejectedError } from "../../../../workers/protocol/mash/checkHolderSeed";
import { maskContext } from "../../../../workers/protocol/mash/maskContext";

const D = 4096;
const P = 2n ** 40n;
const B = 2048n;
const context = maskContext(31337n, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 7n);
const update = (): Int32Array => Int32Array.from({ length: D }, () => randomInt(-5000, 5001));

/** g from y − mask(0, s) = B·g mod p: what a party that knows the seed reads off a published vector. */
function unmask(published: Uint32Array, zeroMask: Uint32Array): Int32Array {
  return Int32Array.from({ length: D }, (_, i) => {
    const value = (v: Uint32Array): bigint => BigInt(v[2 * i]!) + (BigInt(v[2 * i + 1]!) << 32n);
    let difference = (value(published) - value(zeroMask)) % P;
    if (difference < 0n) difference += P;
    if (difference >= P / 2n) difference -= P;
    return Number(difference / B);
  });
}

describe("a leader forging its group sum to unmask the holder (checkHolderSeed)", function () {
  const group = getMaskGroup("rlwr-2048");
  let holder: PaillierKeyPair;
  let members: { seeds: BigInt64Array[]; vectors: Uint32Array[]; honestSum: GroupSumMessage };

  before(async function () {
    holder = await generatePaillierKeyPair({ bits: 1024 });
    const shuffled = await simulateGroupShuffle({ maskGroup: group, groupSizes: [3], holderKeyPair: holder });
    const seeds = [...shuffled.groups[0]!.seeds];
    const vectors = await Promise.all(seeds.map((seed) => group.mask({ quantized: update(), seed, context })));
    members = { seeds, vectors, honestSum: shuffled.groups[0]!.groupSum! };
  });

  /** The leader's forgery: plaintexts of its choice, so the holder's completed seed is known to it. */
  function forge(): { posted: GroupSumMessage; predictedHolderSeed: BigInt64Array } {
    const chosen = group.seedPlaintexts.toPlaintexts(group.randomSeed(), holder.publicKey.bits);
    const bound = group.seedPlaintexts.sumBound(1, holder.publicKey.bits) + 1n;
    const ciphertexts = chosen.map((plaintext) => paillierEncrypt({ publicKey: holder.publicKey, plaintext, bound }));
    return {
      posted: { groupIndex: 0, memberCount: 3, ciphertext: joinSeedCiphertexts(holder.publicKey, ciphertexts) },
      predictedHolderSeed: group.seedPlaintexts.holderSeed(chosen, 3, holder.publicKey.bits),
    };
  }

  const complete = (groupSum: GroupSumMessage): BigInt64Array =>
    completeHolderSeed({ holderPrivateKey: holder.privateKey, holderPublicKey: holder.publicKey, groupSums: [groupSum], codec: group.seedPlaintexts }).holderSeed;

  it("succeeds without the check: the leader predicts the holder's seed and reads its whole update", async function () {
    const { posted, predictedHolderSeed } = forge();
    const holderSeed = complete(posted);
    expect(Array.from(holderSeed)).to.deep.equal(Array.from(predictedHolderSeed));
    const holderUpdate = update();
    const published = await group.mask({ quantized: holderUpdate, seed: holderSeed, context });
    const zeroMask = await group.mask({ quantized: new Int32Array(D), seed: predictedHolderSeed, context });
    expect(Array.from(unmask(published, zeroMask))).to.deep.equal(Array.from(holderUpdate));
  });

  it("fails with the check: the holder finds its seed does not cancel the members' masks and publishes nothing", async function () {
    const holderSeed = complete(forge().posted);
    const error = await checkHolderSeed({ group, memberVectors: members.vectors, holderSeed, coordinates: D, context, bound: 4 * 5000, roundId: 7n }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(HolderSeedRejectedError);
    expect((error as HolderSeedRejectedError).shortMessage).to.contain("Round 7: the holder's seed does not cancel");
  });

  it("passes an honest round's seed", async function () {
    const holderSeed = complete(members.honestSum);
    await checkHolderSeed({ group, memberVectors: members.vectors, holderSeed, coordinates: D, context, bound: 4 * 5000, roundId: 7n });
  });
});
