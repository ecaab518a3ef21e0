// Tests of the encrypted share payload: a full-size (101,770-element) round trip with its exact size, a
// ShamirWrongServerError naming the field for another server / round / client / length, a
// ShamirShareTamperedError for every flipped bit of the ECIES part, a wrong key, a rewritten header and a
// truncation, and ShamirMalformedShareError for payloads that are not shares or hold non-field values.
import { expect } from "chai";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { eciesEncrypt } from "../../../../workers/crypto/ecies/eciesEncrypt";
import { EciesInvalidCiphertextError, EciesInvalidKeyError, EciesWrongKeyError } from "../../../../workers/crypto/ecies/errors";
import { generateEciesKeyPair } from "../../../../workers/crypto/ecies/generateEciesKeyPair";
import { ECIES_LAYER_OVERHEAD, type EciesKeyPair } from "../../../../workers/crypto/ecies/types";
import { decryptShare, type DecryptShareParameters } from "../../../../workers/crypto/shamir/decryptShare";
import { encryptShare } from "../../../../workers/crypto/shamir/encryptShare";
import {
  ShamirInputError,
  ShamirMalformedShareError,
  ShamirShareTamperedError,
  ShamirWrongServerError,
} from "../../../../workers/crypto/shamir/errors";
import { SHAMIR_PRIME } from "../../../../workers/crypto/shamir/shamirField";
import { SHARE_HEADER_BYTES, sharePayloadBytes } from "../../../../workers/crypto/shamir/shareFormat";
import { shareVector } from "../../../../workers/crypto/shamir/shareVector";

const MLP_SIZE = 101_770;
const CLIENT = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";
const OTHER_CLIENT = "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2";
const ROUND = 7n;

describe("Shamir share encryption (workers/crypto/shamir)", function () {
  let servers: EciesKeyPair[];
  let small: Uint32Array;
  let payload: Uint8Array;
  let expectation: DecryptShareParameters;

  before(function () {
    servers = [generateEciesKeyPair(), generateEciesKeyPair(), generateEciesKeyPair()];
    small = shareVector(Int32Array.from({ length: 16 }, (_, i) => i * 1000 - 8000), { servers: 3, threshold: 2 })[1]!;
    payload = encryptShare({ share: small, serverIndex: 1, serverPublicKey: servers[1]!.publicKey, roundId: ROUND, client: CLIENT });
    expectation = { payload, serverIndex: 1, serverPrivateKey: servers[1]!.privateKey, roundId: ROUND, client: CLIENT, length: small.length };
  });

  it("round-trips every share of a 101,770-element update for its own server, at the documented size", function () {
    const update = Int32Array.from({ length: MLP_SIZE }, (_, i) => ((i * 7919) % 20_001) - 10_000);
    const shares = shareVector(update, { servers: 3, threshold: 2 });
    shares.forEach((share, serverIndex) => {
      const encrypted = encryptShare({ share, serverIndex, serverPublicKey: servers[serverIndex]!.publicKey, roundId: 2n ** 200n + 3n, client: CLIENT });
      expect(encrypted).to.have.length(sharePayloadBytes(MLP_SIZE)).and.to.have.length(62 + 65 + 32 + 4 * MLP_SIZE);
      const decrypted = decryptShare({ payload: encrypted, serverIndex, serverPrivateKey: servers[serverIndex]!.privateKey, roundId: 2n ** 200n + 3n, client: CLIENT, length: MLP_SIZE });
      expect(Buffer.from(decrypted.buffer).equals(Buffer.from(share.buffer))).to.equal(true);
    });
  });

  it("accepts the client address in any letter case", function () {
    expect(Array.from(decryptShare({ ...expectation, client: CLIENT.toLowerCase() }))).to.deep.equal(Array.from(small));
  });

  it("writes the header in the clear: FMSS, version 1, server, round, client, count", function () {
    const header = Buffer.from(payload.subarray(0, SHARE_HEADER_BYTES));
    expect(header.subarray(0, 4).toString("ascii")).to.equal("FMSS");
    expect(header[4]).to.equal(1);
    expect(header[5]).to.equal(1);
    expect(BigInt(`0x${header.subarray(6, 38).toString("hex")}`)).to.equal(ROUND);
    expect(`0x${header.subarray(38, 58).toString("hex")}`).to.equal(CLIENT.toLowerCase());
    expect(header.readUInt32BE(58)).to.equal(16);
  });

  describe("should throw ShamirWrongServerError", function () {
    it("naming the field for another server, round, client or length", function () {
      const cases: [Partial<DecryptShareParameters>, string, string, string][] = [
        [{ serverIndex: 0, serverPrivateKey: servers[0]!.privateKey }, "serverIndex", "0", "1"],
        [{ roundId: ROUND + 1n }, "roundId", "8", "7"],
        [{ client: OTHER_CLIENT }, "client", OTHER_CLIENT.toLowerCase(), CLIENT.toLowerCase()],
        [{ length: 17 }, "elementCount", "17", "16"],
      ];
      for (const [change, field, expected, actual] of cases) {
        expect(() => decryptShare({ ...expectation, ...change }), field)
          .to.throw(ShamirWrongServerError, new RegExp(`its ${field} differs`))
          .that.includes({ field, expected, actual });
      }
    });
  });

  describe("should throw ShamirShareTamperedError", function () {
    it("for a flipped bit anywhere in the ECIES envelope (every bit of its 65-byte head, sampled bits of the body)", function () {
      const flip = (bit: number): Uint8Array => {
        const copy = Uint8Array.from(payload);
        copy[SHARE_HEADER_BYTES + (bit >> 3)]! ^= 1 << (bit & 7);
        return copy;
      };
      const causes = new Set<string>();
      const check = (bit: number): void => {
        let caught: unknown;
        try {
          decryptShare({ ...expectation, payload: flip(bit) });
        } catch (error) {
          caught = error;
        }
        expect(caught, `bit ${bit}`).to.be.instanceOf(ShamirShareTamperedError);
        const cause = (caught as Error).cause;
        expect(cause, `bit ${bit}`).to.satisfy((c: unknown) => c instanceof EciesInvalidCiphertextError || c instanceof EciesWrongKeyError);
        causes.add((cause as Error).name);
      };
      for (let bit = 0; bit < ECIES_LAYER_OVERHEAD * 8; bit++) check(bit);
      const envelopeBits = (payload.length - SHARE_HEADER_BYTES) * 8;
      fc.assert(fc.property(fc.integer({ min: ECIES_LAYER_OVERHEAD * 8, max: envelopeBits - 1 }), (bit) => check(bit)), { numRuns: 150 });
      // The key check tells a damaged ephemeral key / key check apart from a damaged body or tag.
      expect([...causes].sort()).to.deep.equal(["EciesInvalidCiphertextError", "EciesWrongKeyError"]);
    });

    it("for a payload encrypted to another server's key under this server's header", function () {
      const misaddressed = encryptShare({ share: small, serverIndex: 1, serverPublicKey: servers[2]!.publicKey, roundId: ROUND, client: CLIENT });
      expect(() => decryptShare({ ...expectation, payload: misaddressed }))
        .to.throw(ShamirShareTamperedError)
        .with.property("cause")
        .that.is.instanceOf(EciesWrongKeyError);
    });

    it("for a header rewritten to another round or client (a replay): the encrypted header hash differs", function () {
      const replayed = Uint8Array.from(payload);
      replayed[37] = Number(ROUND + 1n); // last byte of the big-endian round id
      expect(() => decryptShare({ ...expectation, payload: replayed, roundId: ROUND + 1n })).to.throw(ShamirShareTamperedError, /clear header differs/);
      const stolen = Uint8Array.from(payload);
      stolen.set(Buffer.from(OTHER_CLIENT.slice(2), "hex"), 38);
      expect(() => decryptShare({ ...expectation, payload: stolen, client: OTHER_CLIENT })).to.throw(ShamirShareTamperedError, /clear header differs/);
    });

    it("for a truncated envelope or one with a different element count inside", function () {
      expect(() => decryptShare({ ...expectation, payload: payload.subarray(0, payload.length - 4) })).to.throw(ShamirShareTamperedError);
      expect(() => decryptShare({ ...expectation, payload: payload.subarray(0, SHARE_HEADER_BYTES) }))
        .to.throw(ShamirShareTamperedError)
        .with.property("cause")
        .that.is.instanceOf(EciesInvalidCiphertextError);
      // A well-formed envelope whose header claims 17 elements but which holds 16.
      const header = Uint8Array.from(payload.subarray(0, SHARE_HEADER_BYTES));
      new DataView(header.buffer).setUint32(58, 17, false);
      const inner = innerPlaintext(header, Array.from(small));
      const forged = concat(header, eciesEncrypt({ publicKey: servers[1]!.publicKey, plaintext: inner }));
      expect(() => decryptShare({ ...expectation, payload: forged, length: 17 })).to.throw(ShamirShareTamperedError, /wrong length/);
    });
  });

  describe("should throw ShamirMalformedShareError", function () {
    it("for payloads that are not version-1 Shamir shares", function () {
      expect(() => decryptShare({ ...expectation, payload: payload.subarray(0, SHARE_HEADER_BYTES - 1) })).to.throw(ShamirMalformedShareError, /shorter/);
      const badMagic = Uint8Array.from(payload);
      badMagic[0] ^= 0x01;
      expect(() => decryptShare({ ...expectation, payload: badMagic })).to.throw(ShamirMalformedShareError, /FMSS/);
      const badVersion = Uint8Array.from(payload);
      badVersion[4] = 2;
      expect(() => decryptShare({ ...expectation, payload: badVersion })).to.throw(ShamirMalformedShareError, /version 2/);
    });

    it("for an authentic envelope holding a value >= p (the client's own fault), naming the element", function () {
      const header = payload.subarray(0, SHARE_HEADER_BYTES);
      const values = Array.from(small);
      values[5] = SHAMIR_PRIME;
      const forged = concat(header, eciesEncrypt({ publicKey: servers[1]!.publicKey, plaintext: innerPlaintext(header, values) }));
      expect(() => decryptShare({ ...expectation, payload: forged }))
        .to.throw(ShamirMalformedShareError)
        .that.includes({ serverIndex: 1, index: 5 });
    });

    it("when asked to encrypt a value >= p", function () {
      expect(() => encryptShare({ share: Uint32Array.from([1, SHAMIR_PRIME]), serverIndex: 0, serverPublicKey: servers[0]!.publicKey, roundId: ROUND, client: CLIENT }))
        .to.throw(ShamirMalformedShareError)
        .that.includes({ index: 1 });
    });
  });

  describe("should throw ShamirInputError", function () {
    it("for bad addresses, round ids, server indices, lengths and keys", function () {
      const base = { share: small, serverIndex: 0, serverPublicKey: servers[0]!.publicKey, roundId: ROUND, client: CLIENT };
      for (const client of ["0x1234", CLIENT.slice(2), `${CLIENT}00`, "0xZZ83F64d9C6d1EcF9b849Ae677dD3315835cb2"]) {
        expect(() => encryptShare({ ...base, client }), client).to.throw(ShamirInputError, /client address/);
      }
      for (const roundId of [-1n, 2n ** 256n]) expect(() => encryptShare({ ...base, roundId })).to.throw(ShamirInputError, /round id/);
      expect(() => encryptShare({ ...base, serverPublicKey: new Uint8Array(33) }))
        .to.throw(ShamirInputError, /public key/)
        .with.property("cause")
        .that.is.instanceOf(EciesInvalidKeyError);
      expect(() => decryptShare({ ...expectation, serverPrivateKey: new Uint8Array(32) }))
        .to.throw(ShamirInputError, /private key/)
        .with.property("cause")
        .that.is.instanceOf(EciesInvalidKeyError);
      expect(() => decryptShare({ ...expectation, length: -1 })).to.throw(ShamirInputError, /element count/);
    });
  });
});

function innerPlaintext(header: Uint8Array, values: readonly number[]): Uint8Array {
  const plaintext = new Uint8Array(32 + 4 * values.length);
  plaintext.set(createHash("sha256").update(header).digest(), 0);
  const view = new DataView(plaintext.buffer);
  values.forEach((value, i) => view.setUint32(32 + 4 * i, value, true));
  return plaintext;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
