// Tests of the precomputed Paillier randomness: OpenSSL's exponentiation (through the Diffie-Hellman API) gives
// exactly BigInt's result for n² moduli, rⁿ is an encryption of zero, and the pool hands out every value once,
// falls back to fresh computation when empty, yields to the event loop while filling and refuses another key.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { PaillierInvalidKeyError } from "../../../../workers/crypto/paillier/errors";
import { generatePaillierKeyPair } from "../../../../workers/crypto/paillier/generatePaillierKeyPair";
import { modPowBigint, modPowFast, openSslModPowAvailable } from "../../../../workers/crypto/paillier/modPowOpenSsl";
import { createNthPowerPool, nthPowerFor } from "../../../../workers/crypto/paillier/nthPowerPool";
import { paillierDecrypt } from "../../../../workers/crypto/paillier/paillierDecrypt";
import { paillierEncrypt } from "../../../../workers/crypto/paillier/paillierEncrypt";
import { paillierRerandomize } from "../../../../workers/crypto/paillier/paillierRerandomize";
import { randomNthPower, randomUnit } from "../../../../workers/crypto/paillier/randomNthPower";
import type { PaillierKeyPair, PaillierPublicKey } from "../../../../workers/crypto/paillier/types";

const Q = 18446744073709551629n;
const randomBits = (bits: number): bigint => BigInt(`0x${randomBytes(Math.ceil(bits / 8)).toString("hex")}`) >> BigInt(Math.ceil(bits / 8) * 8 - bits);

describe("Paillier randomness (workers/crypto/paillier: modPowFast, createNthPowerPool)", function () {
  let keys: PaillierKeyPair;
  let other: PaillierKeyPair;

  before(async function () {
    [keys, other] = await Promise.all([generatePaillierKeyPair({ bits: 1024 }), generatePaillierKeyPair({ bits: 1024 })]);
  });

  describe("modPowFast", function () {
    it("passes its self-check on this Node (OpenSSL computes g^x mod m for an odd composite m)", function () {
      expect(openSslModPowAvailable()).to.equal(true);
    });

    for (const bits of [1024, 2048, 3072]) {
      it(`equals BigInt modPow for r^n mod n² with random odd ${bits}-bit n and random r`, function () {
        for (let trial = 0; trial < 6; trial++) {
          const n = randomBits(bits) | (1n << BigInt(bits - 1)) | 1n;
          const modulus = n * n;
          const r = (randomBits(bits) % (n - 2n)) + 2n;
          expect(modPowFast(r, n, modulus)).to.equal(modPowBigint(r, n, modulus));
        }
      });
    }

    it("equals BigInt at the edges: bases 2, m − 1 and short ones, exponents 1 and 2, random full-width bases", function () {
      const n = keys.publicKey.n;
      const m = keys.publicKey.nSquared;
      const cases: [bigint, bigint][] = [
        [2n, n], [m - 1n, n], [3n, n], [0x100n, n], [1n << 700n, n], [12345n, 1n], [m - 2n, 2n],
        ...Array.from({ length: 8 }, (): [bigint, bigint] => [(randomBits(2048) % (m - 2n)) + 2n, randomBits(1024) + 1n]),
      ];
      for (const [base, exponent] of cases) expect(modPowFast(base, exponent, m)).to.equal(modPowBigint(base, exponent, m));
      // Outside OpenSSL's range it is still right (BigInt): bases 0 and 1, an even modulus.
      expect(modPowFast(0n, n, m)).to.equal(0n);
      expect(modPowFast(1n, n, m)).to.equal(1n);
      expect(modPowFast(3n, 5n, 1n << 600n)).to.equal(243n);
    });
  });

  describe("randomNthPower", function () {
    it("draws r in Z*_n and gives an encryption of zero", function () {
      for (let trial = 0; trial < 5; trial++) {
        const r = randomUnit(keys.publicKey);
        expect(r >= 1n && r < keys.publicKey.n).to.equal(true);
        const value = randomNthPower(keys.publicKey);
        expect(paillierDecrypt({ privateKey: keys.privateKey, ciphertext: value, bound: Q })).to.equal(0n);
      }
    });
  });

  describe("createNthPowerPool", function () {
    /** A counting stand-in for randomNthPower: every value it makes is distinct, so reuse would show. */
    function counting(): { compute: (publicKey: PaillierPublicKey) => bigint; made: bigint[] } {
      const made: bigint[] = [];
      return { made, compute: () => { const value = BigInt(made.length + 1); made.push(value); return value; } };
    }

    it("hands out each precomputed value once, in the order made, then computes fresh ones when empty", async function () {
      const source = counting();
      const pool = createNthPowerPool({ publicKey: keys.publicKey, compute: source.compute });
      await pool.fill(4);
      expect(pool.ready).to.equal(4);
      const taken = Array.from({ length: 7 }, () => pool.take());
      expect(taken).to.deep.equal([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
      expect(new Set(taken).size).to.equal(taken.length);
      expect(pool.ready).to.equal(0);
      expect(pool.stats).to.deep.equal({ precomputed: 4, onDemand: 3 });
    });

    it("never hands out the same real rⁿ twice, and an emptied pool still gives valid fresh ones", async function () {
      const pool = createNthPowerPool({ publicKey: keys.publicKey });
      await pool.fill(5);
      const taken = Array.from({ length: 8 }, () => pool.take());
      expect(new Set(taken).size).to.equal(8);
      expect(pool.stats).to.deep.equal({ precomputed: 5, onDemand: 3 });
      for (const value of taken) expect(paillierDecrypt({ privateKey: keys.privateKey, ciphertext: value, bound: Q })).to.equal(0n);
    });

    it("yields to the event loop between values and stops filling on close(), forgetting what was not taken", async function () {
      const source = counting();
      const pool = createNthPowerPool({ publicKey: keys.publicKey, compute: source.compute });
      const filling = pool.fill(1000);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(source.made.length).to.be.within(1, 3);
      pool.close();
      await filling;
      expect(source.made.length).to.be.below(5);
      expect(pool.ready).to.equal(0);
      // Taking after close still works, from fresh values.
      expect(pool.take()).to.equal(BigInt(source.made.length));
      expect(pool.stats.precomputed).to.equal(0);
    });

    it("is used by paillierEncrypt and paillierRerandomize (one value each) and refused for another key", async function () {
      const pool = createNthPowerPool({ publicKey: keys.publicKey });
      await pool.fill(2);
      const ciphertext = paillierEncrypt({ publicKey: keys.publicKey, plaintext: -(Q - 1n), bound: Q, pool });
      const again = paillierRerandomize({ publicKey: keys.publicKey, ciphertext, pool });
      expect(pool.stats).to.deep.equal({ precomputed: 2, onDemand: 0 });
      expect(again).to.not.equal(ciphertext);
      expect(paillierDecrypt({ privateKey: keys.privateKey, ciphertext: again, bound: Q })).to.equal(-(Q - 1n));
      expect(() => paillierEncrypt({ publicKey: other.publicKey, plaintext: 1n, bound: Q, pool })).to.throw(PaillierInvalidKeyError);
      expect(() => nthPowerFor(other.publicKey, pool)).to.throw(PaillierInvalidKeyError);
    });
  });
});
