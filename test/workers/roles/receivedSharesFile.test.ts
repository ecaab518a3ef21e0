// A Shamir server keeps the share-sum it posted and the shares it summed until no dispute can reach the round: they
// read back exactly, a file
// that is truncated, corrupted or for another model size is refused by name, and a missing one reads as undefined.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReceivedSharesFileError, readReceivedShares, receivedSharesPath, removeReceivedShares, writeReceivedShares } from "../../../workers/roles/receivedSharesFile";

describe("receivedSharesFile", function () {
  const dir = mkdtempSync(join(tmpdir(), "fedmash-received-shares-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const shares = [0, 1, 2].map((c) => ({
    client: `0x${String(c).repeat(40)}`,
    manifestHash: `0x${String(c + 3).repeat(64)}`,
    shareRoots: [`0x${"a".repeat(64)}`, `0x${"b".repeat(64)}`],
    share: Uint32Array.from({ length: 37 }, (_, i) => (i * 2_654_435_761 + c) % 2_147_483_647),
  }));

  const kept = { payloadHash: `0x${"c".repeat(64)}`, shareSum: Uint32Array.from({ length: 37 }, (_, i) => i * 7), shares };

  it("reads back the posted share-sum, its payload hash, and every client's commitment and share, in order", function () {
    const path = receivedSharesPath(dir, 7n);
    writeReceivedShares(path, 37, kept);
    expect(readReceivedShares(path, 37)).to.deep.equal(kept);
    removeReceivedShares(path);
    expect(readReceivedShares(path, 37)).to.equal(undefined);
  });

  it("refuses a truncated or corrupted file, or one for another model size", function () {
    const path = receivedSharesPath(dir, 8n);
    writeReceivedShares(path, 37, kept);
    expect(() => readReceivedShares(path, 38)).to.throw(ReceivedSharesFileError);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    expect(() => readReceivedShares(path, 37)).to.throw(ReceivedSharesFileError);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(path, bytes);
    expect(() => readReceivedShares(path, 37)).to.throw(ReceivedSharesFileError);
  });
});
