// Issue 15, M5: every fetch of a posted CID passes the exact byte cap its task allows, and a payload over it is
// refused by name (IpfsPayloadTooLargeError) before anything big is allocated, in every role: the plain and
// MASH aggregator (at most 4 fetches at a time), the Shamir server, a client fetching the round's model, the
// owner fetching an aggregate. The oversized payload is real: 600 MiB streamed into the embedded store once.
import { maskedSubmissionCommitment } from "../../../workers/crypto/commit/vectorCommitments";
import { fieldVectorRoot, shamirSubmissionCommitment } from "../../../workers/crypto/commit/shamirCommitments";
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LARGE_PAYLOAD_BYTES, writeLargePayload, type LargePayload } from "../../helpers/largePayload";
import { createEmbeddedStore, type EmbeddedStore } from "../../../workers/storage/createEmbeddedStore";
import { encodePayload } from "../../../workers/storage/encodePayload";
import { IpfsPayloadTooLargeError } from "../../../workers/storage/errors";
import { fetchPayload } from "../../../workers/storage/fetchPayload";
import type { IpfsStore } from "../../../workers/storage/IpfsStore";
import { CLIENT_METADATA_BYTES, payloadByteLimit } from "../../../workers/storage/payloadByteLimit";
import { computeUnixfsCid } from "../../../workers/storage/computeUnixfsCid";
import { PayloadKind, type Payload } from "../../../workers/storage/payloadFormat";
import { putPayload } from "../../../workers/storage/putPayload";
import { serveStoreRpc } from "../../../workers/storage/serveStoreRpc";
import { createKuboStore } from "../../../workers/storage/createKuboStore";
import { generateEciesKeyPair } from "../../../workers/crypto/ecies/generateEciesKeyPair";
import { encryptShare } from "../../../workers/crypto/shamir/encryptShare";
import { shareVector } from "../../../workers/crypto/shamir/shareVector";
import { CONTRIBUTION_FETCH_CONCURRENCY, fetchContributions } from "../../../workers/roles/fetchContributions";
import { fetchMaskedVectors, MashContributionInvalidError } from "../../../workers/roles/fetchMaskedVectors";
import { DELTA_TENSOR, MODEL_TENSOR, expectFlat, maskedAggregatePayload, maskedPayload, modelPayload, updatePayload } from "../../../workers/roles/modelPayloads";
import { aggregateByteLimit, maskedByteLimit, modelByteLimit, shareByteLimit, shareManifestByteLimit, shareSumByteLimit, updateByteLimit } from "../../../workers/roles/payloadLimits";
import { shareManifestPayload, sharePayload, shareSumPayload } from "../../../workers/roles/shamirPayloads";
import { sumOwnShares } from "../../../workers/roles/sumOwnShares";

const SIZE = 1_000;
const MIB = 1024 * 1024;
const CLIENTS = ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"];
const SERVERS = ["0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"];
/** keccak256 of nothing in particular: the oversized payload is refused before its hash could be checked. */
const ANY_HASH = `0x${"11".repeat(32)}`;

/** A well-formed CID of bytes nobody stored. */
async function missingCid(): Promise<string> {
  return (await computeUnixfsCid(new TextEncoder().encode(`never stored ${Math.random()}`))).toString();
}

/** ArrayBuffer memory used while `run` runs, sampled every few ms, above what was in use before. */
async function arrayBufferGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growth: number }> {
  global.gc?.();
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 2);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

describe("payload caps from the task (issue 15, M5)", function () {
  this.timeout(240_000);
  let dir: string;
  let store: EmbeddedStore;
  let large: LargePayload;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "fedmash-payload-limits-"));
    large = await writeLargePayload(dir);
    store = await createEmbeddedStore({ directory: dir });
  });
  after(async function () {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the 600 MiB payload is real, and writing it streamed (no 600 MiB buffer)", async function () {
    expect(large.byteLength).to.be.greaterThan(599 * MIB);
    expect(await store.has(large.cid)).to.equal(true);
    // A fifth of the payload at most: the importer holds a few chunks until the collector runs, never the file.
    expect(large.arrayBuffersGrowth).to.be.lessThan(LARGE_PAYLOAD_BYTES / 5);
  });

  describe("payloadByteLimit is the exact largest size of a payload of that shape", function () {
    const metadataOf = (length: number): Payload["metadata"] => {
      // {"p":"xxx"} is 8 + n bytes of JSON.
      return { p: "x".repeat(length - 8) };
    };
    const cases: { name: string; payload: (metadataLength: number) => Payload; limit: (budget: number) => number }[] = [
      {
        name: "an update (float32 [d])",
        payload: (m) => updatePayload(new Float32Array(SIZE), metadataOf(m)),
        limit: (b) => payloadByteLimit({ tensors: [{ name: DELTA_TENSOR, dtype: "float32", shape: [SIZE] }], metadataBytes: b }),
      },
      {
        name: "a MASH aggregate (float32 [d] and int32 [d])",
        payload: (m) => maskedAggregatePayload(new Float32Array(SIZE), new Int32Array(SIZE), metadataOf(m)),
        limit: (b) =>
          payloadByteLimit({
            tensors: [
              { name: "delta", dtype: "float32", shape: [SIZE] },
              { name: "sum", dtype: "int32", shape: [SIZE] },
            ],
            metadataBytes: b,
          }),
      },
      {
        name: "a uint8 then a float64 tensor (padding that depends on the metadata)",
        payload: (m) => ({
          kind: PayloadKind.Other,
          metadata: metadataOf(m),
          tensors: [
            { name: "b", dtype: "uint8", shape: [3], data: new Uint8Array(3) },
            { name: "f", dtype: "float64", shape: [5], data: new Float64Array(5) },
          ],
        }),
        limit: (b) =>
          payloadByteLimit({
            tensors: [
              { name: "b", dtype: "uint8", shape: [3] },
              { name: "f", dtype: "float64", shape: [5] },
            ],
            metadataBytes: b,
          }),
      },
    ];
    for (const c of cases) {
      it(c.name, function () {
        for (let budget = 16; budget < 48; budget++) {
          const sizes = Array.from({ length: budget - 8 + 1 }, (_, k) => encodePayload(c.payload(k + 8)).length);
          // No payload within the budget is larger, and the largest is exactly the limit.
          expect(Math.max(...sizes), `budget ${budget}`).to.equal(c.limit(budget));
        }
      });
    }

    it("the task's caps hold what honest workers write", async function () {
      const meta = { round: 3, roundId: "12", modelKind: "mlp", numSamples: 6000, loss: 0.3125, maskGroup: "rlwr-2048" };
      expect(encodePayload(modelPayload(new Float32Array(SIZE), meta)).length).to.be.at.most(modelByteLimit(SIZE));
      expect(encodePayload(updatePayload(new Float32Array(SIZE), meta)).length).to.be.at.most(updateByteLimit(SIZE));
      expect(encodePayload(maskedPayload(new Uint32Array(SIZE * 2), SIZE, 2, meta)).length).to.be.at.most(maskedByteLimit(SIZE, 2));
      const excluded = Array.from({ length: 2047 }, (_, i) => ({ client: CLIENTS[i % 4]!, group: i, reason: "GroupShuffleIncomplete" }));
      const aggregate = maskedAggregatePayload(new Float32Array(SIZE), new Int32Array(SIZE), { ...meta, included: [], excluded, includedGroups: [] });
      expect(encodePayload(aggregate).length).to.be.at.most(aggregateByteLimit("mash", SIZE, 2047));
      const clients = Array.from({ length: 1024 }, (_, i) => CLIENTS[i % 4]!);
      expect(encodePayload(shareSumPayload(new Uint32Array(SIZE), { roundId: "12", round: 3, serverIndex: 15, server: SERVERS[0]!, clients })).length).to.be.at.most(shareSumByteLimit(SIZE, 1024));
      const key = generateEciesKeyPair();
      const ciphertext = encryptShare({ share: new Uint32Array(SIZE), serverIndex: 15, serverPublicKey: key.publicKey, roundId: 2n ** 64n, client: CLIENTS[0]! });
      const share = encodePayload(sharePayload(ciphertext, { roundId: "18446744073709551616", round: 3, serverIndex: 15, client: CLIENTS[0]! })).length;
      // Exact but for the metadata budget: the ciphertext's length is fixed by d.
      expect(share).to.be.at.most(shareByteLimit(SIZE)).and.greaterThan(shareByteLimit(SIZE) - CLIENT_METADATA_BYTES);
      const stored = await putPayload(store, sharePayload(ciphertext, {}));
      const servers = Array.from({ length: 16 }, (_, j) => SERVERS[j % 3]!);
      const manifest = shareManifestPayload({ roundId: "18446744073709551616", round: 3, client: CLIENTS[0]!, modelKind: "cnn", modelSize: SIZE, threshold: 16, servers, shares: servers.map(() => ({ cid: stored.cid, contentHash: stored.contentHash })), shareRoots: servers.map(() => stored.contentHash), numSamples: 60_000, loss: 2.302585092994046 });
      expect(encodePayload(manifest).length).to.be.at.most(shareManifestByteLimit(16));
    });
  });

  describe("aggregator", function () {
    it("plain: excludes the 600 MiB, missing and invalid updates by name, keeps the good ones, 4 fetches at a time, allocates nothing big", async function () {
      const good = await Promise.all([0, 1].map((c) => putPayload(store, updatePayload(Float32Array.from({ length: SIZE }, (_, i) => (i % 7) * 0.01 * (c + 1)), { numSamples: 10 }))));
      const submissions = [
        { client: CLIENTS[0]!, cid: good[0]!.cid, contentHash: good[0]!.contentHash },
        { client: CLIENTS[1]!, cid: large.cid, contentHash: ANY_HASH },
        { client: CLIENTS[2]!, cid: (await missingCid()), contentHash: ANY_HASH },
        { client: CLIENTS[3]!, cid: "/ipfs/not-a-cid", contentHash: ANY_HASH },
        ...Array.from({ length: 8 }, () => ({ client: CLIENTS[1]!, cid: large.cid, contentHash: ANY_HASH })),
        { client: CLIENTS[0]!, cid: good[1]!.cid, contentHash: good[1]!.contentHash },
      ];
      let inFlight = 0;
      let mostInFlight = 0;
      const counting: IpfsStore = {
        ...store,
        get: async (cid, options) => {
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          try {
            return await store.get(cid, options);
          } finally {
            inFlight--;
          }
        },
      };
      const { result: outcomes, growth } = await arrayBufferGrowth(() =>
        fetchContributions({ store: counting, items: submissions, expectations: expectFlat(PayloadKind.Update, DELTA_TENSOR, SIZE), maxBytes: updateByteLimit(SIZE) }),
      );
      expect(outcomes.map((o) => o.error ?? "ok")).to.deep.equal([
        "ok",
        "IpfsPayloadTooLargeError",
        "IpfsNotFoundError",
        "IpfsInvalidCidError",
        ...Array.from({ length: 8 }, () => "IpfsPayloadTooLargeError"),
        "ok",
      ]);
      expect(outcomes[1]!.item.client).to.equal(CLIENTS[1]);
      const tooLarge = outcomes[1]!.error !== undefined ? (outcomes[1]!.cause as IpfsPayloadTooLargeError) : undefined;
      expect(tooLarge).to.be.instanceOf(IpfsPayloadTooLargeError);
      expect(tooLarge!.maxBytes).to.equal(updateByteLimit(SIZE));
      expect(tooLarge!.actualBytes).to.equal(large.byteLength);
      expect(mostInFlight).to.equal(CONTRIBUTION_FETCH_CONCURRENCY);
      expect(growth).to.be.lessThan(32 * MIB);
    });

    it("MASH: names every client whose included vector is unusable (the round cannot drop it), before allocating anything big", async function () {
      const zeros = new Uint32Array(SIZE * 2);
      const good = await putPayload(store, maskedPayload(zeros, SIZE, 2, {}));
      // A masked submission's contentHash commits the payload's hash and the vector's Merkle root.
      const contributors = [
        { client: CLIENTS[0]!, cid: good.cid, contentHash: maskedSubmissionCommitment(good.contentHash, zeros, 2) },
        { client: CLIENTS[1]!, cid: large.cid, contentHash: ANY_HASH },
        { client: CLIENTS[2]!, cid: good.cid, contentHash: ANY_HASH },
      ];
      const { result: error, growth } = await arrayBufferGrowth(() =>
        fetchMaskedVectors({ store, roundId: 7n, contributors, modelSize: SIZE, limbsPerElement: 2 }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      expect(error).to.be.instanceOf(MashContributionInvalidError);
      const named = error as MashContributionInvalidError;
      expect(named.unusable).to.deep.equal([
        { client: CLIENTS[1], error: "IpfsPayloadTooLargeError" },
        { client: CLIENTS[2], error: "PayloadCommitmentMismatchError" },
      ]);
      expect(named.message).to.contain(CLIENTS[1]).and.to.contain("IpfsPayloadTooLargeError");
      expect(growth).to.be.lessThan(32 * MIB);
      expect(await fetchMaskedVectors({ store, roundId: 7n, contributors: [contributors[0]!], modelSize: SIZE, limbsPerElement: 2 })).to.have.length(1);
    });
  });

  describe("Shamir server", function () {
    const keys = SERVERS.map(() => generateEciesKeyPair());
    const sum = (submissions: { client: string; cid: string; contentHash: string }[]) =>
      sumOwnShares({ store, roundId: 9n, submissions, servers: SERVERS, serverIndex: 1, serverPrivateKey: keys[1]!.privateKey, modelSize: SIZE });

    async function honest(c: number, shareOverride?: { cid: string; contentHash: string }) {
      const shares = shareVector(new Int32Array(SIZE).fill(c + 1), { servers: 3, threshold: 2 });
      const stored = await Promise.all(
        shares.map(async (share, j) => {
          const payload = await putPayload(store, sharePayload(encryptShare({ share, serverIndex: j, serverPublicKey: keys[j]!.publicKey, roundId: 9n, client: CLIENTS[c]! }), { serverIndex: j }));
          return j === 1 && shareOverride ? shareOverride : { cid: payload.cid, contentHash: payload.contentHash };
        }),
      );
      const shareRoots = shares.map((share) => fieldVectorRoot(share));
      const manifest = await putPayload(store, shareManifestPayload({ roundId: "9", round: 1, client: CLIENTS[c]!, modelKind: "test", modelSize: SIZE, threshold: 2, servers: SERVERS, shares: stored, shareRoots, numSamples: 1, loss: 0 }));
      return { client: CLIENTS[c]!, cid: manifest.cid, contentHash: shamirSubmissionCommitment(manifest.contentHash, shareRoots) };
    }

    it("a 600 MiB manifest: the client is named with IpfsPayloadTooLargeError and the server withholds, at once (no throw, no retry)", async function () {
      const submissions = [await honest(0), { client: CLIENTS[1]!, cid: large.cid, contentHash: ANY_HASH }, await honest(2)];
      const { result, growth } = await arrayBufferGrowth(() => sum(submissions));
      expect(result.status).to.equal("unusable");
      if (result.status !== "unusable") return;
      expect(result.client).to.equal(CLIENTS[1]);
      expect(result.error).to.equal("IpfsPayloadTooLargeError");
      expect((result.cause as IpfsPayloadTooLargeError).maxBytes).to.equal(shareManifestByteLimit(SERVERS.length));
      expect(growth).to.be.lessThan(32 * MIB);
    });

    it("a 600 MiB share behind an honest manifest, and a missing one: named, never thrown", async function () {
      const oversized = await sum([await honest(0), await honest(1, { cid: large.cid, contentHash: ANY_HASH })]);
      expect(oversized.status === "unusable" && [oversized.client, oversized.error]).to.deep.equal([CLIENTS[1], "IpfsPayloadTooLargeError"]);
      const missing = await sum([await honest(2, { cid: (await missingCid()), contentHash: ANY_HASH })]);
      expect(missing.status === "unusable" && [missing.client, missing.error]).to.deep.equal([CLIENTS[2], "IpfsNotFoundError"]);
      const fine = await sum([await honest(0), await honest(1)]);
      expect(fine.status).to.equal("summed");
    });
  });

  describe("over Kubo RPC (serveStoreRpc in front of the embedded store)", function () {
    it("a capped get of the 600 MiB payload is refused by name, and neither end reads the file", async function () {
      const server = await serveStoreRpc({ store, maxFileBytes: 1024 * MIB });
      try {
        const kubo = await createKuboStore({ url: server.url });
        const cap = maskedByteLimit(SIZE, 2);
        const { result, growth } = await arrayBufferGrowth(() => kubo.get(large.cid, { maxBytes: cap }).then(() => undefined, (e: unknown) => e));
        expect(result).to.be.instanceOf(IpfsPayloadTooLargeError);
        expect((result as IpfsPayloadTooLargeError).maxBytes).to.equal(cap);
        expect(growth).to.be.lessThan(32 * MIB);
        // A range from the middle is the file's bytes there (zeros after the header), read without the rest.
        const middle = await store.getRange(large.cid, { offset: 300 * MIB, length: 1000 });
        expect(middle.length).to.equal(1000);
        expect(middle.every((b) => b === 0)).to.equal(true);
        const tail = await store.getRange(large.cid, { offset: large.byteLength - 10, length: 1000 });
        expect(tail.length).to.equal(10);
        await kubo.close();
      } finally {
        await server.close();
      }
    });
  });

  describe("clients and owner", function () {
    it("a client fetching a 600 MiB round model, the owner a 600 MiB aggregate: IpfsPayloadTooLargeError with the task's cap, nothing big allocated", async function () {
      const model = await arrayBufferGrowth(() => fetchPayload(store, large.cid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, SIZE), { maxBytes: modelByteLimit(SIZE) }).then(() => undefined, (e: unknown) => e));
      expect(model.result).to.be.instanceOf(IpfsPayloadTooLargeError);
      expect((model.result as IpfsPayloadTooLargeError).maxBytes).to.equal(modelByteLimit(SIZE));
      expect(model.growth).to.be.lessThan(32 * MIB);
      const aggregate = await arrayBufferGrowth(() => fetchPayload(store, large.cid, ANY_HASH, { kind: PayloadKind.Aggregate }, { maxBytes: aggregateByteLimit("shamir", SIZE, 10) }).then(() => undefined, (e: unknown) => e));
      expect(aggregate.result).to.be.instanceOf(IpfsPayloadTooLargeError);
      expect(aggregate.growth).to.be.lessThan(32 * MIB);
    });
  });
});
