// Tests of Bn254.sol and SampledVerification.sol through their test harness: the contract and the workers agree
// on generators, partitions, weights and commitments; honest sets of 10 and 50 clients verify, tampered aggregates
// do not; every custom error with its args; and the gas of accumulating and of the final check for N = 10 and 50.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { solidityPackedKeccak256 } from "ethers";
import type { SampledVerificationHarness } from "../../typechain-types";
import { batchOf } from "../../workers/crypto/verify/batchOf";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { batchSumsScalar } from "../../workers/crypto/verify/batchSumsScalar";
import { batchWeights } from "../../workers/crypto/verify/batchWeights";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { G1, g1Affine } from "../../workers/crypto/verify/g1Point";
import { hashToCurve } from "../../workers/crypto/verify/hashToCurve";
import { sumCommitments } from "../../workers/crypto/verify/sumCommitments";
import {
  BN254_FIELD_ORDER as P,
  BN254_GROUP_ORDER as R,
  DEFAULT_BATCHES as K,
  DEFAULT_PARTITIONS as M,
  GENERATOR_DOMAIN,
  type G1AffinePoint,
} from "../../workers/crypto/verify/types";
import { verificationGenerators } from "../../workers/crypto/verify/verificationGenerators";
import { quantizedUpdate } from "../workers/crypto/verify/quantizedUpdate";

const SEED = solidityPackedKeccak256(["string"], ["Bn254.test sample seed"]) as `0x${string}`;
/** Gas does not depend on d; a short vector keeps 50 simulated clients fast. */
const D = 2_048;

function update(client: number): Int32Array {
  return quantizedUpdate(D, client + 10);
}

interface SimulatedRound {
  commitments: G1AffinePoint[];
  aggregate: Int32Array;
}

function simulateRound(clients: number): SimulatedRound {
  const aggregate = new Int32Array(D);
  const commitments: G1AffinePoint[] = [];
  for (let client = 0; client < clients; client++) {
    const vector = update(client);
    for (let i = 0; i < D; i++) aggregate[i] = aggregate[i]! + vector[i]!;
    commitments.push(commitBatchSums({ batchSums: batchSums(vector, SEED, M, K), weightSeed: SEED, m: M, k: K }));
  }
  return { commitments, aggregate };
}

function packedBatchSums(aggregate: Int32Array): `0x${string}` {
  return encodeBatchSums(batchSums(aggregate, SEED, M, K));
}

describe("Bn254 and SampledVerification", function () {
  async function deployHarnessFixture() {
    const harness = (await (await ethers.getContractFactory("SampledVerificationHarness")).deploy()) as unknown as SampledVerificationHarness;
    return { harness };
  }

  async function accumulateAll(harness: SampledVerificationHarness, commitments: readonly G1AffinePoint[]): Promise<bigint[]> {
    const gas: bigint[] = [];
    for (const { x, y } of commitments) gas.push((await (await harness.accumulate(x, y)).wait())!.gasUsed);
    return gas;
  }

  describe("agreement with the workers", function () {
    it("stores the generators hash-to-curve derives on-chain and in TS, from the documented domain", async function () {
      const { harness } = await loadFixture(deployHarnessFixture);
      const [gx, gy, hx, hy, domain] = await harness.generators();
      expect(domain).to.equal(GENERATOR_DOMAIN);
      const { g, h } = verificationGenerators();
      expect([gx, gy, hx, hy]).to.deep.equal([g.x, g.y, h.x, h.y]);
      for (const index of [0n, 1n]) {
        const [x, y, counter] = await harness.hashToCurve(GENERATOR_DOMAIN, index);
        const expected = hashToCurve(GENERATOR_DOMAIN, index);
        expect([x, y, counter]).to.deep.equal([expected.point.x, expected.point.y, BigInt(expected.counter)]);
      }
    });

    it("hash-to-curve agrees for indices that need more than one try, and for another domain", async function () {
      const { harness } = await loadFixture(deployHarnessFixture);
      let retried = 0;
      for (let index = 2n; index < 12n; index++) {
        for (const domain of [GENERATOR_DOMAIN, "another domain"]) {
          const [x, y, counter] = await harness.hashToCurve(domain, index);
          const expected = hashToCurve(domain, index);
          expect([x, y, counter]).to.deep.equal([expected.point.x, expected.point.y, BigInt(expected.counter)]);
          if (expected.counter > 0) retried++;
        }
      }
      expect(retried).to.be.above(0);
    });

    for (const k of [2, 4, 8, 16, 256]) {
      it(`batchOf agrees with the workers' partitions (k = ${k})`, async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        const perWord = Math.floor(256 / Math.log2(k));
        for (const coordinate of [0, 1, perWord - 1, perWord, 3 * perWord + 5, 101_769, 804_553]) {
          for (const partition of [0, 1, 63]) {
            expect(await harness.batchOf(SEED, partition, coordinate, k), `j ${partition} i ${coordinate}`).to.equal(
              BigInt(batchOf(SEED, partition, coordinate, k)),
            );
          }
        }
      });
    }

    it("derives the same weights and the same scalar of batch sums, negative sums included", async function () {
      const { harness } = await loadFixture(deployHarnessFixture);
      const weights = batchWeights(SEED, 4, 4);
      for (let s = 0; s < weights.length; s++) expect(await harness.weight(SEED, Math.floor(s / 4), s % 4)).to.equal(weights[s]);
      const sums = [0n, 1n, -1n, 10_000n, -(1n << 62n), (1n << 63n) - 1n, -(1n << 63n), 42n, -42n, 7n, 0n, 3n, -3n, 99n, -100n, 5n];
      expect(await harness.batchSumsScalar(SEED, 4, 4, encodeBatchSums(sums))).to.equal(batchSumsScalar(sums, SEED, 4, 4));
    });

    it("ecAdd and ecMul agree with @noble/curves, and a commitment is the scalar times G", async function () {
      const { harness } = await loadFixture(deployHarnessFixture);
      const { g, gPoint } = verificationGenerators();
      const a = g1Affine(gPoint.multiply(123456789n));
      const b = g1Affine(gPoint.multiply(R - 5n));
      expect(await harness.add(a.x, a.y, b.x, b.y)).to.deep.equal(Object.values(g1Affine(gPoint.multiply(123456789n - 5n))));
      expect(await harness.mul(g.x, g.y, R - 1n)).to.deep.equal([g.x, P - g.y]);
      expect(await harness.mul(g.x, g.y, 0n)).to.deep.equal([0n, 0n]);
      const sums = batchSums(update(0), SEED, M, K);
      const commitment = commitBatchSums({ batchSums: sums, weightSeed: SEED, m: M, k: K });
      const scalar = await harness.batchSumsScalar(SEED, M, K, encodeBatchSums(sums));
      expect(await harness.mul(g.x, g.y, scalar)).to.deep.equal([commitment.x, commitment.y]);
    });

    it("isOnCurve accepts G, H, the standard generator and infinity, and refuses the rest", async function () {
      const { harness } = await loadFixture(deployHarnessFixture);
      const { g, h } = verificationGenerators();
      expect(await harness.isOnCurve(g.x, g.y)).to.equal(true);
      expect(await harness.isOnCurve(h.x, h.y)).to.equal(true);
      expect(await harness.isOnCurve(1n, 2n)).to.equal(true);
      expect(await harness.isOnCurve(0n, 0n)).to.equal(true);
      expect(await harness.isOnCurve(1n, 3n)).to.equal(false);
      expect(await harness.isOnCurve(g.x + P, g.y)).to.equal(false);
      expect(await harness.isOnCurve(g.x, g.y + P)).to.equal(false);
    });
  });

  for (const clients of [10, 50]) {
    describe(`a round of ${clients} clients`, function () {
      const round = simulateRound(clients);

      it("keeps the running sum the workers compute, and the honest aggregate's batch sums verify", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await accumulateAll(harness, round.commitments);
        const sum = sumCommitments(round.commitments);
        expect(await harness.runningSum()).to.deep.equal([sum.x, sum.y]);
        const packed = packedBatchSums(round.aggregate);
        expect(await harness.matches(SEED, M, K, packed)).to.equal(true);
        await expect(harness.checkBatchSums(SEED, M, K, packed)).to.emit(harness, "BatchSumsChecked").withArgs(SEED, true);
      });

      it("rejects the batch sums of an aggregate with one coordinate +1", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await accumulateAll(harness, round.commitments);
        const tampered = round.aggregate.slice();
        tampered[1_000] = tampered[1_000]! + 1;
        await expect(harness.checkBatchSums(SEED, M, K, packedBatchSums(tampered))).to.emit(harness, "BatchSumsChecked").withArgs(SEED, false);
      });

      it("rejects the batch sums of an aggregate with a +δ/−δ pair", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await accumulateAll(harness, round.commitments);
        const tampered = round.aggregate.slice();
        tampered[3] = tampered[3]! + 5_000;
        tampered[2_000] = tampered[2_000]! - 5_000;
        expect(await harness.matches(SEED, M, K, packedBatchSums(tampered))).to.equal(false);
      });

      it("rejects the honest batch sums when a client's commitment is missing", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await accumulateAll(harness, round.commitments.slice(1));
        expect(await harness.matches(SEED, M, K, packedBatchSums(round.aggregate))).to.equal(false);
      });
    });
  }

  it("verifies with partitions and weights from two seeds (the weights fixed after the batch sums were posted)", async function () {
    const { harness } = await loadFixture(deployHarnessFixture);
    const weightSeed = solidityPackedKeccak256(["string"], ["Bn254.test weight seed"]) as `0x${string}`;
    const updates = [0, 1, 2, 3].map(update);
    const aggregate = new Int32Array(D);
    for (const vector of updates) vector.forEach((value, i) => (aggregate[i] = aggregate[i]! + value));
    const commitments = updates.map((vector) => commitBatchSums({ batchSums: batchSums(vector, SEED, M, K), weightSeed, m: M, k: K }));
    await accumulateAll(harness, commitments);
    const packed = packedBatchSums(aggregate);
    expect(await harness.matches(weightSeed, M, K, packed)).to.equal(true);
    expect(await harness.matches(SEED, M, K, packed)).to.equal(false);
  });

  describe("gas", function () {
    it("accumulating costs the same per client and the final check the same for N = 10 and N = 50, below 300k", async function () {
      const measured: Record<number, { accumulate: bigint[]; check: bigint }> = {};
      for (const clients of [10, 50]) {
        const { harness } = await loadFixture(deployHarnessFixture);
        const round = simulateRound(clients);
        const accumulate = await accumulateAll(harness, round.commitments);
        const transaction = await harness.checkBatchSums(SEED, M, K, packedBatchSums(round.aggregate));
        const receipt = await transaction.wait();
        measured[clients] = { accumulate, check: receipt!.gasUsed };
        const later = accumulate.slice(1);
        const execution = receipt!.gasUsed - 21_000n - calldataGas(transaction.data);
        console.log(
          `      N = ${clients}: accumulate first ${accumulate[0]} gas, then ${minOf(later)}–${maxOf(later)}; ` +
            `final check (m = ${M}, k = ${K}) ${receipt!.gasUsed} gas in all, ${execution} of it execution`,
        );
        expect(maxOf(later) - minOf(later)).to.be.below(200n);
      }
      const [ten, fifty] = [measured[10]!.check, measured[50]!.check];
      expect(fifty).to.be.below(300_000n);
      expect(ten).to.be.below(300_000n);
      const difference = fifty > ten ? fifty - ten : ten - fifty;
      expect(difference * 10n).to.be.below(ten);
    });

    it("the final check with the paper's 128 halves stays below 300k", async function () {
      const { harness } = await loadFixture(deployHarnessFixture);
      // Re-commit under 128 halves: the commitments depend on the shape.
      const commitments = [0, 1, 2].map((client) => commitBatchSums({ batchSums: batchSums(update(client), SEED, 128, 2), weightSeed: SEED, m: 128, k: 2 }));
      await accumulateAll(harness, commitments);
      const aggregate = new Int32Array(D);
      for (const client of [0, 1, 2]) update(client).forEach((value, i) => (aggregate[i] = aggregate[i]! + value));
      const receipt = await (await harness.checkBatchSums(SEED, 128, 2, encodeBatchSums(batchSums(aggregate, SEED, 128, 2)))).wait();
      await expect(harness.checkBatchSums(SEED, 128, 2, encodeBatchSums(batchSums(aggregate, SEED, 128, 2))))
        .to.emit(harness, "BatchSumsChecked").withArgs(SEED, true);
      console.log(`      final check (m = 128, k = 2): ${receipt!.gasUsed} gas (transaction total)`);
      expect(receipt!.gasUsed).to.be.below(300_000n);
    });
  });

  describe("should revert", function () {
    describe("on accumulate", function () {
      it("if the commitment is off the curve", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        const { g } = verificationGenerators();
        await expect(harness.accumulate(g.x, g.y + 1n)).to.be.revertedWithCustomError(harness, "Bn254PointNotOnCurve").withArgs(g.x, g.y + 1n);
      });

      it("if a coordinate is not reduced mod p", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        const { g } = verificationGenerators();
        await expect(harness.accumulate(g.x + P, g.y)).to.be.revertedWithCustomError(harness, "Bn254PointNotOnCurve").withArgs(g.x + P, g.y);
      });
    });

    describe("on the precompiles", function () {
      it("ecAdd if a point is off the curve", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await expect(harness.add(1n, 2n, 1n, 3n)).to.be.revertedWithCustomError(harness, "Bn254AddFailed").withArgs(1n, 2n, 1n, 3n);
      });

      it("ecMul if the point is off the curve", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await expect(harness.mul(1n, 3n, 7n)).to.be.revertedWithCustomError(harness, "Bn254MulFailed").withArgs(1n, 3n, 7n);
      });
    });

    describe("on the batch sums", function () {
      it("if there are not m·k of them", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await expect(harness.matches(SEED, 4, 2, encodeBatchSums([1n, 2n, 3n])))
          .to.be.revertedWithCustomError(harness, "SampledVerificationInvalidBatchSums").withArgs(24, 64);
      });

      for (const [m, k] of [[0, 2], [4, 3], [4, 1], [1, 512], [513, 2]] as const) {
        it(`if the shape is m = ${m}, k = ${k}`, async function () {
          const { harness } = await loadFixture(deployHarnessFixture);
          await expect(harness.batchSumsScalar(SEED, m, k, "0x"))
            .to.be.revertedWithCustomError(harness, "SampledVerificationInvalidShape").withArgs(m, k);
        });
      }

      it("if batchOf is asked for k = 6", async function () {
        const { harness } = await loadFixture(deployHarnessFixture);
        await expect(harness.batchOf(SEED, 0, 0, 6)).to.be.revertedWithCustomError(harness, "SampledVerificationInvalidShape").withArgs(1, 6);
      });
    });
  });

  it("G1 in the workers is the same group (noble's order is r)", function () {
    expect(G1.Fn.ORDER).to.equal(R);
    expect(G1.Fp.ORDER).to.equal(P);
  });
});

/** EIP-2028 calldata cost: 4 gas per zero byte, 16 per other byte. */
function calldataGas(data: string): bigint {
  let gas = 0n;
  for (let at = 2; at < data.length; at += 2) gas += data.slice(at, at + 2) === "00" ? 4n : 16n;
  return gas;
}

function minOf(values: readonly bigint[]): bigint {
  return values.reduce((a, b) => (b < a ? b : a));
}

function maxOf(values: readonly bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}
