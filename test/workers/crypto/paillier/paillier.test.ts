// Tests of the Paillier layer used by MASH seed shuffling: signed seeds round trip exactly (extremes
// included), sums are homomorphic, re-randomization hides the ciphertext but not the value, and every bad
// key, ciphertext or range is a named error. 1024-bit keys keep it fast; one case covers the 2048 default.
import { expect } from "chai";
import fc from "fast-check";
import { decodePaillierCiphertext } from "../../../../workers/crypto/paillier/decodePaillierCiphertext";
import { decodePaillierPublicKey } from "../../../../workers/crypto/paillier/decodePaillierPublicKey";
import { deserializePaillierPrivateKey } from "../../../../workers/crypto/paillier/deserializePaillierPrivateKey";
import { encodePaillierCiphertext } from "../../../../workers/crypto/paillier/encodePaillierCiphertext";
import { encodePaillierPublicKey } from "../../../../workers/crypto/paillier/encodePaillierPublicKey";
import {
  PaillierDecryptionError,
  PaillierInvalidCiphertextError,
  PaillierInvalidKeyError,
  PaillierPlaintextOutOfRangeError,
} from "../../../../workers/crypto/paillier/errors";
import { generatePaillierKeyPair } from "../../../../workers/crypto/paillier/generatePaillierKeyPair";
import { paillierAdd } from "../../../../workers/crypto/paillier/paillierAdd";
import { paillierDecrypt } from "../../../../workers/crypto/paillier/paillierDecrypt";
import { paillierEncrypt } from "../../../../workers/crypto/paillier/paillierEncrypt";
import { paillierPrivateKeyFromPrimes } from "../../../../workers/crypto/paillier/paillierPrivateKeyFromPrimes";
import { paillierRerandomize } from "../../../../workers/crypto/paillier/paillierRerandomize";
import { serializePaillierPrivateKey } from "../../../../workers/crypto/paillier/serializePaillierPrivateKey";
import type { PaillierKeyPair } from "../../../../workers/crypto/paillier/types";

const Q = 18446744073709551629n; // next_prime(2^64), the MASH seed bound
const seedArbitrary = fc.bigInt({ min: -(Q - 1n), max: Q - 1n });

describe("Paillier (workers/crypto/paillier)", function () {
  let keys: PaillierKeyPair;
  // A second key with a larger n, so that ciphertexts of `keys` are always in range for it.
  let otherKeys: PaillierKeyPair;

  before(async function () {
    const [a, b] = await Promise.all([generatePaillierKeyPair({ bits: 1024 }), generatePaillierKeyPair({ bits: 1024 })]);
    [keys, otherKeys] = a.publicKey.n < b.publicKey.n ? [a, b] : [b, a];
  });

  describe("key generation", function () {
    it("makes a 1024-bit key whose primes multiply to n and whose public key is n in 128 bytes", function () {
      const { publicKey, privateKey } = keys;
      expect(publicKey.bits).to.equal(1024);
      expect(publicKey.n.toString(2)).to.have.length(1024);
      expect(privateKey.p * privateKey.q).to.equal(publicKey.n);
      const bytes = encodePaillierPublicKey({ publicKey });
      expect(bytes).to.have.length(128);
      expect(decodePaillierPublicKey({ bytes }).n).to.equal(publicKey.n);
    });

    it("defaults to 2048 bits and round-trips a seed at that size", async function () {
      const { publicKey, privateKey } = await generatePaillierKeyPair();
      expect(publicKey.bits).to.equal(2048);
      expect(encodePaillierPublicKey({ publicKey })).to.have.length(256);
      const ciphertext = paillierEncrypt({ publicKey, plaintext: -(Q - 1n), bound: Q });
      expect(encodePaillierCiphertext({ publicKey, ciphertext })).to.have.length(512);
      expect(paillierDecrypt({ privateKey, ciphertext, bound: Q })).to.equal(-(Q - 1n));
    });
  });

  describe("signed seeds", function () {
    it("round-trip exactly, including 0, ±1 and ±(Q − 1)", function () {
      for (const seed of [0n, 1n, -1n, Q - 1n, -(Q - 1n)]) {
        const ciphertext = paillierEncrypt({ publicKey: keys.publicKey, plaintext: seed, bound: Q });
        expect(paillierDecrypt({ privateKey: keys.privateKey, ciphertext, bound: Q })).to.equal(seed);
      }
    });

    it("round-trip for arbitrary seeds in (−Q, Q) through the byte encoding", function () {
      fc.assert(
        fc.property(seedArbitrary, (seed) => {
          const { publicKey, privateKey } = keys;
          const bytes = encodePaillierCiphertext({ publicKey, ciphertext: paillierEncrypt({ publicKey, plaintext: seed, bound: Q }) });
          const ciphertext = decodePaillierCiphertext({ publicKey, bytes });
          expect(paillierDecrypt({ privateKey, ciphertext, bound: Q })).to.equal(seed);
        }),
        { numRuns: 25 },
      );
    });

    it("rejects ±Q and beyond with PaillierPlaintextOutOfRangeError", function () {
      for (const seed of [Q, -Q, 2n ** 70n]) {
        expect(() => paillierEncrypt({ publicKey: keys.publicKey, plaintext: seed, bound: Q }))
          .to.throw(PaillierPlaintextOutOfRangeError)
          .that.includes({ plaintext: seed, bound: Q });
      }
    });

    it("rejects a bound wider than n can represent", function () {
      expect(() => paillierEncrypt({ publicKey: keys.publicKey, plaintext: 1n, bound: keys.publicKey.n })).to.throw(PaillierPlaintextOutOfRangeError);
    });
  });

  describe("homomorphic addition", function () {
    it("sums signed seeds exactly, extremes included", function () {
      const { publicKey, privateKey } = keys;
      const seeds = [Q - 1n, Q - 1n, -(Q - 1n), 12345n, -(Q - 1n), -(Q - 1n), Q - 1n, -7n];
      const sum = paillierAdd({ publicKey, ciphertexts: seeds.map((plaintext) => paillierEncrypt({ publicKey, plaintext, bound: Q })) });
      const bound = BigInt(seeds.length) * (Q - 1n) + 1n;
      expect(paillierDecrypt({ privateKey, ciphertext: sum, bound })).to.equal(12345n - 7n);
    });

    it("reaches ±k·(Q − 1) exactly at the edge of the bound", function () {
      const { publicKey, privateKey } = keys;
      const k = 5;
      const bound = BigInt(k) * (Q - 1n) + 1n;
      for (const extreme of [Q - 1n, -(Q - 1n)]) {
        const sum = paillierAdd({ publicKey, ciphertexts: Array.from({ length: k }, () => paillierEncrypt({ publicKey, plaintext: extreme, bound: Q })) });
        expect(paillierDecrypt({ privateKey, ciphertext: sum, bound })).to.equal(BigInt(k) * extreme);
      }
    });

    it("matches the plaintext sum for arbitrary seed vectors", function () {
      fc.assert(
        fc.property(fc.array(seedArbitrary, { minLength: 1, maxLength: 6 }), (seeds) => {
          const { publicKey, privateKey } = keys;
          const sum = paillierAdd({ publicKey, ciphertexts: seeds.map((plaintext) => paillierEncrypt({ publicKey, plaintext, bound: Q })) });
          const bound = BigInt(seeds.length) * (Q - 1n) + 1n;
          expect(paillierDecrypt({ privateKey, ciphertext: sum, bound })).to.equal(seeds.reduce((a, b) => a + b, 0n));
        }),
        { numRuns: 8 },
      );
    });

    it("names an invalid summand and refuses an empty sum", function () {
      const { publicKey } = keys;
      const good = paillierEncrypt({ publicKey, plaintext: 1n });
      expect(() => paillierAdd({ publicKey, ciphertexts: [good, 0n] }))
        .to.throw(PaillierInvalidCiphertextError, "summand 1")
        .with.property("cause")
        .that.is.instanceOf(PaillierInvalidCiphertextError);
      expect(() => paillierAdd({ publicKey, ciphertexts: [] })).to.throw(PaillierInvalidCiphertextError);
    });

    it("decrypting a sum larger than the declared bound is a PaillierDecryptionError", function () {
      const { publicKey, privateKey } = keys;
      const sum = paillierAdd({ publicKey, ciphertexts: [Q - 1n, Q - 1n].map((plaintext) => paillierEncrypt({ publicKey, plaintext, bound: Q })) });
      expect(() => paillierDecrypt({ privateKey, ciphertext: sum, bound: Q })).to.throw(PaillierDecryptionError);
    });
  });

  describe("re-randomization", function () {
    it("changes the ciphertext but not the plaintext", function () {
      const { publicKey, privateKey } = keys;
      const ciphertext = paillierEncrypt({ publicKey, plaintext: -(Q - 1n), bound: Q });
      const fresh = paillierRerandomize({ publicKey, ciphertext });
      const again = paillierRerandomize({ publicKey, ciphertext });
      expect(fresh).to.not.equal(ciphertext);
      expect(again).to.not.equal(fresh);
      expect(paillierDecrypt({ privateKey, ciphertext: fresh, bound: Q })).to.equal(-(Q - 1n));
      expect(paillierDecrypt({ privateKey, ciphertext: again, bound: Q })).to.equal(-(Q - 1n));
    });

    it("refuses to re-randomize an invalid ciphertext", function () {
      expect(() => paillierRerandomize({ publicKey: keys.publicKey, ciphertext: keys.publicKey.nSquared })).to.throw(PaillierInvalidCiphertextError);
    });
  });

  describe("ciphertext validation", function () {
    it("rejects 0, n², values above n² and values sharing a factor with n", function () {
      const { publicKey, privateKey } = keys;
      for (const ciphertext of [0n, -5n, publicKey.nSquared, publicKey.nSquared + 1n, privateKey.p, privateKey.q * 12345n]) {
        expect(() => paillierDecrypt({ privateKey, ciphertext, bound: Q })).to.throw(PaillierInvalidCiphertextError);
      }
    });

    it("rejects encodings of the wrong width, all-zero bytes and all-0xff bytes (≥ n²)", function () {
      const { publicKey } = keys;
      const bytes = encodePaillierCiphertext({ publicKey, ciphertext: paillierEncrypt({ publicKey, plaintext: 42n }) });
      expect(() => decodePaillierCiphertext({ publicKey, bytes: bytes.subarray(1) })).to.throw(PaillierInvalidCiphertextError);
      expect(() => decodePaillierCiphertext({ publicKey, bytes: Uint8Array.from([...bytes, 0]) })).to.throw(PaillierInvalidCiphertextError);
      expect(() => decodePaillierCiphertext({ publicKey, bytes: new Uint8Array(bytes.length) })).to.throw(PaillierInvalidCiphertextError);
      expect(() => decodePaillierCiphertext({ publicKey, bytes: new Uint8Array(bytes.length).fill(0xff) })).to.throw(PaillierInvalidCiphertextError);
    });

    it("a flipped bit never decrypts to an in-range seed: it is a named error", function () {
      const { publicKey, privateKey } = keys;
      const bytes = encodePaillierCiphertext({ publicKey, ciphertext: paillierEncrypt({ publicKey, plaintext: 42n, bound: Q }) });
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
          const flipped = Uint8Array.from(bytes);
          flipped[bit >> 3]! ^= 1 << (bit & 7);
          expect(() => paillierDecrypt({ privateKey, ciphertext: decodePaillierCiphertext({ publicKey, bytes: flipped }), bound: Q }))
            .to.throw()
            .that.satisfies((error: unknown) => error instanceof PaillierInvalidCiphertextError || error instanceof PaillierDecryptionError);
        }),
        { numRuns: 30 },
      );
    });
  });

  describe("wrong key", function () {
    it("decrypting with another private key is a PaillierDecryptionError", function () {
      const ciphertext = paillierEncrypt({ publicKey: keys.publicKey, plaintext: 7n, bound: Q });
      expect(() => paillierDecrypt({ privateKey: otherKeys.privateKey, ciphertext, bound: Q })).to.throw(PaillierDecryptionError);
    });
  });

  describe("public key bytes", function () {
    it("reject wrong lengths, an even or small-factor modulus, and a modulus that does not fill its bytes", function () {
      const bytes = encodePaillierPublicKey({ publicKey: keys.publicKey });
      expect(() => decodePaillierPublicKey({ bytes: bytes.subarray(1) })).to.throw(PaillierInvalidKeyError);
      expect(() => decodePaillierPublicKey({ bytes: new Uint8Array(100) })).to.throw(PaillierInvalidKeyError);
      const even = Uint8Array.from(bytes);
      even[even.length - 1]! &= 0xfe;
      expect(() => decodePaillierPublicKey({ bytes: even })).to.throw(PaillierInvalidKeyError);
      const oddMultipleOfThree = 3n * (2n ** 1022n + 1n); // 1024 bits, odd, divisible by 3
      const smallFactor = Buffer.from(oddMultipleOfThree.toString(16).padStart(256, "0"), "hex");
      expect(() => decodePaillierPublicKey({ bytes: smallFactor })).to.throw(PaillierInvalidKeyError);
      const short = Uint8Array.from(bytes);
      short[0] = 0;
      expect(() => decodePaillierPublicKey({ bytes: short })).to.throw(PaillierInvalidKeyError);
    });
  });

  describe("private key JSON", function () {
    it("round-trips through JSON and still decrypts", function () {
      const serialized = JSON.parse(JSON.stringify(serializePaillierPrivateKey({ privateKey: keys.privateKey }))) as unknown;
      const loaded = deserializePaillierPrivateKey({ serialized });
      expect(loaded.publicKey.n).to.equal(keys.publicKey.n);
      expect(loaded.lambda).to.equal(keys.privateKey.lambda);
      expect(loaded.mu).to.equal(keys.privateKey.mu);
      const ciphertext = paillierEncrypt({ publicKey: keys.publicKey, plaintext: -99n, bound: Q });
      expect(paillierDecrypt({ privateKey: loaded, ciphertext, bound: Q })).to.equal(-99n);
    });

    it("rejects a wrong kind, bad hex, mismatched primes and a wrong bit size", function () {
      const good = serializePaillierPrivateKey({ privateKey: keys.privateKey });
      const variants: unknown[] = [
        null,
        "key",
        { ...good, kind: "something-else" },
        { ...good, version: 2 },
        { ...good, p: "zz" },
        { ...good, p: `0x${(keys.privateKey.p + 2n).toString(16)}` },
        { ...good, n: `0x${otherKeys.privateKey.publicKey.n.toString(16)}` },
        { ...good, bits: 2048 },
        { ...good, q: good.p },
      ];
      for (const serialized of variants) expect(() => deserializePaillierPrivateKey({ serialized })).to.throw(PaillierInvalidKeyError);
    });

    it("refuses primes that do not give a supported modulus", function () {
      expect(() => paillierPrivateKeyFromPrimes({ p: 1000003n, q: 1000033n })).to.throw(PaillierInvalidKeyError);
    });
  });
});
