// The aggregator's fetch of a posted share-sum through a real embedded store: it opens the commitment
// keccak256(payload hash ‖ root of the share-sum) (fedmash/shamir-commit/v1) and returns the payload hash and root
// with the values for a dispute's openings; the plain payload hash (what servers posted before) or another payload is
// PayloadCommitmentMismatchError, the server's fault (isSenderFault), as is a share-sum of another length.
import { expect } from "chai";
import { concat, keccak256 } from "ethers";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fieldVectorRoot, shareSumCommitment } from "../../../workers/crypto/commit/shamirCommitments";
import { createEmbeddedStore, type EmbeddedStore } from "../../../workers/storage/createEmbeddedStore";
import { PayloadCommitmentMismatchError, PayloadShapeMismatchError } from "../../../workers/storage/errors";
import { putPayload } from "../../../workers/storage/putPayload";
import { fetchShareSum } from "../../../workers/roles/fetchShareSum";
import { isSenderFault } from "../../../workers/roles/fetchContributions";
import { shareSumPayload } from "../../../workers/roles/shamirPayloads";

const SIZE = 100;
const CLIENTS = ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906"];

describe("fetchShareSum (the aggregator's check of a posted share-sum)", function () {
  let dir: string;
  let store: EmbeddedStore;
  const values = Uint32Array.from({ length: SIZE }, (_, i) => (i * 2_654_435_761) % 2_147_483_647);

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "fedmash-fetch-share-sum-"));
    store = await createEmbeddedStore({ directory: dir });
  });
  after(async function () {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (sum: Uint32Array) => {
    const stored = await putPayload(store, shareSumPayload(sum, { roundId: "4", serverIndex: 1, clients: CLIENTS }));
    return { stored, contentHash: shareSumCommitment(stored.contentHash, sum) };
  };
  const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

  it("opens keccak256(payload hash ‖ root) and returns the values, the payload hash, the root and the clients", async function () {
    const { stored, contentHash } = await post(values);
    const fetched = await fetchShareSum({ store, cid: stored.cid, contentHash, modelSize: SIZE, maxClients: 4 });
    expect(Array.from(fetched.values)).to.deep.equal(Array.from(values));
    expect(fetched.payloadHash).to.equal(keccak256(await store.get(stored.cid)));
    expect(fetched.root).to.equal(fieldVectorRoot(values));
    expect(contentHash).to.equal(keccak256(concat([fetched.payloadHash, fetched.root])));
    expect(fetched.clients).to.deep.equal(CLIENTS);
    // Hex case does not matter, as for hashes read back from the chain.
    await fetchShareSum({ store, cid: stored.cid, contentHash: contentHash.toUpperCase().replace("0X", "0x"), modelSize: SIZE, maxClients: 4 });
  });

  it("refuses the plain payload hash and another share-sum's commitment (PayloadCommitmentMismatchError), and another length", async function () {
    const { stored } = await post(values);
    const plain = await failure(fetchShareSum({ store, cid: stored.cid, contentHash: stored.contentHash, modelSize: SIZE, maxClients: 4 }));
    expect(plain).to.be.instanceOf(PayloadCommitmentMismatchError);
    expect(isSenderFault(plain)).to.equal(true);
    const other = await post(values.map((v) => (v + 1) % 2_147_483_647));
    const swapped = await failure(fetchShareSum({ store, cid: stored.cid, contentHash: other.contentHash, modelSize: SIZE, maxClients: 4 }));
    expect(swapped).to.be.instanceOf(PayloadCommitmentMismatchError);
    const { stored: short, contentHash } = await post(values.subarray(0, SIZE - 1).slice());
    expect(await failure(fetchShareSum({ store, cid: short.cid, contentHash, modelSize: SIZE, maxClients: 4 }))).to.be.instanceOf(PayloadShapeMismatchError);
  });
});
