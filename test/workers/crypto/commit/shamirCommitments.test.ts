// The Shamir commitments "fedmash/shamir-commit/v1" a contract will verify: a field vector's root equals an
// independent recursive implementation with ethers' keccak256 (8-byte big-endian values, 16 a leaf, zero padding
// leaves), its proofs open through verifyVectorMerkleProof, shareRootsHash is abi.encodePacked(bytes32[]) hashed, and
// the client and share-sum commitments are keccak256(payloadHash ‖ root) of those.
import { expect } from "chai";
import { concat, keccak256, solidityPackedKeccak256, toBeHex } from "ethers";
import { VectorMerkleInputError } from "../../../../workers/crypto/commit/errors";
import {
  decodeFieldLeaf,
  encodeFieldVector,
  fieldVectorRoot,
  fieldVectorTree,
  shamirSubmissionCommitment,
  shareRootsHash,
  shareSumCommitment,
} from "../../../../workers/crypto/commit/shamirCommitments";
import { verifyVectorMerkleProof } from "../../../../workers/crypto/commit/vectorMerkle";
import { SHAMIR_PRIME } from "../../../../workers/crypto/shamir/shamirField";

function referenceRoot(values: Uint32Array): string {
  const leafCount = Math.ceil(values.length / 16);
  let depth = 0;
  while (2 ** depth < leafCount) depth++;
  const leaf = (k: number): string => keccak256(concat(["0x00", ...Array.from({ length: 16 }, (_, i) => toBeHex(values[16 * k + i] ?? 0, 8))]));
  const node = (level: number, index: number): string => (level === 0 ? leaf(index) : keccak256(concat(["0x01", node(level - 1, 2 * index), node(level - 1, 2 * index + 1)])));
  return node(depth, 0);
}

function fieldElements(count: number, seed: number): Uint32Array {
  let x = seed >>> 0 || 1;
  return Uint32Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % SHAMIR_PRIME;
  });
}

const hash = (byte: string): string => `0x${byte.repeat(32)}`;

describe("shamirCommitments (fedmash/shamir-commit/v1)", function () {
  it("encodes each field element as 8 big-endian bytes, zero-padded to whole leaves", function () {
    const bytes = encodeFieldVector(Uint32Array.from([1, SHAMIR_PRIME - 1, 0xffffffff]));
    expect(bytes.length).to.equal(128);
    expect(Buffer.from(bytes.subarray(0, 24)).toString("hex")).to.equal("0000000000000001" + "000000007ffffffe" + "00000000ffffffff");
    expect(bytes.subarray(24).every((b) => b === 0)).to.equal(true);
    expect(Array.from(decodeFieldLeaf(bytes).subarray(0, 4))).to.deep.equal([1, SHAMIR_PRIME - 1, 0xffffffff, 0]);
  });

  it("roots match the reference for d = 1, 16, 17, 33 and 1000, and every proof opens its leaf under the root", function () {
    for (const d of [1, 16, 17, 33, 1000]) {
      const values = fieldElements(d, d);
      const tree = fieldVectorTree(values);
      expect(tree.root, `d = ${d}`).to.equal(referenceRoot(values));
      expect(fieldVectorRoot(values)).to.equal(tree.root);
      for (let k = 0; k < tree.leafCount; k++) {
        expect(verifyVectorMerkleProof(tree.leafValues(k), 8, k, tree.proof(k), tree.root), `d = ${d}, leaf ${k}`).to.equal(true);
        expect(Array.from(decodeFieldLeaf(tree.leafValues(k)))).to.deep.equal(Array.from({ length: 16 }, (_, i) => values[16 * k + i] ?? 0));
      }
    }
  });

  it("shareRootsHash is keccak256(abi.encodePacked(bytes32[])), the commitments keccak256(payloadHash ‖ root)", function () {
    const roots = [hash("11"), hash("22"), hash("AB")];
    const expected = solidityPackedKeccak256(["bytes32", "bytes32", "bytes32"], roots);
    expect(shareRootsHash(roots)).to.equal(expected);
    expect(shamirSubmissionCommitment(hash("cd"), roots)).to.equal(keccak256(concat([hash("cd"), expected])));
    const sum = fieldElements(40, 3);
    expect(shareSumCommitment(hash("ef"), sum)).to.equal(keccak256(concat([hash("ef"), referenceRoot(sum)])));
  });

  it("refuses no roots, a short root, and leaf bytes of the wrong length, with VectorMerkleInputError", function () {
    expect(() => shareRootsHash([])).to.throw(VectorMerkleInputError);
    expect(() => shareRootsHash([hash("11"), "0x1234"])).to.throw(VectorMerkleInputError);
    expect(() => decodeFieldLeaf(new Uint8Array(64))).to.throw(VectorMerkleInputError);
    expect(() => fieldVectorRoot(new Uint32Array(0))).to.throw(VectorMerkleInputError);
  });
});
