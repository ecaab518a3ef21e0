// findFaultyClients on real shares: 4 servers, t = 2, five clients whose shares are committed with the workers' own
// fieldVectorTree, and the answers built by shareDisputeAnswer exactly as the servers send them. The client whose last
// share is tampered (tamperLastShare, the demo's adversary) is found with a proof the ABI encodes, whatever the batch
// split; honest clients never are, not even when an answer is forged, and nothing is returned when only t servers
// answered.
import { expect } from "chai";
import { Interface, hexlify } from "ethers";
import { fieldVectorTree } from "../../../../workers/crypto/commit/shamirCommitments";
import { verifyVectorMerkleProof } from "../../../../workers/crypto/commit/vectorMerkle";
import { SHAMIR_PRIME } from "../../../../workers/crypto/shamir/shamirField";
import { shareVector } from "../../../../workers/crypto/shamir/shareVector";
import { findFaultyClients, type ServerAnswer } from "../../../../workers/protocol/shamir/clientFault";
import { ShareDisputeInputError } from "../../../../workers/protocol/shamir/errors";
import { answerBatches, shareDisputeAnswer, type CommittedClientShare } from "../../../../workers/protocol/shamir/shareDispute";
import { tamperLastShare } from "../../../../workers/protocol/shamir/tamperShares";

const SERVERS = 4;
const THRESHOLD = 2;
const MODEL_SIZE = 40; // three leaves
const CLIENTS = 5;
const FAULTY = 2;
const PROVE_ABI = new Interface([
  "function proveClientFault(uint256 roundId, address client, tuple(bytes32 manifestHash, bytes32[] shareRoots, uint32 leafIndex, tuple(uint32 serverIndex, bytes values, bytes32[] proof)[] leaves) proof)",
]);

const addressOf = (c: number): string => `0x${(c + 1).toString(16).padStart(40, "0")}`;

/** Every client's n shares; `tamper` replaces client FAULTY's. */
function sharesOfClients(tamper: (shares: Uint32Array[]) => Uint32Array[] = tamperLastShare): Uint32Array[][] {
  return Array.from({ length: CLIENTS }, (_, c) => {
    const update = Int32Array.from({ length: MODEL_SIZE }, (_, i) => ((i * 7 + c * 13) % 201) - 100);
    const shares = shareVector(update, { servers: SERVERS, threshold: THRESHOLD });
    return c === FAULTY ? tamper(shares) : shares;
  });
}

/** What each server in `servers` publishes at `leaf`, split into batches of `batch` clients (last batch first when `reversed`). */
function answersOf(clientShares: Uint32Array[][], leaf: number, servers: number[], batch = 2, reversed = false): ServerAnswer[] {
  const committed = clientShares.map((shares, c) => ({ manifestHash: `0x${(c + 10).toString(16).padStart(64, "0")}`, shareRoots: shares.map((s) => fieldVectorTree(s).root) }));
  return servers.map((serverIndex) => {
    const clients: CommittedClientShare[] = clientShares.map((shares, c) => ({ ...committed[c]!, share: shares[serverIndex]! }));
    const answer = shareDisputeAnswer(leaf, { serverIndex, payloadHash: `0x${"ab".repeat(32)}`, values: new Uint32Array(MODEL_SIZE) }, clients);
    const batches = answerBatches(answer, batch).map((openings, b) => ({ first: b * batch, clients: openings }));
    return { serverIndex, batches: reversed ? batches.reverse() : batches };
  });
}

const included = Array.from({ length: CLIENTS }, (_, c) => addressOf(c));

describe("findFaultyClients (a client fault from a dispute's answers)", function () {
  it("names exactly the client whose shares are off its polynomial, with every answered leaf as an ABI-encodable proof", function () {
    const shares = sharesOfClients();
    const faulty = findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: answersOf(shares, 0, [0, 1, 2, 3]) });
    expect(faulty.map((f) => [f.client, f.position])).to.deep.equal([[addressOf(FAULTY), FAULTY]]);
    const { proof } = faulty[0]!;
    expect(proof.leafIndex).to.equal(0);
    expect(proof.leaves.map((leaf) => leaf.serverIndex)).to.deep.equal([0, 1, 2, 3]);
    expect(proof.shareRoots).to.deep.equal(shares[FAULTY]!.map((s) => fieldVectorTree(s).root));
    for (const leaf of proof.leaves) {
      const tree = fieldVectorTree(shares[FAULTY]![leaf.serverIndex]!);
      expect(leaf.values).to.equal(hexlify(tree.leafValues(0)));
      expect(verifyVectorMerkleProof(tree.leafValues(0), 8, 0, leaf.proof, proof.shareRoots[leaf.serverIndex]!)).to.equal(true);
    }
    const decoded = PROVE_ABI.decodeFunctionData("proveClientFault", PROVE_ABI.encodeFunctionData("proveClientFault", [7n, addressOf(FAULTY), proof]));
    expect(decoded[2].leaves).to.have.length(4);
  });

  it("gives the same answer for any batch split and order, and skips a batch position past the included clients", function () {
    const shares = sharesOfClients();
    const expected = findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: answersOf(shares, 0, [0, 1, 2, 3]) });
    const shuffled = answersOf(shares, 0, [3, 1, 0, 2], 3, true);
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: shuffled })).to.deep.equal(expected);
    // Fewer included clients than openings: the extra positions are nobody's.
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included: included.slice(0, FAULTY), answers: shuffled })).to.deep.equal([]);
  });

  it("returns nobody when every client is honest, when the tampered leaf is not the disputed one, or when only t servers answered", function () {
    const honest = sharesOfClients((shares) => shares);
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: answersOf(honest, 0, [0, 1, 2, 3]) })).to.deep.equal([]);
    const shares = sharesOfClients();
    expect(findFaultyClients({ leafIndex: 1, threshold: THRESHOLD, included, answers: answersOf(shares, 1, [0, 1, 2, 3]) })).to.deep.equal([]);
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: answersOf(shares, 0, [1, 3]) })).to.deep.equal([]);
    // t + 1 answers, the tampered server's among them, suffice.
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: answersOf(shares, 0, [0, 3, 1]) }).map((f) => f.proof.leaves.map((l) => l.serverIndex))).to.deep.equal([[0, 1, 3]]);
  });

  it("never frames an honest client with a forged opening: a leaf that does not open its root is dropped", function () {
    const honest = sharesOfClients((shares) => shares);
    const answers = answersOf(honest, 0, [0, 1, 2, 3]);
    const forged = answers[3]!.batches[0]!.clients[0]!;
    const values = Buffer.from(forged.values.slice(2), "hex");
    values[7] ^= 1; // coordinate 0, low byte
    const [first, ...later] = answers[3]!.batches;
    answers[3] = { serverIndex: 3, batches: [{ first: 0, clients: [{ ...forged, values: hexlify(values) }, ...first!.clients.slice(1)] }, ...later] };
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers })).to.deep.equal([]);
    // Two different openings of one client by one server: that server's evidence on the client is ignored, and the
    // other three servers' shares of it (the tampered one was server 3's) are consistent.
    const twice = answersOf(sharesOfClients(), 0, [0, 1, 2, 3]);
    const other = answersOf(sharesOfClients(), 0, [3])[0]!.batches[1]!; // fresh randomness: another share of FAULTY
    twice[3] = { serverIndex: 3, batches: [...twice[3]!.batches, other] };
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: twice })).to.deep.equal([]);
  });

  it("a committed value that is not a field element (≥ p) is a fault, as on-chain", function () {
    const shares = sharesOfClients((s) => {
      const copy = s.map((share) => Uint32Array.from(share));
      copy[0]![5] = SHAMIR_PRIME;
      return copy;
    });
    expect(findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: answersOf(shares, 0, [0, 1, 2]) }).map((f) => f.client)).to.deep.equal([addressOf(FAULTY)]);
  });

  it("refuses a bad threshold, leaf or two answers of one server by name", function () {
    const answers = answersOf(sharesOfClients(), 0, [0, 1, 2]);
    expect(() => findFaultyClients({ leafIndex: 0, threshold: 1, included, answers })).to.throw(/threshold/);
    expect(() => findFaultyClients({ leafIndex: -1, threshold: THRESHOLD, included, answers })).to.throw(ShareDisputeInputError);
    expect(() => findFaultyClients({ leafIndex: 0, threshold: THRESHOLD, included, answers: [answers[0]!, answers[0]!] })).to.throw(ShareDisputeInputError);
  });
});

describe("tamperLastShare (the demo's inconsistent-shares client)", function () {
  it("moves coordinate 0 of the last server's share by + 1 mod p, on copies", function () {
    const shares = [Uint32Array.of(1, 2), Uint32Array.of(3, 4), Uint32Array.of(SHAMIR_PRIME - 1, 6)];
    const tampered = tamperLastShare(shares);
    expect(tampered.map((s) => Array.from(s))).to.deep.equal([[1, 2], [3, 4], [0, 6]]);
    expect(Array.from(shares[2]!)).to.deep.equal([SHAMIR_PRIME - 1, 6]);
    expect(() => tamperLastShare([Uint32Array.of(1)])).to.throw(ShareDisputeInputError);
  });
});
