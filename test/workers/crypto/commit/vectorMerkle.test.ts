// The vector Merkle commitment ("fedmash/vector-merkle/v1") a Solidity contract will verify: roots equal an
// independent recursive implementation written with ethers' keccak256 (a tiny case by hand, two and three
// leaves, a random d = 1000), every proof opens its leaf and a flipped byte does not, the three encoders write the
// exact big-endian bytes, and bad input is a VectorMerkleInputError. It prints the build time for d = 101,770.
import { expect } from "chai";
import { concat, keccak256, solidityPackedKeccak256, toBeHex } from "ethers";
import { VectorMerkleInputError } from "../../../../workers/crypto/commit/errors";
import {
  VECTOR_MERKLE_LEAF_VALUES,
  aggregateSumTree,
  buildVectorMerkleTree,
  commitmentHash,
  depthOf,
  encodeAggregateSum,
  encodeMaskedVector,
  encodePaperCompatMaskedVector,
  encodeRlwrMaskedVector,
  leafCountOf,
  maskedVectorTree,
  vectorMerkleRoot,
  verifyVectorMerkleProof,
  type VectorMerkleWidth,
} from "../../../../workers/crypto/commit/vectorMerkle";

// The spec, straightforwardly: recursive over the 2^D leaves, values past d are zero.
function referenceRoot(values: readonly bigint[], width: VectorMerkleWidth): string {
  const leafCount = Math.ceil(values.length / 16);
  let depth = 0;
  while (2 ** depth < leafCount) depth++;
  const leaf = (k: number): string => {
    const parts = ["0x00"];
    for (let i = 16 * k; i < 16 * k + 16; i++) parts.push(toBeHex(values[i] ?? 0n, width));
    return keccak256(concat(parts));
  };
  const node = (level: number, index: number): string =>
    level === 0 ? leaf(index) : keccak256(concat(["0x01", node(level - 1, 2 * index), node(level - 1, 2 * index + 1)]));
  return node(depth, 0);
}

// A small deterministic generator (xorshift32), so failures reproduce.
function randomLimbs(count: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

const rlwrValues = (limbs: Uint32Array): bigint[] =>
  Array.from({ length: limbs.length / 2 }, (_, i) => (BigInt(limbs[2 * i + 1]!) << 32n) | BigInt(limbs[2 * i]!));
const paperValues = (limbs: Uint32Array): bigint[] =>
  Array.from({ length: limbs.length / 3 }, (_, i) => (BigInt(limbs[3 * i + 2]!) << 64n) | (BigInt(limbs[3 * i + 1]!) << 32n) | BigInt(limbs[3 * i]!));

function flipByte<T extends Uint8Array>(bytes: T, index: number): T {
  const copy = bytes.slice() as T;
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe("vectorMerkle", function () {
  it("d = 3, w = 8: the root is the single leaf's hash keccak256(0x00 ‖ v0 ‖ v1 ‖ v2 ‖ 13 zeros), no proof", function () {
    const masked = Uint32Array.from([0x05060708, 0x01020304, 0xffffffff, 0x00000000, 0x00000001, 0xfffffff0]);
    const tree = maskedVectorTree(masked, 2);
    const types = ["uint8", ...Array<string>(16).fill("uint64")];
    const expected = solidityPackedKeccak256(types, [0, 0x0102030405060708n, 0xffffffffn, 0xfffffff000000001n, ...Array<bigint>(13).fill(0n)]);
    expect(tree.root).to.equal(expected);
    expect([tree.depth, tree.leafCount, tree.length, tree.width]).to.deep.equal([0, 1, 3, 8]);
    expect(tree.proof(0)).to.deep.equal([]);
    expect(verifyVectorMerkleProof(tree.leafValues(0), 8, 0, [], tree.root)).to.equal(true);
  });

  it("d = 17 (two leaves, depth 1) and d = 33 (three leaves and a padding leaf, depth 2) match the reference, both widths", function () {
    for (const d of [17, 33]) {
      const two = randomLimbs(2 * d, d);
      const rlwr = maskedVectorTree(two, 2);
      expect(rlwr.root, `rlwr d = ${d}`).to.equal(referenceRoot(rlwrValues(two), 8));
      const three = randomLimbs(3 * d, 1000 + d);
      const paper = maskedVectorTree(three, 3);
      expect(paper.root, `paper-compat d = ${d}`).to.equal(referenceRoot(paperValues(three), 16));
      const sum = Int32Array.from(randomLimbs(d, 2000 + d));
      expect(aggregateSumTree(sum).root, `sum d = ${d}`).to.equal(referenceRoot(Array.from(sum, (v) => BigInt.asUintN(64, BigInt(v))), 8));
      expect(vectorMerkleRoot(encodeRlwrMaskedVector(two), 8, d)).to.equal(rlwr.root);
      expect(vectorMerkleRoot(encodePaperCompatMaskedVector(three), 16, d)).to.equal(paper.root);
    }
    expect([leafCountOf(17), depthOf(17), leafCountOf(33), depthOf(33)]).to.deep.equal([2, 1, 3, 2]);
    // The d = 33 padding leaf (index 3) is a zero leaf, so leaf 2's sibling is its hash.
    const tree = maskedVectorTree(randomLimbs(66, 7), 2);
    expect(tree.proof(2)[0]).to.equal(keccak256(concat(["0x00", new Uint8Array(128)])));
  });

  it("d = 1000: every proof opens its leaf, and a flipped byte in the values, the proof or the root does not", function () {
    for (const limbs of [2, 3] as const) {
      const masked = randomLimbs(1000 * limbs, 42 + limbs);
      const tree = maskedVectorTree(masked, limbs);
      const width = tree.width;
      expect([tree.leafCount, tree.depth]).to.deep.equal([63, 6]);
      expect(tree.root).to.equal(referenceRoot(limbs === 2 ? rlwrValues(masked) : paperValues(masked), width));
      for (let k = 0; k < tree.leafCount; k++) {
        const values = tree.leafValues(k);
        const proof = tree.proof(k);
        expect(proof).to.have.length(6);
        expect(verifyVectorMerkleProof(values, width, k, proof, tree.root), `leaf ${k}`).to.equal(true);
        expect(verifyVectorMerkleProof(flipByte(values, (k * 7) % values.length), width, k, proof, tree.root)).to.equal(false);
        const level = k % 6;
        const badProof: string[] = proof.slice();
        badProof[level] = toBeHex(BigInt(proof[level]!) ^ 1n, 32);
        expect(verifyVectorMerkleProof(values, width, k, badProof, tree.root)).to.equal(false);
        expect(verifyVectorMerkleProof(values, width, k ^ 1, proof, tree.root)).to.equal(false);
      }
      const proof0 = tree.proof(0);
      expect(verifyVectorMerkleProof(tree.leafValues(0), width, 0, proof0, toBeHex(BigInt(tree.root) ^ 1n, 32))).to.equal(false);
      expect(verifyVectorMerkleProof(tree.leafValues(0), width, 0, proof0.slice(1), tree.root)).to.equal(false);
      expect(verifyVectorMerkleProof(tree.leafValues(0), width, 64, proof0, tree.root)).to.equal(false);
      expect(verifyVectorMerkleProof(tree.leafValues(0), width, 0, [...proof0.slice(1), "0x12"], tree.root)).to.equal(false);
    }
  });

  it("encodes int32 as int64 two's complement, and paper-compat values from 3 limbs, big-endian", function () {
    const sum = encodeAggregateSum(Int32Array.from([-1, 1, -2147483648, 2147483647]));
    expect(sum.length).to.equal(16 * 8);
    expect(Buffer.from(sum.subarray(0, 32)).toString("hex")).to.equal(
      "ffffffffffffffff" + "0000000000000001" + "ffffffff80000000" + "000000007fffffff",
    );
    expect(sum.subarray(32).every((b) => b === 0)).to.equal(true);

    const paper = encodePaperCompatMaskedVector(Uint32Array.from([0x11111111, 0x22222222, 0xabcd, 0xffffffff, 0xfffffffe, 0xffffffff]));
    expect(paper.length).to.equal(16 * 16);
    expect(Buffer.from(paper.subarray(0, 32)).toString("hex")).to.equal(
      "00000000" + "0000abcd" + "22222222" + "11111111" + "00000000" + "ffffffff" + "fffffffe" + "ffffffff",
    );
    expect(Buffer.from(paper.subarray(0, 16)).toString("hex")).to.equal(toBeHex((0xabcdn << 64n) | (0x22222222n << 32n) | 0x11111111n, 16).slice(2));

    // A high limb ≥ 2^8 is encoded as given; the contract judges the values.
    const rlwr = encodeMaskedVector(Uint32Array.from([0x89abcdef, 0x01234567]), 2);
    expect(Buffer.from(rlwr.subarray(0, 8)).toString("hex")).to.equal("0123456789abcdef");
    expect(rlwr.length).to.equal(VECTOR_MERKLE_LEAF_VALUES * 8);
  });

  it("binds a payload: commitmentHash is keccak256(payloadHash ‖ root)", function () {
    const root = aggregateSumTree(Int32Array.from([1, -2, 3])).root;
    const payload = keccak256("0xdeadbeef");
    expect(commitmentHash(payload, root)).to.equal(solidityPackedKeccak256(["bytes32", "bytes32"], [payload, root]));
    expect(commitmentHash(payload.toUpperCase().replace("0X", "0x"), root)).to.equal(commitmentHash(payload, root));
  });

  it("buildVectorMerkleTree takes encoded values and keeps its own copy", function () {
    const encoded = encodeAggregateSum(Int32Array.from(randomLimbs(40, 9)));
    const tree = buildVectorMerkleTree(encoded, 8, 40);
    expect(tree.root).to.equal(aggregateSumTree(Int32Array.from(randomLimbs(40, 9))).root);
    const before = tree.leafValues(1);
    encoded[200] = encoded[200]! ^ 0xff;
    expect(tree.leafValues(1)).to.deep.equal(before);
  });

  it("refuses bad input with VectorMerkleInputError", function () {
    expect(() => maskedVectorTree(new Uint32Array(5), 2)).to.throw(VectorMerkleInputError, "not a multiple of 2");
    expect(() => maskedVectorTree(new Uint32Array(7), 3)).to.throw(VectorMerkleInputError, "not a multiple of 3");
    expect(() => encodeMaskedVector(new Uint32Array(8), 4 as 2)).to.throw(VectorMerkleInputError, "limbs per element");
    expect(() => maskedVectorTree(new Uint32Array(0), 2)).to.throw(VectorMerkleInputError, "d = 0");
    expect(() => aggregateSumTree(new Int32Array(0))).to.throw(VectorMerkleInputError, "d = 0");
    expect(() => leafCountOf(0)).to.throw(VectorMerkleInputError, "d = 0");
    expect(() => buildVectorMerkleTree(new Uint8Array(0), 8, 0)).to.throw(VectorMerkleInputError, "d = 0");
    expect(() => buildVectorMerkleTree(new Uint8Array(128), 4 as 8, 3)).to.throw(VectorMerkleInputError, "width");
    expect(() => buildVectorMerkleTree(new Uint8Array(127), 8, 3)).to.throw(VectorMerkleInputError, "expected leafCount·16·w = 128");
    expect(() => vectorMerkleRoot(flipByte(new Uint8Array(128), 3 * 8), 8, 3)).to.throw(VectorMerkleInputError, "padding position 3");

    const tree = maskedVectorTree(randomLimbs(2 * 33, 3), 2);
    for (const k of [-1, 3, 4, 1.5]) {
      expect(() => tree.proof(k), `proof(${k})`).to.throw(VectorMerkleInputError, "leaf index");
      expect(() => tree.leafValues(k), `leafValues(${k})`).to.throw(VectorMerkleInputError, "leaf index");
    }
    expect(() => verifyVectorMerkleProof(new Uint8Array(100), 8, 0, [], tree.root)).to.throw(VectorMerkleInputError, "leaf values");
    expect(() => verifyVectorMerkleProof(new Uint8Array(128), 8, -1, [], tree.root)).to.throw(VectorMerkleInputError, "leaf index");
    expect(() => commitmentHash("0x1234", tree.root)).to.throw(VectorMerkleInputError, "payload hash");
    expect(() => commitmentHash(tree.root, "0x")).to.throw(VectorMerkleInputError, "root");
  });

  it("builds the MNIST mlp tree (d = 101,770: 6,361 leaves, depth 13) and prints the time", function () {
    this.timeout(20_000);
    const d = 101_770;
    const inputs = { 2: randomLimbs(2 * d, 11), 3: randomLimbs(3 * d, 12) } as const;
    const sum = Int32Array.from(randomLimbs(d, 13));
    const times: string[] = [];
    for (const [label, build] of [
      ["w = 8 (rlwr-2048 masked)", () => maskedVectorTree(inputs[2], 2)],
      ["w = 16 (paper-compat masked)", () => maskedVectorTree(inputs[3], 3)],
      ["w = 8 (aggregate sum)", () => aggregateSumTree(sum)],
    ] as const) {
      const runs: number[] = [];
      let depth = 0;
      let leafCount = 0;
      for (let run = 0; run < 3; run++) {
        const start = process.hrtime.bigint();
        const tree = build();
        runs.push(Number(process.hrtime.bigint() - start) / 1e6);
        ({ depth, leafCount } = tree);
      }
      expect([leafCount, depth]).to.deep.equal([6361, 13]);
      times.push(`${label}: ${runs.map((ms) => ms.toFixed(1)).join(" / ")} ms`);
    }
    console.log(`      vector Merkle tree, d = ${d}, encode + build, 3 runs each: ${times.join("; ")}`);
  });
});
