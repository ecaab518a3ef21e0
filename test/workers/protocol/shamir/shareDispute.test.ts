// The share-sum dispute's pure helpers against the contract's rule and ABI: findInconsistentLeaf agrees with a BigInt
// re-implementation of "interpolate the first t by serverIndex, predict the rest, a value ≥ p is inconsistent" (a
// lying server's lie is found at its leaf, wherever the liar sits; honest sums give undefined; d = 101,770 with 16
// servers is fast), and the openings and the answer verify with a small ethers re-implementation of the vector-merkle
// leaf and proof walk, the shares of an answer add up to the share-sum's leaf, and ethers encodes them as the ABI's
// SumOpening[] / ClientShareOpening[] structs.
import { expect } from "chai";
import { AbiCoder, Interface, concat, dataSlice, getBytes, keccak256 } from "ethers";
import { fieldVectorRoot, shareSumCommitment } from "../../../../workers/crypto/commit/shamirCommitments";
import { addShares } from "../../../../workers/crypto/shamir/addShares";
import { ShamirDuplicateServerError, ShamirNotEnoughSharesError } from "../../../../workers/crypto/shamir/errors";
import { SHAMIR_PRIME } from "../../../../workers/crypto/shamir/shamirField";
import { shareVector } from "../../../../workers/crypto/shamir/shareVector";
import { ShareDisputeInputError } from "../../../../workers/protocol/shamir/errors";
import { answerBatches, findInconsistentLeaf, shareDisputeAnswer, shareSumOpenings, type PostedShareSum } from "../../../../workers/protocol/shamir/shareDispute";

const P = BigInt(SHAMIR_PRIME);
const SUM_OPENING = "tuple(uint32 serverIndex, bytes32 payloadHash, bytes32 root, bytes values, bytes32[] proof)";
const CLIENT_SHARE_OPENING = "tuple(bytes32 manifestHash, bytes32[] shareRoots, bytes values, bytes32[] proof)";
const SHAMIR_ABI = new Interface([
  `function openShareDispute(uint256 roundId, uint256 leafIndex, ${SUM_OPENING}[] openings)`,
  `function answerShareDispute(uint256 roundId, ${SUM_OPENING} sum, ${CLIENT_SHARE_OPENING}[] clients)`,
]);

/** The contract's walk: keccak256(0x00 ‖ values), then keccak256(0x01 ‖ left ‖ right) up, bit i of k says right. */
function walk(values: string, k: number, proof: readonly string[]): string {
  let node = keccak256(concat(["0x00", values]));
  proof.forEach((sibling, i) => {
    node = (k >> i) & 1 ? keccak256(concat(["0x01", sibling, node])) : keccak256(concat(["0x01", node, sibling]));
  });
  return node;
}

/** The 16 values of a leaf's 128 bytes. */
const leafValuesOf = (hex: string): bigint[] => Array.from({ length: 16 }, (_, i) => BigInt(dataSlice(hex, 8 * i, 8 * i + 8)));

const inverse = (a: bigint): bigint => {
  let [result, base, exponent] = [1n, ((a % P) + P) % P, P - 2n];
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % P;
    base = (base * base) % P;
    exponent >>= 1n;
  }
  return result;
};

/** The rule, written out in BigInt one coordinate at a time. */
function referenceLeaf(sums: readonly PostedShareSum[], threshold: number): number | undefined {
  const sorted = [...sums].sort((a, b) => a.serverIndex - b.serverIndex);
  const basis = sorted.slice(0, threshold);
  const xs = basis.map((s) => BigInt(s.serverIndex + 1));
  for (let i = 0; i < sorted[0]!.values.length; i++) {
    if (sorted.some((s) => BigInt(s.values[i]!) >= P)) return i >> 4;
    for (const other of sorted.slice(threshold)) {
      const at = BigInt(other.serverIndex + 1);
      let predicted = 0n;
      basis.forEach((b, j) => {
        let weight = 1n;
        xs.forEach((xm, m) => {
          if (m !== j) weight = (((weight * (at - xm)) % P) * inverse(xs[j]! - xm)) % P;
        });
        predicted = (predicted + ((weight + P) % P) * BigInt(b.values[i]!)) % P;
      });
      if (predicted !== BigInt(other.values[i]!)) return i >> 4;
    }
  }
  return undefined;
}

/** A small deterministic generator (xorshift32). */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** n servers' shares of `clients` random updates, and each server's honest share-sum. */
function shareRound(d: number, clients: number, servers: number, threshold: number, seed: number) {
  const next = generator(seed);
  const shares = Array.from({ length: clients }, () => shareVector(Int32Array.from({ length: d }, () => (next() % 20_001) - 10_000), { servers, threshold }));
  const sums = Array.from({ length: servers }, (_, j) => {
    const sum = new Uint32Array(d);
    for (const client of shares) addShares(sum, client[j]!);
    return sum;
  });
  return { shares, sums };
}

const posted = (sums: readonly Uint32Array[], indices: readonly number[]): PostedShareSum[] => indices.map((j) => ({ serverIndex: j, values: sums[j]!.slice() }));
const lie = (sum: PostedShareSum, coordinate: number, by = 1): void => {
  sum.values[coordinate] = (sum.values[coordinate]! + by) % SHAMIR_PRIME;
};

describe("shareDispute (FedmashShamir's share-sum dispute, fedmash/shamir-commit/v1)", function () {
  const D = 100; // 7 leaves, the last one partly padding
  const { shares, sums } = shareRound(D, 3, 5, 3, 7);

  describe("findInconsistentLeaf", function () {
    it("honest share-sums, of all servers or any t + 1 of them: undefined", function () {
      expect(findInconsistentLeaf(posted(sums, [0, 1, 2, 3, 4]), 3)).to.equal(undefined);
      expect(findInconsistentLeaf(posted(sums, [4, 1, 3, 0]), 3)).to.equal(undefined);
      expect(findInconsistentLeaf(posted(sums, [2, 3, 4]), 3)).to.equal(undefined);
    });

    it("a lying server outside the basis, inside it, or first: the leaf of its lie", function () {
      for (const [liar, coordinate] of [
        [4, 37],
        [1, 99],
        [0, 0],
        [2, 64],
      ] as const) {
        const given = posted(sums, [0, 1, 2, 3, 4]);
        lie(given[liar]!, coordinate);
        expect(findInconsistentLeaf(given, 3), `server ${liar}, coordinate ${coordinate}`).to.equal(coordinate >> 4);
      }
    });

    it("two lies: the lower leaf, whichever server told it", function () {
      const given = posted(sums, [3, 0, 4, 1]);
      lie(given[0]!, 90, 12345);
      lie(given[2]!, 50);
      expect(findInconsistentLeaf(given, 3)).to.equal(3);
    });

    it("a value ≥ p is inconsistent, even with exactly t sums (nothing else to predict)", function () {
      const given = posted(sums, [0, 1, 2]);
      expect(findInconsistentLeaf(given, 3)).to.equal(undefined);
      given[1]!.values[21] = SHAMIR_PRIME;
      expect(findInconsistentLeaf(given, 3)).to.equal(1);
      const all = posted(sums, [0, 1, 2, 3]);
      all[3]!.values[95] = 0xffffffff;
      expect(findInconsistentLeaf(all, 3)).to.equal(5);
    });

    it("agrees with the BigInt rule on random lies, t = 2 … 5", function () {
      const next = generator(99);
      for (let round = 0; round < 24; round++) {
        const threshold = 2 + (round % 4);
        const servers = threshold + 1 + (round % 3);
        const setting = shareRound(40, 2, servers, threshold, 1000 + round);
        const given = posted(setting.sums, Array.from({ length: servers }, (_, j) => j));
        const liars = 1 + (next() % 2);
        for (let l = 0; l < liars; l++) lie(given[next() % servers]!, next() % 40, 1 + (next() % 1000));
        if (round % 5 === 0) given[next() % servers]!.values[next() % 40] = SHAMIR_PRIME + (next() % 100);
        expect(findInconsistentLeaf(given, threshold), `round ${round}`).to.equal(referenceLeaf(given, threshold));
      }
    });

    it("d = 101,770, 16 servers, t = 9: a lie in the last coordinate is found in its leaf, quickly", function () {
      this.timeout(60_000);
      const big = shareRound(101_770, 1, 16, 9, 5);
      const given = posted(big.sums, Array.from({ length: 16 }, (_, j) => j));
      let started = Date.now();
      expect(findInconsistentLeaf(given, 9)).to.equal(undefined);
      const honestMs = Date.now() - started;
      lie(given[12]!, 101_769);
      started = Date.now();
      expect(findInconsistentLeaf(given, 9)).to.equal(Math.floor(101_769 / 16));
      const lyingMs = Date.now() - started;
      console.log(`      findInconsistentLeaf d = 101,770, n = 16, t = 9: ${honestMs} ms honest, ${lyingMs} ms with a last-coordinate lie`);
      expect(Math.max(honestMs, lyingMs)).to.be.lessThan(5_000);
    });

    it("refuses fewer than t sums, duplicate servers, unequal lengths and no sums by name", function () {
      expect(() => findInconsistentLeaf(posted(sums, [0, 1]), 3)).to.throw(ShamirNotEnoughSharesError);
      expect(() => findInconsistentLeaf([...posted(sums, [0, 1]), ...posted(sums, [1])], 2)).to.throw(ShamirDuplicateServerError);
      expect(() => findInconsistentLeaf([...posted(sums, [0, 1]), { serverIndex: 2, values: new Uint32Array(D - 1) }], 2)).to.throw("differ in length");
      expect(() => findInconsistentLeaf([], 2)).to.throw(ShareDisputeInputError);
    });
  });

  describe("shareSumOpenings", function () {
    it("opens the leaf of every sum in serverIndex order, each verifying against its root and its on-chain commitment", function () {
      const given = [4, 0, 2, 1].map((j) => ({ serverIndex: j, values: sums[j]!, payloadHash: keccak256(Uint8Array.of(j)) }));
      for (const leafIndex of [0, 3, 6]) {
        const openings = shareSumOpenings(given, leafIndex);
        expect(openings.map((o) => o.payloadHash)).to.deep.equal([0, 1, 2, 4].map((j) => keccak256(Uint8Array.of(j))));
        expect(openings.map((o) => o.serverIndex)).to.deep.equal([0, 1, 2, 4]);
        openings.forEach((opening, position) => {
          const j = [0, 1, 2, 4][position]!;
          expect(opening.root).to.equal(fieldVectorRoot(sums[j]!));
          expect(keccak256(concat([opening.payloadHash, opening.root]))).to.equal(shareSumCommitment(opening.payloadHash, sums[j]!));
          expect(getBytes(opening.values)).to.have.length(128);
          expect(opening.proof).to.have.length(3);
          expect(walk(opening.values, leafIndex, opening.proof), `server ${j}, leaf ${leafIndex}`).to.equal(opening.root);
          expect(leafValuesOf(opening.values)).to.deep.equal(Array.from({ length: 16 }, (_, i) => BigInt(sums[j]![16 * leafIndex + i] ?? 0)));
        });
        // What openShareDispute takes, as ethers encodes it.
        const data = SHAMIR_ABI.encodeFunctionData("openShareDispute", [5n, leafIndex, openings]);
        const decoded = SHAMIR_ABI.decodeFunctionData("openShareDispute", data);
        expect(decoded[2][1].root).to.equal(openings[1]!.root);
      }
      expect(() => shareSumOpenings(given, 7)).to.throw("leaf index");
    });
  });

  describe("shareDisputeAnswer", function () {
    const posted = (serverIndex: number, values: Uint32Array) => ({ serverIndex, values, payloadHash: keccak256(Uint8Array.of(serverIndex)) });

    it("opens the posted share-sum's leaf and every client's share of it against its committed root, adding up mod p", function () {
      const serverIndex = 3;
      const clients = shares.map((client, c) => ({ manifestHash: keccak256(Uint8Array.of(100 + c)), shareRoots: client.map((share) => fieldVectorRoot(share)), share: client[serverIndex]! }));
      for (const leafIndex of [0, 2, 6]) {
        const answer = shareDisputeAnswer(leafIndex, posted(serverIndex, sums[serverIndex]!), clients);
        expect(answer.consistent).to.equal(true);
        expect(answer.sum).to.deep.include({ serverIndex, payloadHash: keccak256(Uint8Array.of(serverIndex)), root: fieldVectorRoot(sums[serverIndex]!) });
        expect(leafValuesOf(answer.sum.values)).to.deep.equal(Array.from({ length: 16 }, (_, i) => BigInt(sums[serverIndex]![16 * leafIndex + i] ?? 0)));
        expect(walk(answer.sum.values, leafIndex, answer.sum.proof)).to.equal(fieldVectorRoot(sums[serverIndex]!));
        expect(answer.clients.map((c) => c.manifestHash)).to.deep.equal(clients.map((c) => c.manifestHash));
        const total = new Array<bigint>(16).fill(0n);
        answer.clients.forEach((opening, c) => {
          expect(opening.shareRoots).to.deep.equal(clients[c]!.shareRoots);
          expect(walk(opening.values, leafIndex, opening.proof), `client ${c}, leaf ${leafIndex}`).to.equal(opening.shareRoots[serverIndex]);
          leafValuesOf(opening.values).forEach((v, i) => (total[i] = (total[i]! + v) % P));
        });
        expect(total).to.deep.equal(leafValuesOf(answer.sum.values));
        const data = SHAMIR_ABI.encodeFunctionData("answerShareDispute", [5n, answer.sum, answer.clients]);
        expect(SHAMIR_ABI.decodeFunctionData("answerShareDispute", data)[2][2].manifestHash).to.equal(clients[2]!.manifestHash);
        expect(AbiCoder.defaultAbiCoder().encode([`${CLIENT_SHARE_OPENING}[]`], [answer.clients])).to.be.a("string");
      }
    });

    it("refuses a share that is not the committed one, and says when the shares do not add up to the posted sum", function () {
      const clients = shares.map((client) => ({ manifestHash: keccak256("0x01"), shareRoots: client.map((share) => fieldVectorRoot(share)), share: client[1]! }));
      expect(() => shareDisputeAnswer(0, posted(2, sums[2]!), clients)).to.throw(ShareDisputeInputError, "committed");
      const wrong = sums[1]!.slice();
      wrong[40] = (wrong[40]! + 1) % SHAMIR_PRIME;
      // A lying server's answer opens what it posted, and its shares do not add up to it there.
      expect(shareDisputeAnswer(2, posted(1, wrong), clients).consistent).to.equal(false);
      // Another leaf of the same wrong sum is fine: only the disputed leaf is opened.
      expect(shareDisputeAnswer(1, posted(1, wrong), clients).consistent).to.equal(true);
    });

    it("splits the client openings into batches of the given size, in order", function () {
      const clients = shares.map((client) => ({ manifestHash: keccak256("0x01"), shareRoots: client.map((share) => fieldVectorRoot(share)), share: client[1]! }));
      const answer = shareDisputeAnswer(0, posted(1, sums[1]!), clients);
      expect(answerBatches(answer, 2).map((batch) => batch.length)).to.deep.equal([2, 1]);
      expect(answerBatches(answer, 2).flat()).to.deep.equal(answer.clients);
      expect(answerBatches(answer)).to.have.length(1);
      expect(() => answerBatches(answer, 0)).to.throw(ShareDisputeInputError);
    });
  });
});

/** A proof from the production tree, to check the sum leaf the answer gives walks up to the share-sum's root. */
function fieldVectorTreeProof(values: Uint32Array, leafIndex: number): string[] {
  return shareSumOpenings([{ serverIndex: 0, values, payloadHash: keccak256("0x") }], leafIndex)[0]!.proof;
}
