// Quantization for MASH: clip to [-c, c], round(x·S), the inverse with FedAvg's divisor, the aggregate
// bound N·round(c·S), and named errors for NaN, Infinity and bad parameters.
import { expect } from "chai";
import { QuantizeInputError, aggregateBound, dequantize, quantize } from "../../../../workers/crypto/quantize";

describe("quantize", function () {
  it("clips to [-c, c] and rounds x·S with the paper's default scale 10^4", function () {
    const update = Float32Array.of(0, 0.12345, -0.00004, 0.00006, 2.5, -7, 1, -1);
    expect(Array.from(quantize(update, { clip: 1 }))).to.deep.equal([0, 1235, 0, 1, 10_000, -10_000, 10_000, -10_000]);
  });

  it("uses a custom clip and scale", function () {
    expect(Array.from(quantize(Float64Array.of(0.3, -0.3, 0.05), { clip: 0.1, scale: 1_000 }))).to.deep.equal([100, -100, 50]);
  });

  it("round-trips through dequantize within half a quantum, and divides by the client count", function () {
    const update = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i) * 0.9);
    const restored = dequantize(quantize(update, { clip: 1 }));
    restored.forEach((x, i) => expect(Math.abs(x - update[i]!)).to.be.at.most(0.5e-4 + 1e-7));
    expect(Array.from(dequantize(Int32Array.of(30_000, -15_000), { divisor: 3 }))).to.deep.equal([1, -0.5]);
    expect(Array.from(dequantize(Float64Array.of(4e9), { scale: 1e4, divisor: 2 }))).to.deep.equal([200_000]);
  });

  it("gives the aggregate bound N·round(c·S)", function () {
    expect(aggregateBound(10, 1, 10_000)).to.equal(100_000);
    expect(aggregateBound(1_000, 1)).to.equal(10_000_000);
    expect(aggregateBound(3, 0.05, 10_000)).to.equal(1_500);
  });

  describe("should throw QuantizeInputError", function () {
    it("on NaN or Infinity coordinates, naming the coordinate", function () {
      expect(() => quantize(Float32Array.of(0, Number.NaN), { clip: 1 })).to.throw(QuantizeInputError, /coordinate 1 is NaN/);
      expect(() => quantize(Float32Array.of(Number.POSITIVE_INFINITY), { clip: 1 })).to.throw(QuantizeInputError);
      expect(() => dequantize(Float64Array.of(Number.NaN))).to.throw(QuantizeInputError);
    });

    it("on a non-positive or non-finite clip, scale or divisor", function () {
      for (const clip of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => quantize(Float32Array.of(0), { clip }), `clip ${clip}`).to.throw(QuantizeInputError);
      }
      expect(() => quantize(Float32Array.of(0), { clip: 1, scale: 0 })).to.throw(QuantizeInputError);
      expect(() => dequantize(Int32Array.of(1), { divisor: 0 })).to.throw(QuantizeInputError);
    });

    it("when the values or the bound cannot fit int32", function () {
      expect(() => quantize(Float32Array.of(1), { clip: 1, scale: 1e10 })).to.throw(QuantizeInputError);
      expect(() => aggregateBound(300_000, 1, 10_000)).to.throw(QuantizeInputError, /int32/);
      expect(() => aggregateBound(0, 1)).to.throw(QuantizeInputError);
      expect(() => aggregateBound(2.5, 1)).to.throw(QuantizeInputError);
    });

    it("on inputs that are not float arrays", function () {
      expect(() => quantize([0.1] as unknown as Float32Array, { clip: 1 })).to.throw(QuantizeInputError);
      expect(() => dequantize([1] as unknown as Int32Array)).to.throw(QuantizeInputError);
    });
  });
});
