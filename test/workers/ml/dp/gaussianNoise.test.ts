// The CSPRNG Gaussian sampler: over 10^5 draws its mean, standard deviation and mass within 1σ and 2σ are those of
// N(0, s²) within a few standard errors; with pinned random words it is exactly Box–Muller on 53-bit uniforms.
import { expect } from "chai";
import { DpInputError } from "../../../../workers/ml/dp/errors";
import { gaussianNoise } from "../../../../workers/ml/dp/gaussianNoise";

function moments(values: Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(squares / (values.length - 1)) };
}

describe("ml/dp: gaussianNoise", function () {
  const n = 100_000;

  it("has mean ≈ 0 and std ≈ s over 10^5 draws, and the normal's mass within 1σ and 2σ", function () {
    const s = 3.5;
    const draws = gaussianNoise({ length: n, standardDeviation: s });
    const { mean, std } = moments(draws);
    // Standard errors: mean s/√n ≈ 0.0032 s, std s/√(2n) ≈ 0.0022 s; the bounds are ~6 of them.
    expect(Math.abs(mean)).to.be.lessThan(0.02 * s);
    expect(std / s).to.be.closeTo(1, 0.015);
    const within = (k: number): number => draws.filter((v) => Math.abs(v) <= k * s).length / n;
    expect(within(1)).to.be.closeTo(0.682689, 0.01);
    expect(within(2)).to.be.closeTo(0.954500, 0.005);
  });

  it("gives fresh values every call (the CSPRNG, not a seeded stream)", function () {
    const a = gaussianNoise({ length: 8, standardDeviation: 1 });
    const b = gaussianNoise({ length: 8, standardDeviation: 1 });
    expect(Array.from(a)).not.to.deep.equal(Array.from(b));
  });

  it("is Box–Muller on 53-bit uniforms: pinned words give the exact pair, and an odd length keeps the cosine half", function () {
    // Words 0 give u1 = 1 (radius 0); words 0xffffffff give u1 = 2^-53 and u2 = 1 - 2^-53.
    const pinned = (fill: number) => (words: Uint32Array) => words.fill(fill);
    expect(Array.from(gaussianNoise({ length: 2, standardDeviation: 1, random: pinned(0) }))).to.deep.equal([0, 0]);
    const [cosine, sine] = gaussianNoise({ length: 2, standardDeviation: 2, random: pinned(0xffffffff) });
    const radius = 2 * Math.sqrt(-2 * Math.log(2 ** -53));
    expect(cosine).to.be.closeTo(radius * Math.cos(2 * Math.PI * (1 - 2 ** -53)), 1e-12);
    expect(sine).to.be.closeTo(radius * Math.sin(2 * Math.PI * (1 - 2 ** -53)), 1e-12);
    expect(gaussianNoise({ length: 3, standardDeviation: 2, random: pinned(0xffffffff) })[2]).to.equal(cosine);
  });

  it("returns zeros for s = 0 and rejects bad parameters with DpInputError", function () {
    expect(Array.from(gaussianNoise({ length: 3, standardDeviation: 0 }))).to.deep.equal([0, 0, 0]);
    expect(() => gaussianNoise({ length: -1, standardDeviation: 1 })).to.throw(DpInputError, /length/);
    expect(() => gaussianNoise({ length: 2, standardDeviation: NaN })).to.throw(DpInputError, /standard deviation/);
  });
});
