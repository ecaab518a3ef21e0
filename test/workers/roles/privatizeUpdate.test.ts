// A client's DP step at its two points: the float update (L2 clip, then float noise per mechanism and mode) and the
// quantized integers of a secure mode (distributed noise). Measured over 10^5 coordinates: the noise each path
// adds, the noise N clients' integer noise sums to, and that both match the z_eff of docs/PRIVACY.md.
import { expect } from "chai";
import fc from "fast-check";
import { effectiveNoiseMultiplier } from "../../../workers/ml/dp/effectiveNoiseMultiplier";
import { DpInputError, DpSettingsError } from "../../../workers/ml/dp/errors";
import type { DpSettings } from "../../../workers/ml/dp/parseDpSettings";
import { privatizeDelta, privatizeQuantized } from "../../../workers/roles/privatizeUpdate";

const d = 100_000;

function norm(vector: ArrayLike<number>): number {
  let squares = 0;
  for (let i = 0; i < vector.length; i++) squares += vector[i]! * vector[i]!;
  return Math.sqrt(squares);
}

/** Mean and std of a - b per coordinate. */
function noiseStats(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - b[i]!;
    sum += x;
    squares += x * x;
  }
  const mean = sum / a.length;
  return { mean, std: Math.sqrt(squares / a.length - mean * mean) };
}

/** An update of norm 10 spread over all coordinates, so clipping to C < 10 is visible. */
function bigUpdate(): Float32Array {
  const out = new Float32Array(d);
  for (let i = 0; i < d; i++) out[i] = ((i % 7) - 3) * 0.02;
  const n = norm(out);
  for (let i = 0; i < d; i++) out[i] = (out[i]! * 10) / n;
  return out;
}

describe("roles: privatizeUpdate", function () {
  const C = 2;
  const sigma = 1.5;
  const N = 9;
  const local: DpSettings = { mechanism: "local", noiseMultiplier: sigma, clip: C, delta: 1e-5 };
  const distributed: DpSettings = { ...local, mechanism: "distributed" };
  const update = bigUpdate();
  const clippedReference = Float32Array.from(update, (x) => (x * C) / 10);

  describe("privatizeDelta", function () {
    it("distributed + secure: only clips, to norm C along the same direction (the noise comes after quantization)", function () {
      const out = privatizeDelta(update, { dp: distributed, clients: N, secure: true });
      expect(norm(out)).to.be.at.most(C).and.closeTo(C, 1e-5);
      for (let i = 0; i < d; i += 997) expect(out[i]).to.be.closeTo(clippedReference[i]!, 1e-6);
    });

    it("leaves an update inside the ball unchanged", function () {
      const small = Float32Array.from([0.5, -1, 0.25]);
      expect(Array.from(privatizeDelta(small, { dp: distributed, clients: N, secure: true }))).to.deep.equal(Array.from(small));
    });

    it("never returns a norm above C, whatever float32 rounding does (property)", function () {
      fc.assert(
        fc.property(
          fc.float32Array({ minLength: 1, maxLength: 64, noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
          fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
          (vector, clip) => {
            const out = privatizeDelta(vector, { dp: { ...distributed, clip }, clients: 3, secure: true });
            return norm(out) <= clip;
          },
        ),
        { numRuns: 300 },
      );
    });

    const noiseCases: [string, DpSettings, boolean, number][] = [
      ["local, plain: + N(0, (σC)²)", local, false, sigma * C],
      ["local, secure: + N(0, (σC)²) as well (local noise never waits for quantization)", local, true, sigma * C],
      ["distributed, plain: + N(0, (σC)²/N)", distributed, false, (sigma * C) / Math.sqrt(N)],
    ];
    for (const [what, dp, secure, expectedStd] of noiseCases) {
      it(`${what}, measured over 10^5 coordinates`, function () {
        const out = privatizeDelta(update, { dp, clients: N, secure });
        const { mean, std } = noiseStats(out, clippedReference);
        expect(std / expectedStd).to.be.closeTo(1, 0.015);
        expect(Math.abs(mean)).to.be.lessThan(0.02 * expectedStd);
      });
    }

    it("plain + distributed: one released update's noise over its sensitivity C is z_eff = σ/√N", function () {
      const out = privatizeDelta(update, { dp: distributed, clients: N, secure: false });
      const z = effectiveNoiseMultiplier({ settings: distributed, mode: "plain", clients: N, modelSize: d });
      expect(noiseStats(out, clippedReference).std / C).to.be.closeTo(z, 0.015 * z);
    });

    it("rejects bad settings and client counts with named errors", function () {
      expect(() => privatizeDelta(update, { dp: { ...local, clip: 0 }, clients: N, secure: false })).to.throw(DpSettingsError, /clip/);
      expect(() => privatizeDelta(update, { dp: local, clients: 0, secure: false })).to.throw(DpInputError, /client count/);
    });
  });

  describe("privatizeQuantized", function () {
    const S = 50;
    const quantized = Int32Array.from({ length: d }, (_, i) => ((i * 37) % 201) - 100);

    it("local: returns the same integers (the noise was added before quantization)", function () {
      const out = privatizeQuantized(quantized, { dp: local, clients: N, scale: S });
      expect(out).not.to.equal(quantized);
      expect(Array.from(out)).to.deep.equal(Array.from(quantized));
    });

    it("distributed: adds integer noise of std σCS/√N per client", function () {
      const out = privatizeQuantized(quantized, { dp: distributed, clients: N, scale: S });
      const { mean, std } = noiseStats(out, quantized);
      const expected = (sigma * C * S) / Math.sqrt(N); // 50; rounding adds variance ≤ 1/12
      expect(std / expected).to.be.closeTo(1, 0.015);
      expect(Math.abs(mean)).to.be.lessThan(0.02 * expected);
    });

    it("distributed: the noise of N clients sums to std σCS, and over the rounded sensitivity C·S + √d/2 that is z_eff", function () {
      const zero = new Int32Array(d);
      const sum = new Float64Array(d);
      for (let client = 0; client < N; client++) {
        const noised = privatizeQuantized(zero, { dp: distributed, clients: N, scale: S });
        for (let i = 0; i < d; i++) sum[i] += noised[i]!;
      }
      const { std } = noiseStats(sum, new Float64Array(d));
      expect(std / (sigma * C * S)).to.be.closeTo(1, 0.015);
      const z = effectiveNoiseMultiplier({ settings: distributed, mode: "mash", clients: N, modelSize: d, scale: S });
      expect(std / (C * S + Math.sqrt(d) / 2)).to.be.closeTo(z, 0.015 * z);
    });

    it("rejects a bad scale and a sum that leaves int32 with DpInputError", function () {
      expect(() => privatizeQuantized(quantized, { dp: distributed, clients: N, scale: 0 })).to.throw(DpInputError, /scale/);
      const edge = Int32Array.from({ length: 64 }, () => 2_147_483_647);
      expect(() => privatizeQuantized(edge, { dp: distributed, clients: 1, scale: 1000 })).to.throw(DpInputError, /int32/);
    });
  });
});
