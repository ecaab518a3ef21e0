// Tests of the ECIES envelope and the onion built from it: exact sizes, compatibility with eciesjs itself,
// order-enforcing peeling at every depth, and a named error for every wrong key, bad key and altered byte.
import { expect } from "chai";
import fc from "fast-check";
import { decrypt as eciesjsDecrypt, ECIES_CONFIG } from "eciesjs";
import { eciesDecrypt } from "../../../../workers/crypto/ecies/eciesDecrypt";
import { eciesEncrypt } from "../../../../workers/crypto/ecies/eciesEncrypt";
import { eciesPublicKeyOf } from "../../../../workers/crypto/ecies/eciesPublicKeyOf";
import { EciesInvalidCiphertextError, EciesInvalidKeyError, EciesWrongKeyError } from "../../../../workers/crypto/ecies/errors";
import { generateEciesKeyPair } from "../../../../workers/crypto/ecies/generateEciesKeyPair";
import { parseEciesPrivateKey } from "../../../../workers/crypto/ecies/parseEciesPrivateKey";
import { parseEciesPublicKey } from "../../../../workers/crypto/ecies/parseEciesPublicKey";
import { peelOnion } from "../../../../workers/crypto/ecies/peelOnion";
import { ECIES_LAYER_OVERHEAD, type EciesKeyPair } from "../../../../workers/crypto/ecies/types";
import { wrapOnion } from "../../../../workers/crypto/ecies/wrapOnion";

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const payload = Uint8Array.from(Buffer.from("a Paillier ciphertext stands here"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("ECIES (workers/crypto/ecies)", function () {
  let alice: EciesKeyPair;
  let bob: EciesKeyPair;

  before(function () {
    alice = generateEciesKeyPair();
    bob = generateEciesKeyPair();
  });

  describe("keys", function () {
    it("are a 32-byte scalar and its 33-byte compressed point", function () {
      expect(alice.privateKey).to.have.length(32);
      expect(alice.publicKey).to.have.length(33);
      expect([0x02, 0x03]).to.include(alice.publicKey[0]);
      expect(toHex(eciesPublicKeyOf(alice.privateKey))).to.equal(toHex(alice.publicKey));
    });

    it("accept hex with or without 0x and uncompressed points, and canonicalize to 33 bytes", function () {
      expect(toHex(parseEciesPublicKey({ publicKey: `0x${toHex(alice.publicKey)}` }))).to.equal(toHex(alice.publicKey));
      const uncompressed = uncompress(alice.publicKey);
      expect(uncompressed).to.have.length(65);
      expect(toHex(parseEciesPublicKey({ publicKey: uncompressed }))).to.equal(toHex(alice.publicKey));
      expect(toHex(parseEciesPrivateKey({ privateKey: toHex(alice.privateKey) }))).to.equal(toHex(alice.privateKey));
    });

    it("reject wrong lengths, bad hex, off-curve points and out-of-range scalars with EciesInvalidKeyError", function () {
      const offCurve = Uint8Array.from(alice.publicKey);
      offCurve[0] = 0x05; // no such point prefix
      for (const publicKey of [alice.publicKey.subarray(1), "0xzz", "abc", offCurve, new Uint8Array(33)]) {
        expect(() => parseEciesPublicKey({ publicKey })).to.throw(EciesInvalidKeyError);
      }
      const order = Buffer.from(SECP256K1_ORDER.toString(16), "hex");
      for (const privateKey of [new Uint8Array(32), order, alice.privateKey.subarray(1), "0x12"]) {
        expect(() => parseEciesPrivateKey({ privateKey })).to.throw(EciesInvalidKeyError);
      }
      expect(() => eciesEncrypt({ publicKey: offCurve, plaintext: payload })).to.throw(EciesInvalidKeyError);
    });
  });

  describe("envelope", function () {
    it("round-trips with exactly 65 bytes of overhead, with and without associated data", function () {
      const associatedData = Uint8Array.from([1, 2, 3]);
      const plain = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      const bound = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload, associatedData });
      expect(ECIES_LAYER_OVERHEAD).to.equal(65);
      expect(plain).to.have.length(payload.length + 65);
      expect(toHex(eciesDecrypt({ privateKey: alice.privateKey, ciphertext: plain }))).to.equal(toHex(payload));
      expect(toHex(eciesDecrypt({ privateKey: alice.privateKey, ciphertext: bound, associatedData }))).to.equal(toHex(payload));
      expect(toHex(eciesDecrypt({ privateKey: alice.privateKey, ciphertext: eciesEncrypt({ publicKey: alice.publicKey, plaintext: new Uint8Array(0) }) }))).to.equal("");
    });

    it("is eciesjs's own format once the 4-byte key check is removed", function () {
      const ciphertext = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      const withoutKeyCheck = Uint8Array.from([...ciphertext.subarray(0, 33), ...ciphertext.subarray(37)]);
      // A Config whose getters still work: inherit from the default instance and override the three options.
      const config = Object.assign(Object.create(ECIES_CONFIG) as typeof ECIES_CONFIG, {
        isEphemeralKeyCompressed: true,
        isHkdfKeyCompressed: true,
        symmetricNonceLength: 12 as const,
      });
      expect(toHex(eciesjsDecrypt(alice.privateKey, withoutKeyCheck, config))).to.equal(toHex(payload));
    });

    it("uses a fresh ephemeral key every time", function () {
      const first = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      const second = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      expect(toHex(first.subarray(0, 33))).to.not.equal(toHex(second.subarray(0, 33)));
    });

    it("with another private key fails with EciesWrongKeyError", function () {
      const ciphertext = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      expect(() => eciesDecrypt({ privateKey: bob.privateKey, ciphertext })).to.throw(EciesWrongKeyError);
    });

    it("with different associated data fails with EciesInvalidCiphertextError", function () {
      const ciphertext = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload, associatedData: Uint8Array.from([1]) });
      expect(() => eciesDecrypt({ privateKey: alice.privateKey, ciphertext, associatedData: Uint8Array.from([2]) })).to.throw(EciesInvalidCiphertextError);
      expect(() => eciesDecrypt({ privateKey: alice.privateKey, ciphertext })).to.throw(EciesInvalidCiphertextError);
    });

    it("altered nonce, tag or body bytes fail with EciesInvalidCiphertextError", function () {
      const ciphertext = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      fc.assert(
        fc.property(fc.integer({ min: 37 * 8, max: ciphertext.length * 8 - 1 }), (bit) => {
          const flipped = Uint8Array.from(ciphertext);
          flipped[bit >> 3]! ^= 1 << (bit & 7);
          expect(() => eciesDecrypt({ privateKey: alice.privateKey, ciphertext: flipped })).to.throw(EciesInvalidCiphertextError);
        }),
        { numRuns: 60 },
      );
    });

    it("an altered key check reads as a wrong key, an altered ephemeral key as either named error", function () {
      const ciphertext = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      for (let bit = 33 * 8; bit < 37 * 8; bit++) {
        const flipped = Uint8Array.from(ciphertext);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => eciesDecrypt({ privateKey: alice.privateKey, ciphertext: flipped })).to.throw(EciesWrongKeyError);
      }
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 33 * 8 - 1 }), (bit) => {
          const flipped = Uint8Array.from(ciphertext);
          flipped[bit >> 3]! ^= 1 << (bit & 7);
          expect(() => eciesDecrypt({ privateKey: alice.privateKey, ciphertext: flipped }))
            .to.throw()
            .that.satisfies((error: unknown) => error instanceof EciesWrongKeyError || error instanceof EciesInvalidCiphertextError);
        }),
        { numRuns: 40 },
      );
    });

    it("every truncation fails with EciesInvalidCiphertextError", function () {
      const ciphertext = eciesEncrypt({ publicKey: alice.publicKey, plaintext: payload });
      for (let length = 0; length < ciphertext.length; length++) {
        expect(() => eciesDecrypt({ privateKey: alice.privateKey, ciphertext: ciphertext.subarray(0, length) }), `length ${length}`).to.throw(
          EciesInvalidCiphertextError,
        );
      }
    });
  });

  describe("onion", function () {
    const associatedData = Uint8Array.from(Buffer.from("round 7, group 3"));

    for (const depth of [1, 2, 3, 4]) {
      it(`of depth ${depth} grows by 65 bytes a layer and peels in chain order`, function () {
        const chain = Array.from({ length: depth }, () => generateEciesKeyPair());
        let layer = wrapOnion({ payload, recipientPublicKeys: chain.map((member) => member.publicKey), associatedData });
        expect(layer).to.have.length(payload.length + 65 * depth);
        chain.forEach((member, position) => {
          // Everyone but the current recipient (later members included) is refused at this layer.
          for (const other of [...chain.filter((_, index) => index !== position), bob]) {
            expect(() => peelOnion({ layer, privateKey: other.privateKey, associatedData }), `layer ${position}`).to.throw(EciesWrongKeyError);
          }
          layer = peelOnion({ layer, privateKey: member.privateKey, associatedData });
          expect(layer).to.have.length(payload.length + 65 * (depth - position - 1));
        });
        expect(toHex(layer)).to.equal(toHex(payload));
      });
    }

    it("of depth 0 is the payload itself", function () {
      expect(toHex(wrapOnion({ payload, recipientPublicKeys: [] }))).to.equal(toHex(payload));
    });

    it("bound to one session does not open in another", function () {
      const layer = wrapOnion({ payload, recipientPublicKeys: [alice.publicKey, bob.publicKey], associatedData });
      expect(() => peelOnion({ layer, privateKey: alice.privateKey, associatedData: Uint8Array.from([9]) })).to.throw(EciesInvalidCiphertextError);
    });

    it("with an altered inner layer fails at the member whose layer it is", function () {
      const layer = wrapOnion({ payload, recipientPublicKeys: [alice.publicKey, bob.publicKey], associatedData });
      const inner = Uint8Array.from(peelOnion({ layer, privateKey: alice.privateKey, associatedData }));
      inner[inner.length - 1]! ^= 0x01;
      expect(() => peelOnion({ layer: inner, privateKey: bob.privateKey, associatedData })).to.throw(EciesInvalidCiphertextError);
    });
  });
});

/** 65-byte uncompressed encoding of a compressed point (eciesjs helper, not the code under test). */
function uncompress(compressed: Uint8Array): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const utils = require("eciesjs/utils") as { convertPublicKeyFormat(curve: string, pk: Uint8Array, compressed: boolean): Uint8Array };
  return utils.convertPublicKeyFormat("secp256k1", compressed, false);
}
