// A Shamir server's sum over the frozen set, through a real embedded store and the real share encryption:
// honest clients give a share-sum that, with another server's, reconstructs exactly Σq; the first unusable share
// (addressed to another server, tampered by its own client, or a manifest that is not what the client submitted)
// stops the sum and names the client and the error, which is what makes the server withhold.
import { expect } from "chai";
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
import { shareManifestPayload, sharePayload } from "../../../workers/roles/shamirPayloads";
import { sumOwnShares, type SumOwnSharesParameters } from "../../../workers/roles/sumOwnShares";

const SIZE = 512;
const ROUND = 9n;
const CLIENTS = ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"];
const SERVERS = ["0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"];

/** How a client misbehaves towards server 1 (the server under test). */
type Fault = "none" | "addressed-to-server-2" | "flipped-ciphertext-byte";

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
    const manifest = await putPayload(
      store,
      shareManifestPayload({ roundId: ROUND.toString(), round: 1, client: CLIENTS[c]!, modelKind: "test", modelSize: SIZE, threshold: 2, servers: SERVERS, shares: stored, numSamples: 1, loss: 0 }),
    );
    return { client: CLIENTS[c]!, cid: manifest.cid, contentHash: manifest.contentHash };
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

  it("stops at a manifest that is not the one the client submitted on-chain: PayloadHashMismatchError", async function () {
    const honest = await submit(0);
    const result = await sum(1, [{ ...honest, contentHash: `0x${"ab".repeat(32)}` }]);
    expect(result).to.deep.include({ status: "unusable", client: CLIENTS[0], error: "PayloadHashMismatchError" });
  });

  it("stops at another client's manifest submitted as one's own: ShamirManifestInvalidError", async function () {
    const other = await submit(0);
    const result = await sum(1, [{ ...other, client: CLIENTS[1]! }]);
    expect(result).to.deep.include({ status: "unusable", client: CLIENTS[1], error: "ShamirManifestInvalidError" });
  });
});
