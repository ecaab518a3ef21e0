// The Shamir payloads through the real FMSH encoding: a manifest reads back exactly as written, and a manifest
// made for another round, client, model size or server list, missing a share or a share root, or of the old format
// (no shareRoots, fedmash-shamir-manifest/1), is a ShamirManifestInvalidError
// naming the field — which is what makes a server withhold its share-sum instead of summing the wrong thing.
import { expect } from "chai";
import { encodePayload } from "../../../workers/storage/encodePayload";
import { decodePayload } from "../../../workers/storage/decodePayload";
import {
  EXPECT_SHARE_MANIFEST,
  ShamirManifestInvalidError,
  expectShareSum,
  parseShareManifest,
  shareCiphertext,
  shareManifestPayload,
  sharePayload,
  shareSumPayload,
  type ShareManifest,
} from "../../../workers/roles/shamirPayloads";
import { PayloadShapeMismatchError } from "../../../workers/storage/errors";
import type { Payload } from "../../../workers/storage/payloadFormat";

const CLIENT = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const SERVERS = ["0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"];
const manifest: ShareManifest = {
  roundId: "7",
  round: 2,
  client: CLIENT,
  modelKind: "mlp",
  modelSize: 101_770,
  threshold: 2,
  servers: SERVERS,
  shares: SERVERS.map((_, j) => ({ cid: `bafy-share-${j}`, contentHash: `0x${String(j).repeat(64)}` })),
  shareRoots: SERVERS.map((_, j) => `0x${String(j + 5).repeat(64)}`),
  numSamples: 6000,
  loss: 0.25,
};
const expected = { roundId: 7n, client: CLIENT.toLowerCase(), modelSize: 101_770, servers: SERVERS };

function roundTrip(payload: Payload): Payload {
  return decodePayload(encodePayload(payload), EXPECT_SHARE_MANIFEST);
}

function tampered(change: Record<string, unknown>): Payload {
  const payload = shareManifestPayload(manifest);
  return { ...payload, metadata: { ...payload.metadata, ...change } as Payload["metadata"] };
}

describe("Shamir payloads", function () {
  it("reads a manifest back exactly, whatever the case of the client address", function () {
    expect(parseShareManifest(roundTrip(shareManifestPayload(manifest)), expected)).to.deep.equal({ ...manifest, client: expected.client });
  });

  describe("refuses a manifest with ShamirManifestInvalidError naming the field", function () {
    const cases: [string, Record<string, unknown>, string][] = [
      ["another round", { roundId: "8" }, "roundId"],
      ["another client", { client: SERVERS[0] }, "client"],
      ["another model size", { modelSize: 10 }, "modelSize"],
      ["the servers in another order", { servers: [SERVERS[1], SERVERS[0], SERVERS[2]] }, "servers"],
      ["a share missing", { shares: manifest.shares.slice(0, 2) }, "shares"],
      ["an empty share CID", { shares: [{ cid: "", contentHash: "0x00" }, ...manifest.shares.slice(1)] }, "shares"],
      ["no manifest format", { format: "something-else" }, "format"],
      ["the old format without share roots", { format: "fedmash-shamir-manifest/1", shareRoots: undefined }, "format"],
      ["no share roots", { shareRoots: undefined }, "shareRoots"],
      ["a share root missing", { shareRoots: manifest.shareRoots.slice(0, 2) }, "shareRoots"],
      ["a share root too many", { shareRoots: [...manifest.shareRoots, manifest.shareRoots[0]] }, "shareRoots"],
      ["a short share root", { shareRoots: [manifest.shareRoots[0], "0x1234", manifest.shareRoots[2]] }, "shareRoots"],
      ["a share root that is not a string", { shareRoots: [manifest.shareRoots[0], 7, manifest.shareRoots[2]] }, "shareRoots"],
    ];
    for (const [what, change, field] of cases) {
      it(`for ${what}`, function () {
        expect(() => parseShareManifest(roundTrip(tampered(change)), expected))
          .to.throw(ShamirManifestInvalidError)
          .with.property("shortMessage")
          .that.contains(`bad ${field}`);
      });
    }
  });

  it("carries a share's ciphertext bytes and a share-sum's field elements through the format", function () {
    const ciphertext = Uint8Array.from([0x46, 0x4d, 0x53, 0x53, 1, 2, 3, 255]);
    expect(Array.from(shareCiphertext(decodePayload(encodePayload(sharePayload(ciphertext, { serverIndex: 1 })))))).to.deep.equal(Array.from(ciphertext));
    const values = Uint32Array.from([0, 1, 2_147_483_646]);
    const decoded = decodePayload(encodePayload(shareSumPayload(values, { serverIndex: 0 })), expectShareSum(3));
    expect(Array.from(decoded.tensors[0]!.data)).to.deep.equal([0, 1, 2_147_483_646]);
    expect(() => decodePayload(encodePayload(shareSumPayload(values, {})), expectShareSum(4))).to.throw(PayloadShapeMismatchError);
    expect(() => shareCiphertext(decodePayload(encodePayload(shareSumPayload(values, {}))))).to.throw(ShamirManifestInvalidError);
  });
});
