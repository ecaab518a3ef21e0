// The MASH watcher's pure logic: the first wrong leaf of a posted sum, and the fraud proof's openings built from the
// vectors' and the sum's trees, which verifyVectorMerkleProof accepts against the roots the commitments name.
import { expect } from "chai";
import { ZeroHash, getBytes, keccak256 } from "ethers";
import { aggregateSumTree, maskedVectorTree, verifyVectorMerkleProof } from "../../../../workers/crypto/commit/vectorMerkle";
import { maskedSubmissionCommitment, aggregateCommitment } from "../../../../workers/crypto/commit/vectorCommitments";
import { buildChallenge } from "../../../../workers/protocol/watch/buildChallenge";
import { WatchInputError } from "../../../../workers/protocol/watch/errors";
import { findWrongLeaf } from "../../../../workers/protocol/watch/findWrongLeaf";
import { tamperAggregateSum } from "../../../../workers/protocol/mash/tamperAggregateSum";

const D = 100;

function sumOf(seed: number): Int32Array {
  return Int32Array.from({ length: D }, (_, i) => ((i * 7919 + seed * 104_729) % 2001) - 1000);
}

function maskedOf(seed: number, limbs: 2 | 3): Uint32Array {
  // Any limbs do: the commitment encodes them as given (rlwr: < 2^40 with limb1 < 2^8).
  return Uint32Array.from({ length: D * limbs }, (_, i) => (i % limbs === 1 && limbs === 2 ? (i + seed) % 256 : (i * 2_654_435_761 + seed) >>> 0));
}

const payloadHash = (label: string): string => keccak256(new TextEncoder().encode(label));

describe("MASH watcher logic", function () {
  describe("findWrongLeaf", function () {
    it("finds nothing when the posted sum is the recomputed one", function () {
      expect(findWrongLeaf(sumOf(1), Int32Array.from(sumOf(1)))).to.equal(undefined);
    });

    it("names the first differing coordinate and its leaf (16 coordinates a leaf)", function () {
      const posted = Int32Array.from(sumOf(1));
      posted[37] += 1;
      posted[90] -= 5;
      expect(findWrongLeaf(sumOf(1), posted)).to.deep.equal({ leafIndex: 2, coordinate: 37, trueValue: sumOf(1)[37], postedValue: sumOf(1)[37]! + 1 });
    });

    it("finds the demo's tampering at coordinate 0", function () {
      const wrong = findWrongLeaf(sumOf(2), tamperAggregateSum(sumOf(2)));
      expect(wrong?.leafIndex).to.equal(0);
      expect(wrong?.coordinate).to.equal(0);
    });

    it("refuses sums of different lengths with WatchInputError", function () {
      expect(() => findWrongLeaf(sumOf(1), new Int32Array(D + 1))).to.throw(WatchInputError, "coordinates");
    });
  });

  describe("buildChallenge", function () {
    for (const limbs of [2, 3] as const) {
      it(`opens the wrong leaf of every vector (${limbs} limbs) and of the sum, proofs valid against the committed roots`, function () {
        const vectors = [0, 1, 2, 3].map((seed) => ({ masked: maskedOf(seed, limbs), payloadHash: payloadHash(`vector ${seed}`) }));
        const posted = tamperAggregateSum(sumOf(3), 5);
        const wrong = findWrongLeaf(sumOf(3), posted)!;
        const challenge = buildChallenge({
          leafIndex: wrong.leafIndex,
          vectors: vectors.map((v) => ({ payloadHash: v.payloadHash, tree: maskedVectorTree(v.masked, limbs) })),
          sum: { tree: aggregateSumTree(posted) },
        });
        expect(challenge.openings).to.have.length(4);
        const width = limbs === 2 ? 8 : 16;
        for (const [v, opening] of challenge.openings.entries()) {
          const tree = maskedVectorTree(vectors[v]!.masked, limbs);
          expect(opening.payloadHash).to.equal(vectors[v]!.payloadHash);
          expect(verifyVectorMerkleProof(getBytes(opening.values), width, wrong.leafIndex, opening.proof, tree.root)).to.equal(true);
          // The commitment the contract holds for that submission.
          expect(challenge.commitments[v]).to.equal(maskedSubmissionCommitment(vectors[v]!.payloadHash, vectors[v]!.masked, limbs));
        }
        const sumTree = aggregateSumTree(posted);
        expect(verifyVectorMerkleProof(getBytes(challenge.aggregate.values), 8, wrong.leafIndex, challenge.aggregate.proof, sumTree.root)).to.equal(true);
        // The aggregateHash is the sum's root alone; the aggregate opening's payloadHash is ignored (zero).
        expect(challenge.aggregateCommitment).to.equal(aggregateCommitment(posted));
        expect(challenge.aggregateCommitment).to.equal(sumTree.root);
        expect(challenge.aggregate.payloadHash).to.equal(ZeroHash);
        // The opened sum leaf holds the posted (wrong) value at the wrong coordinate, as int64 big-endian.
        const slot = wrong.coordinate % 16;
        const view = new DataView(getBytes(challenge.aggregate.values).buffer);
        expect(Number(view.getBigInt64(slot * 8))).to.equal(wrong.postedValue);
      });
    }

    it("does not verify against another leaf's index", function () {
      const posted = sumOf(4);
      const challenge = buildChallenge({ leafIndex: 3, vectors: [{ payloadHash: payloadHash("v"), tree: maskedVectorTree(maskedOf(0, 2), 2) }], sum: { tree: aggregateSumTree(posted) } });
      expect(verifyVectorMerkleProof(getBytes(challenge.aggregate.values), 8, 2, challenge.aggregate.proof, aggregateSumTree(posted).root)).to.equal(false);
    });

    it("builds the same challenge from trees built one at a time (a watcher holds one tree, not N)", function () {
      const posted = sumOf(4);
      const masked = [maskedOf(0, 2), maskedOf(1, 2), maskedOf(2, 2)];
      const built: number[] = [];
      const eager = buildChallenge({ leafIndex: 1, vectors: masked.map((m, v) => ({ payloadHash: payloadHash(`v${v}`), tree: maskedVectorTree(m, 2) })), sum: { tree: aggregateSumTree(posted) } });
      const lazy = buildChallenge({
        leafIndex: 1,
        vectors: masked.map((m, v) => ({ payloadHash: payloadHash(`v${v}`), tree: () => (built.push(v), maskedVectorTree(m, 2)) })),
        sum: { tree: aggregateSumTree(posted) },
      });
      expect(lazy).to.deep.equal(eager);
      expect(built).to.deep.equal([0, 1, 2]);
    });

    it("refuses a leaf past the vector, no vectors, or vectors of another length with WatchInputError", function () {
      const sum = { tree: aggregateSumTree(sumOf(5)) };
      const vector = { payloadHash: payloadHash("v"), tree: maskedVectorTree(maskedOf(0, 2), 2) };
      expect(() => buildChallenge({ leafIndex: 7, vectors: [vector], sum })).to.throw(WatchInputError, "past the last leaf");
      expect(() => buildChallenge({ leafIndex: 0, vectors: [], sum })).to.throw(WatchInputError, "none given");
      expect(() => buildChallenge({ leafIndex: 0, vectors: [{ payloadHash: payloadHash("v"), tree: maskedVectorTree(new Uint32Array(2 * (D + 1)), 2) }], sum })).to.throw(WatchInputError, "coordinates");
    });
  });
});
