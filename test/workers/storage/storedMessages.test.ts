// Shuffle messages too large for calldata travel through the real embedded store behind an on-chain pointer:
// a round trip returns the same bytes, a small message stays inline, and a pointer whose content is larger
// than the receiver expects, or differs from its hash, is refused with a named error.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { decodeStoredMessagePointer, encodeStoredMessagePointer } from "../../../workers/crypto/shuffle/storedMessagePointer";
import { ShuffleMessageMalformedError } from "../../../workers/crypto/shuffle/errors";
import { createEmbeddedStore, type EmbeddedStore } from "../../../workers/storage/createEmbeddedStore";
import { IpfsPayloadTooLargeError, PayloadHashMismatchError } from "../../../workers/storage/errors";
import { resolvePostedMessage, toPostableMessage } from "../../../workers/storage/storedMessages";

describe("stored shuffle messages (workers/storage/storedMessages)", function () {
  let directory: string;
  let store: EmbeddedStore;

  before(async function () {
    directory = mkdtempSync(join(tmpdir(), "fedmash-stored-"));
    store = await createEmbeddedStore({ directory });
  });
  after(async function () {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("keeps a message that fits calldata inline", async function () {
    const message = Uint8Array.from(randomBytes(1000));
    const posted = await toPostableMessage(store, message, 16_384);
    expect(posted.cid).to.equal(undefined);
    expect(Buffer.from(posted.onChain).equals(Buffer.from(message))).to.equal(true);
    expect(await resolvePostedMessage(store, posted.onChain, { maxBytes: 1000 })).to.equal(posted.onChain);
  });

  it("stores a larger one, posts a short pointer, and resolves it to the same bytes", async function () {
    const message = Uint8Array.from(randomBytes(52_000));
    const posted = await toPostableMessage(store, message, 16_384);
    expect(posted.onChain.length).to.be.below(120);
    expect(decodeStoredMessagePointer(posted.onChain)?.cid).to.equal(posted.cid);
    const resolved = await resolvePostedMessage(store, posted.onChain, { maxBytes: message.length });
    expect(Buffer.from(resolved).equals(Buffer.from(message))).to.equal(true);
  });

  it("refuses stored content above the exact size the receiver expects", async function () {
    const posted = await toPostableMessage(store, Uint8Array.from(randomBytes(40_000)), 16_384);
    let error: unknown;
    await resolvePostedMessage(store, posted.onChain, { maxBytes: 39_999 }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(IpfsPayloadTooLargeError);
  });

  it("refuses content that is not what the pointer's hash names", async function () {
    const cid = await store.put(Uint8Array.from(randomBytes(20_000)));
    const forged = encodeStoredMessagePointer({ cid, contentHash: `0x${"11".repeat(32)}` });
    let error: unknown;
    await resolvePostedMessage(store, forged, { maxBytes: 20_000 }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(PayloadHashMismatchError);
  });

  it("rejects malformed pointers with ShuffleMessageMalformedError", function () {
    const pointer = encodeStoredMessagePointer({ cid: "bafkreiabc", contentHash: `0x${"22".repeat(32)}` });
    expect(() => decodeStoredMessagePointer(pointer.subarray(0, pointer.length - 1))).to.throw(ShuffleMessageMalformedError);
    expect(() => decodeStoredMessagePointer(Uint8Array.from([9, 3, ...pointer.subarray(2)]))).to.throw(ShuffleMessageMalformedError);
    expect(decodeStoredMessagePointer(Uint8Array.from([1, 1, 0, 0]))).to.equal(undefined);
  });
});
