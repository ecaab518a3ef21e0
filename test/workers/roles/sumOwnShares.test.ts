// A Shamir server's sum over the frozen set, through a real embedded store and the real share encryption:
// honest clients (storeShareSubmission, as runShamirClient stores them) give a share-sum that, with another server's,
// reconstructs exactly Σq, and a submission whose contentHash is the fedmash/shamir-commit/v1 formula recomputed here
// with ethers; the first unusable share (addressed to another server, tampered by its own client, not the share its
// client committed a root to, or a manifest that is not what the client submitted) stops the sum and names the client
// and the error, which is what makes the server withhold.
import { expect } from "chai";
import { concat, keccak256 } from "ethers";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedStore, type EmbeddedStore } from "../../../workers/storage/createEmbeddedStore";
import { putPayload } from "../../../workers/storage/putPayload";
import { generateEciesKeyPair } from "../../../workers/crypto/ecies/generateEciesKeyPair";
import type { EciesKeyPair } from "../../../workers/crypto/ecies/types";
import { shareVector } from "../../../workers/crypto/shamir/shareVector";
import { encryptShare } from "../../../workers/crypto/shamir/encryptShare";
import { reconstructSum } from "../../../workers/crypto/shamir/reconstructSum";
import { EXPECT_SHARE_MANIFEST, parseShareManifest, shareManifestPayload, sharePayload } from "../../../workers/roles/shamirPayloads";
import { sumOwnShares, type SumOwnSharesParameters } from "../../../workers/roles/sumOwnShares";
import { storeShareSubmission } from "../../../workers/roles/storeShareSubmission";
import { fieldVectorRoot, shamirSubmissionCommitment } from "../../../workers/crypto/commit/shamirCommitments";
import { ShamirShareCommitmentMismatchError } from "../../../workers/crypto/shamir/errors";
import { decodePayload } from "../../../workers/storage/decodePayload";

const SIZE = 512;
const ROUND = 9n;
const CLIENTS = ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"];
const SERVERS = ["0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"];

/** How a client misbehaves towards server 1 (the server under test). */
type Fault = "none" | "addressed-to-server-2" | "flipped-ciphertext-byte" | "root-of-another-share";

describe("sumOwnShares (a Shamir server's sum over the frozen set)", function () {
  let dir: string;
  let store: EmbeddedStore;
  let keys: EciesKeyPair[];
  const updates = CLIENTS.map((_, c) => Int32Array.from({ length: SIZE }, (_, i) => ((i * 7919 + c * 104_729) % 20_001) - 10_000));

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "fedmash-sum-shares-"));
    store = await createEmbeddedStore({ directory: dir });
    keys = SERVERS.map(() => generateEciesKeyPair());
  });
  after(async function () {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Shares one client's update for the three servers and stores shares and manifest; returns what it submits. */
  async function submit(c: number, fault: Fault = "none"): Promise<{ client: string; cid: string; contentHash: string }> {
    const shares = shareVector(updates[c]!, { servers: 3, threshold: 2 });
    const manifest = { roundId: ROUND.toString(), round: 1, client: CLIENTS[c]!, modelKind: "test", modelSize: SIZE, threshold: 2, servers: SERVERS, numSamples: 1, loss: 0 };
    if (fault === "none") {
      const stored = await storeShareSubmission({ store, roundId: ROUND, shares, serverKeys: keys.map((k) => k.publicKey), manifest });
      return { client: CLIENTS[c]!, cid: stored.cid, contentHash: stored.contentHash };
    }
    const stored = await Promise.all(
      shares.map(async (share, j) => {
        let ciphertext = encryptShare({ share, serverIndex: fault === "addressed-to-server-2" && j === 1 ? 2 : j, serverPublicKey: keys[j]!.publicKey, roundId: ROUND, client: CLIENTS[c]! });
        if (fault === "flipped-ciphertext-byte" && j === 1) {
          ciphertext = ciphertext.slice();
          ciphertext[ciphertext.length - 100]! ^= 0x01;
        }
        const payload = await putPayload(store, sharePayload(ciphertext, { serverIndex: j }));
        return { cid: payload.cid, contentHash: payload.contentHash };
      }),
    );
    // The roots the client commits to: for "root-of-another-share", server 1's entry is the root of server 2's share.
    const shareRoots = shares.map((share, j) => fieldVectorRoot(fault === "root-of-another-share" && j === 1 ? shares[2]! : share));
    const put = await putPayload(store, shareManifestPayload({ ...manifest, shares: stored, shareRoots }));
    return { client: CLIENTS[c]!, cid: put.cid, contentHash: shamirSubmissionCommitment(put.contentHash, shareRoots) };
  }

  const sum = (serverIndex: number, submissions: SumOwnSharesParameters["submissions"]) =>
    sumOwnShares({ store, roundId: ROUND, submissions, servers: SERVERS, serverIndex, serverPrivateKey: keys[serverIndex]!.privateKey, modelSize: SIZE });

  it("sums honest shares so that any two servers' sums reconstruct exactly Σq", async function () {
    const submissions = await Promise.all(CLIENTS.map((_, c) => submit(c)));
    const [first, third] = [await sum(0, submissions), await sum(2, submissions)];
    expect(first.status).to.equal("summed");
    expect(third.status).to.equal("summed");
    if (first.status !== "summed" || third.status !== "summed") return;
    expect(first.clients).to.deep.equal(CLIENTS);
    // What a dispute answer opens: per client in frozen-set order, the manifest hash, roots and the decrypted share.
    expect(first.shares.map((s) => s.client)).to.deep.equal(CLIENTS);
    for (const [c, received] of first.shares.entries()) {
      expect(received.manifestHash).to.equal(keccak256(await store.get(submissions[c]!.cid)));
      expect(received.shareRoots).to.have.length(3);
      expect(received.shareRoots[0]).to.equal(fieldVectorRoot(received.share));
    }
    const added = new Uint32Array(SIZE);
    for (const received of first.shares) for (let i = 0; i < SIZE; i++) added[i] = (added[i]! + received.share[i]!) % 2147483647;
    expect(Array.from(added)).to.deep.equal(Array.from(first.shareSum));
    const expected = Array.from({ length: SIZE }, (_, i) => updates.reduce((total, u) => total + u[i]!, 0));
    const { sum: reconstructed, usedServers } = reconstructSum(
      [
        { serverIndex: 0, values: first.shareSum },
        { serverIndex: 2, values: third.shareSum },
      ],
      { threshold: 2, bound: 3 * 10_000 },
    );
    expect(usedServers).to.deep.equal([0, 2]);
    expect(Array.from(reconstructed)).to.deep.equal(expected);
  });

  it("stops at a share addressed to another server, naming the client and ShamirWrongServerError", async function () {
    const submissions = [await submit(0), await submit(1, "addressed-to-server-2"), await submit(2)];
    const result = await sum(1, submissions);
    expect(result).to.deep.include({ status: "unusable", client: CLIENTS[1], error: "ShamirWrongServerError" });
    // The other servers got good shares from that client and still sum.
    expect((await sum(0, submissions)).status).to.equal("summed");
  });

  it("stops at a share its own client tampered with (the manifest hash matches the bad bytes): ShamirShareTamperedError", async function () {
    const result = await sum(1, [await submit(0), await submit(2, "flipped-ciphertext-byte")]);
    expect(result).to.deep.include({ status: "unusable", client: CLIENTS[2], error: "ShamirShareTamperedError" });
  });

  it("a client's contentHash is keccak256(keccak256(manifest bytes) ‖ keccak256(root_0 ‖ root_1 ‖ root_2)), the roots those of its plaintext shares", async function () {
    const shares = shareVector(updates[0]!, { servers: 3, threshold: 2 });
    const manifest = { roundId: ROUND.toString(), round: 1, client: CLIENTS[0]!, modelKind: "test", modelSize: SIZE, threshold: 2, servers: SERVERS, numSamples: 1, loss: 0 };
    const stored = await storeShareSubmission({ store, roundId: ROUND, shares, serverKeys: keys.map((k) => k.publicKey), manifest });
    const bytes = await store.get(stored.cid);
    const listed = parseShareManifest(decodePayload(bytes, EXPECT_SHARE_MANIFEST), { roundId: ROUND, client: CLIENTS[0]!, modelSize: SIZE, servers: SERVERS }).shareRoots;
    expect(listed).to.deep.equal(shares.map((share) => fieldVectorRoot(share)));
    expect(stored.manifestHash).to.equal(keccak256(bytes));
    expect(stored.contentHash).to.equal(keccak256(concat([keccak256(bytes), keccak256(concat(listed))])));
  });

  it("stops at a manifest that is not the one the client submitted on-chain: PayloadCommitmentMismatchError", async function () {
    const honest = await submit(0);
    const result = await sum(1, [{ ...honest, contentHash: `0x${"ab".repeat(32)}` }]);
    expect(result).to.deep.include({ status: "unusable", client: CLIENTS[0], error: "PayloadCommitmentMismatchError" });
    // The manifest's plain payload hash (what a fedmash-shamir-manifest/1 client submitted) is no commitment either.
    const plain = await sum(1, [{ ...honest, contentHash: keccak256(await store.get(honest.cid)) }]);
    expect(plain).to.deep.include({ status: "unusable", client: CLIENTS[0], error: "PayloadCommitmentMismatchError" });
  });

  it("names a client whose share is not the one it committed a root to (ShamirShareCommitmentMismatchError) and withholds", async function () {
    const submissions = [await submit(0), await submit(1, "root-of-another-share"), await submit(2)];
    const result = await sum(1, submissions);
    expect(result).to.deep.include({ status: "unusable", client: CLIENTS[1], error: "ShamirShareCommitmentMismatchError" });
    expect(result.status === "unusable" && result.cause).to.be.instanceOf(ShamirShareCommitmentMismatchError);
    // Its shares for servers 0 and 2 match their roots: those servers still sum.
    expect((await sum(0, submissions)).status).to.equal("summed");
    expect((await sum(2, submissions)).status).to.equal("summed");
  });

  it("stops at another client's manifest submitted as one's own: ShamirManifestInvalidError", async function () {
    const other = await submit(0);
    const result = await sum(1, [{ ...other, client: CLIENTS[1]! }]);
    expect(result).to.deep.include({ status: "unusable", client: CLIENTS[1], error: "ShamirManifestInvalidError" });
  });
});
