// The RDP accountant against figures published by TF Privacy and Opacus (their own tests, cited per case), a
// closed form at q = 1, the exact Gaussian mechanism as a lower bound, and the monotonicity a user relies on.
import { expect } from "chai";
import { accountPrivacy } from "../../../../workers/ml/dp/accountPrivacy";
import { computeRdp } from "../../../../workers/ml/dp/computeRdp";
import { DpAccountingError } from "../../../../workers/ml/dp/errors";
import { logErfc } from "../../../../workers/ml/dp/logSpace";
import { DEFAULT_RDP_ORDERS } from "../../../../workers/ml/dp/rdpOrders";
import { rdpToEpsilon } from "../../../../workers/ml/dp/rdpToEpsilon";
import { rdpToEpsilonClassic } from "../../../../workers/ml/dp/rdpToEpsilonClassic";

const range = (from: number, toExclusive: number): number[] => Array.from({ length: toExclusive - from }, (_, i) => from + i);
/** Standard normal CDF through our own erfc, so the lower-bound check shares no code with the accountant's sums. */
const normalCdf = (x: number): number => 0.5 * Math.exp(logErfc(-x / Math.SQRT2));

describe("ml/dp: RDP accountant", function () {
  describe("reproduces TF Privacy's published values (tensorflow/privacy, tensorflow_privacy/privacy/analysis/rdp_accountant_test.py)", function () {
    it("compute_rdp(q=0.1, σ=2, steps=10, α=5) = 0.07737 (test_compute_rdp_scalar, 5 places)", function () {
      const [rdp] = computeRdp({ samplingRate: 0.1, noiseMultiplier: 2, steps: 10, orders: [5] });
      expect(rdp).to.be.closeTo(0.07737, 5e-6);
    });

    it("compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100, ∞]) (test_compute_rdp_sequence, delta 1e-5), fractional orders included", function () {
      const rdp = computeRdp({ samplingRate: 0.01, noiseMultiplier: 2.5, steps: 50, orders: [1.5, 2.5, 5, 50, 100, Infinity] });
      const published = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
      published.forEach((value, i) => expect(rdp[i], `order index ${i}`).to.be.closeTo(value, 1e-5));
      expect(rdp[5]).to.equal(Infinity);
    });

    it("q = 0 gives 0 and q = 1 gives α/(2σ²): compute_rdp(1, 10, 1, 20) = 0.1 (test_compute_rdp_no_data / _no_sampling)", function () {
      expect(computeRdp({ samplingRate: 0, noiseMultiplier: 10, steps: 1, orders: [20] })).to.deep.equal([0]);
      expect(computeRdp({ samplingRate: 1, noiseMultiplier: 10, steps: 1, orders: [20] })).to.deep.equal([0.1]);
    });

    it("constant RDP 1.1 over orders 2..32 and δ = 1e-5 gives ε = 1.32783806176 at order 32 (test_get_privacy_spent_check_target_delta)", function () {
      const orders = range(2, 33);
      const result = rdpToEpsilon({ orders, rdp: orders.map(() => 1.1), delta: 1e-5 });
      expect(result.order).to.equal(32);
      expect(result.epsilon).to.be.closeTo(1.32783806176, 5e-8);
    });

    it("the Gaussian with σ = 4.530877117 is (1, 1e-6)-DP over the orders 1.001..99.999 (same test, second part)", function () {
      const orders = range(1001, 100000).map((i) => 0.001 * i);
      const rdp = computeRdp({ samplingRate: 1, noiseMultiplier: 4.530877117, steps: 1, orders });
      expect(rdpToEpsilon({ orders, rdp, delta: 1e-6 }).epsilon).to.be.closeTo(1, 5e-8);
    });

    it("the composition test gives 8.509656 at order 2.5 with the old conversion, and less with the new one (test_check_composition)", function () {
      const orders = [1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256];
      const first = computeRdp({ samplingRate: 1e-4, noiseMultiplier: 0.4, steps: 40000, orders });
      const second = computeRdp({ samplingRate: 0.1, noiseMultiplier: 2, steps: 100, orders });
      const rdp = first.map((value, i) => value + second[i]!);
      const classic = rdpToEpsilonClassic({ orders, rdp, delta: 1e-5 });
      expect(classic.epsilon).to.be.closeTo(8.509656, 5e-6);
      expect(classic.order).to.equal(2.5);
      expect(rdpToEpsilon({ orders, rdp, delta: 1e-5 }).epsilon).to.be.lessThan(8.509656);
    });
  });

  it("reproduces Opacus: σ = 1.5, q = 0.04, 2250 steps, δ = 1e-5 gives ε = 7.32911117143 (pytorch/opacus, opacus/tests/accountants_test.py, test_rdp_accountant)", function () {
    // Opacus's RDPAccountant.DEFAULT_ALPHAS: 1.1, 1.2, ..., 10.9 and 12..63.
    const orders = [...range(1, 100).map((x) => 1 + x / 10), ...range(12, 64)];
    const rdp = computeRdp({ samplingRate: 0.04, noiseMultiplier: 1.5, steps: Math.floor(90 / 0.04), orders });
    expect(rdpToEpsilon({ orders, rdp, delta: 1e-5 }).epsilon).to.be.closeTo(7.32911117143, 5e-8);
  });

  describe("at q = 1", function () {
    it("composes in closed form: r rounds give r·α/(2z²) at every default order", function () {
      const rdp = computeRdp({ samplingRate: 1, noiseMultiplier: 1.3, steps: 7, orders: DEFAULT_RDP_ORDERS });
      DEFAULT_RDP_ORDERS.forEach((alpha, i) => expect(rdp[i]).to.be.closeTo((7 * alpha) / (2 * 1.3 * 1.3), 1e-12));
    });

    it("with the old conversion matches its continuous optimum ε* = r/(2z²) + √(2r·log(1/δ))/z on a fine grid", function () {
      const z = 2;
      const rounds = 5;
      const delta = 1e-5;
      const orders = range(1001, 200000).map((i) => 0.001 * i);
      const rdp = computeRdp({ samplingRate: 1, noiseMultiplier: z, steps: rounds, orders });
      const optimum = rounds / (2 * z * z) + Math.sqrt(2 * rounds * Math.log(1 / delta)) / z;
      expect(rdpToEpsilonClassic({ orders, rdp, delta }).epsilon).to.be.closeTo(optimum, 1e-6);
    });

    it("never claims more than the exact Gaussian mechanism allows, and stays within 25% of it (Balle & Wang 2018, Theorem 8)", function () {
      for (const z of [0.7, 1, 2, 5]) {
        for (const rounds of [1, 10, 100]) {
          const { epsilon } = accountPrivacy({ noiseMultiplier: z, rounds, delta: 1e-5 });
          // r releases of sensitivity 1 with std z are one Gaussian release with std z/√r.
          const s = z / Math.sqrt(rounds);
          const exactDelta = (eps: number): number => normalCdf(1 / (2 * s) - eps * s) - Math.exp(eps) * normalCdf(-1 / (2 * s) - eps * s);
          expect(exactDelta(epsilon), `z ${z}, ${rounds} rounds`).to.be.at.most(1e-5);
          expect(exactDelta(0.75 * epsilon), `z ${z}, ${rounds} rounds`).to.be.greaterThan(1e-5);
        }
      }
    });
  });

  describe("accountPrivacy", function () {
    it("grows with the rounds: per-round ε is rounds = 1, the cumulative one is larger every round", function () {
      const epsilons = range(1, 11).map((rounds) => accountPrivacy({ noiseMultiplier: 1, rounds, delta: 1e-5 }).epsilon);
      for (let i = 1; i < epsilons.length; i++) expect(epsilons[i]).to.be.greaterThan(epsilons[i - 1]!);
      // Composition is sublinear: 10 rounds cost less than 10 single rounds.
      expect(epsilons[9]).to.be.lessThan(10 * epsilons[0]!);
    });

    it("shrinks with more noise, with a larger δ and with a smaller sampling rate", function () {
      const base = { noiseMultiplier: 1, rounds: 20, delta: 1e-5 };
      const at = (over: Partial<typeof base> & { samplingRate?: number }): number => accountPrivacy({ ...base, ...over }).epsilon;
      expect(at({ noiseMultiplier: 2 })).to.be.lessThan(at({}));
      expect(at({ noiseMultiplier: 0.5 })).to.be.greaterThan(at({}));
      expect(at({ delta: 1e-3 })).to.be.lessThan(at({}));
      expect(at({ delta: 1e-9 })).to.be.greaterThan(at({}));
      expect(at({ samplingRate: 0.1 })).to.be.lessThan(at({}));
    });

    it("returns the δ it was given and the order that was tightest", function () {
      const result = accountPrivacy({ noiseMultiplier: 1.1, rounds: 3, delta: 1e-6 });
      expect(result.delta).to.equal(1e-6);
      expect(DEFAULT_RDP_ORDERS).to.include(result.order);
      const rdp = computeRdp({ samplingRate: 1, noiseMultiplier: 1.1, steps: 3, orders: [result.order] });
      expect(result.epsilon).to.be.closeTo(rdp[0]! + Math.log1p(-1 / result.order) - (Math.log(1e-6) + Math.log(result.order)) / (result.order - 1), 1e-12);
    });

    it("rejects bad input with DpAccountingError", function () {
      expect(() => accountPrivacy({ noiseMultiplier: 0, rounds: 1, delta: 1e-5 })).to.throw(DpAccountingError, /noise multiplier/);
      expect(() => accountPrivacy({ noiseMultiplier: 1, rounds: 0, delta: 1e-5 })).to.throw(DpAccountingError, /rounds/);
      expect(() => accountPrivacy({ noiseMultiplier: 1, rounds: 1.5, delta: 1e-5 })).to.throw(DpAccountingError, /rounds/);
      expect(() => accountPrivacy({ noiseMultiplier: 1, rounds: 1, delta: 1 })).to.throw(DpAccountingError, /δ/);
      expect(() => accountPrivacy({ noiseMultiplier: 1, rounds: 1, delta: 1e-5, samplingRate: 1.5 })).to.throw(DpAccountingError, /sampling rate/);
      expect(() => computeRdp({ samplingRate: 0.5, noiseMultiplier: 1, steps: 1, orders: [1] })).to.throw(DpAccountingError, /order/);
    });
  });

  it("logErfc matches erfc's reference values, including where erfc underflows a double", function () {
    // erfc(0.5), erfc(1), erfc(2), erfc(3) from Abramowitz & Stegun Table 7.1 / any libm; erfc(x) ~ e^{-x²}/(x√π)·(1 - 1/(2x²) + 3/(4x⁴) - 15/(8x⁶)), whose next term at x = 30 is ~1e-11.
    expect(Math.exp(logErfc(0.5))).to.be.closeTo(0.4795001221869535, 1e-15);
    expect(Math.exp(logErfc(1))).to.be.closeTo(0.15729920705028513, 1e-15);
    expect(Math.exp(logErfc(2)) / 0.004677734981047266).to.be.closeTo(1, 1e-14);
    expect(Math.exp(logErfc(3)) / 2.209049699858544e-5).to.be.closeTo(1, 1e-14);
    expect(Math.exp(logErfc(-1))).to.be.closeTo(2 - 0.15729920705028513, 1e-15);
    const x = 30;
    expect(logErfc(x)).to.be.closeTo(-x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log1p(-1 / (2 * x * x) + 3 / (4 * x ** 4) - 15 / (8 * x ** 6)), 1e-9);
  });
});
