// FMSH payload format: exact byte layout, round trips for every dtype, zero-copy and misaligned decoding,
// every named error of encode/decode/expectations, and a fast-check fuzz of the decoder.
import { expect } from "chai";
import { keccak256 } from "ethers";
import fc from "fast-check";
import { decodePayload } from "../../../workers/storage/decodePayload";
import { encodePayload } from "../../../workers/storage/encodePayload";
import {
  PayloadCorruptError,
  PayloadEncodeError,
  PayloadShapeMismatchError,
  PayloadTruncatedError,
  PayloadUnsupportedVersionError,
} from "../../../workers/storage/errors";
import { PayloadKind, type Payload, type PayloadTensor } from "../../../workers/storage/payloadFormat";
import { payloadHash } from "../../../workers/storage/payloadHash";

/** Worked by hand from the layout table in docs/STORAGE.md. */
const SMALL_PAYLOAD: Payload = {
  kind: PayloadKind.Update,
  metadata: { round: 3 },
  tensors: [
    { name: "w", dtype: "float32", shape: [2], data: Float32Array.of(1.5, -2) },
    { name: "b", dtype: "uint8", shape: [3], data: Uint8Array.of(1, 2, 3) },
    { name: "d", dtype: "float64", shape: [1], data: Float64Array.of(0.25) },
  ],
};
const SMALL_PAYLOAD_HEX = [
  "464d5348", // magic "FMSH"
  "0100", // version 1
  "0200", // kind Update
  "0b000000", // metadata length 11
  Buffer.from('{"round":3}').toString("hex"),
  "03000000", // 3 tensors
  "0100", "77", "01", "01", "02000000", // "w" float32 rank 1 [2], offset 36 is aligned
  "0000c03f", "000000c0", // 1.5, -2
  "0100", "62", "04", "01", "03000000", // "b" uint8 rank 1 [3]
  "000000", // pad 53 -> 56
  "010203",
  "0100", "64", "05", "01", "01000000", // "d" float64 rank 1 [1]
  "00000000", // pad 68 -> 72 (float64 aligns to 8)
  "000000000000d03f", // 0.25
].join("");

function expectThrows(run: () => unknown, errorClass: new (...args: never[]) => Error): Error & Record<string, unknown> {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(errorClass);
    return error as Error & Record<string, unknown>;
  }
  expect.fail(`expected ${errorClass.name}`);
}

/** Copies `bytes` to byte offset `shift` of a fresh buffer, so typed views over it are misaligned. */
function atOffset(bytes: Uint8Array, shift: number): Uint8Array {
  const backing = new Uint8Array(bytes.byteLength + shift);
  backing.set(bytes, shift);
  return backing.subarray(shift);
}

describe("FMSH payload format", () => {
  describe("encodePayload", () => {
    it("writes the documented byte layout", () => {
      expect(Buffer.from(encodePayload(SMALL_PAYLOAD)).toString("hex")).to.equal(SMALL_PAYLOAD_HEX);
    });

    it("is canonical: the same payload always gives the same hash", () => {
      const again = encodePayload({ ...SMALL_PAYLOAD, tensors: SMALL_PAYLOAD.tensors.map((tensor) => ({ ...tensor })) });
      expect(payloadHash(again)).to.equal(payloadHash(encodePayload(SMALL_PAYLOAD)));
    });
  });

  describe("decodePayload", () => {
    it("reads every field of the documented layout", () => {
      const decoded = decodePayload(Buffer.from(SMALL_PAYLOAD_HEX, "hex"));
      expect(decoded.version).to.equal(1);
      expect(decoded.kind).to.equal(PayloadKind.Update);
      expect(decoded.metadata).to.deep.equal({ round: 3 });
      expect(decoded.tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape }))).to.deep.equal([
        { name: "w", dtype: "float32", shape: [2] },
        { name: "b", dtype: "uint8", shape: [3] },
        { name: "d", dtype: "float64", shape: [1] },
      ]);
      expect(Array.from(decoded.tensors[0]!.data)).to.deep.equal([1.5, -2]);
      expect(Array.from(decoded.tensors[1]!.data)).to.deep.equal([1, 2, 3]);
      expect(Array.from(decoded.tensors[2]!.data)).to.deep.equal([0.25]);
    });

    it("round-trips every dtype with exact values, scalars and empty tensors", () => {
      const tensors: PayloadTensor[] = [
        { name: "f32", dtype: "float32", shape: [2, 2], data: Float32Array.of(0.1, -3.5e38, Number.MIN_VALUE, -0) },
        { name: "i32", dtype: "int32", shape: [3], data: Int32Array.of(-2147483648, 0, 2147483647) },
        { name: "u32", dtype: "uint32", shape: [1, 1, 2], data: Uint32Array.of(0, 4294967295) },
        { name: "u8", dtype: "uint8", shape: [5], data: Uint8Array.of(0, 1, 127, 128, 255) },
        { name: "f64", dtype: "float64", shape: [], data: Float64Array.of(Math.PI) },
        { name: "empty", dtype: "float32", shape: [0, 7], data: new Float32Array(0) },
        { name: "ünïcode/层", dtype: "int32", shape: [1], data: Int32Array.of(42) },
      ];
      const metadata = { round: 7, modelKind: "mlp", numSamples: 6000, loss: 0.3125, nested: { ok: [true, null, "x"] } };
      const decoded = decodePayload(encodePayload({ kind: PayloadKind.Aggregate, metadata, tensors }));
      expect(decoded.kind).to.equal(PayloadKind.Aggregate);
      expect(decoded.metadata).to.deep.equal(metadata);
      expect(decoded.tensors).to.have.length(tensors.length);
      decoded.tensors.forEach((tensor, index) => {
        const original = tensors[index]!;
        expect(tensor.name).to.equal(original.name);
        expect(tensor.dtype).to.equal(original.dtype);
        expect(tensor.shape).to.deep.equal(original.shape);
        expect(tensor.data.constructor).to.equal(original.data.constructor);
        expect(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)).to.deep.equal(
          Buffer.from(original.data.buffer, original.data.byteOffset, original.data.byteLength),
        );
      });
    });

    it("returns views into the input when aligned, without copying", () => {
      const bytes = encodePayload(SMALL_PAYLOAD);
      const decoded = decodePayload(bytes);
      for (const tensor of decoded.tensors) expect(tensor.data.buffer).to.equal(bytes.buffer);
      expect(decoded.tensors[0]!.data.byteOffset).to.equal(36);
      expect(decoded.tensors[2]!.data.byteOffset).to.equal(72);
    });

    for (const shift of [1, 2, 3, 4, 5, 7]) {
      it(`copies tensor data when the input sits at misaligned byte offset ${shift}`, () => {
        const decoded = decodePayload(atOffset(encodePayload(SMALL_PAYLOAD), shift));
        expect(Array.from(decoded.tensors[0]!.data)).to.deep.equal([1.5, -2]);
        expect(Array.from(decoded.tensors[2]!.data)).to.deep.equal([0.25]);
        expect(Array.from(decoded.tensors[1]!.data)).to.deep.equal([1, 2, 3]);
      });
    }
  });

  describe("should reject", () => {
    const good = (): Uint8Array => Buffer.from(SMALL_PAYLOAD_HEX, "hex");
    const withByte = (offset: number, value: number): Uint8Array => {
      const bytes = good();
      bytes[offset] = value;
      return bytes;
    };

    describe("on decode", () => {
      it("if the magic is wrong", () => {
        const error = expectThrows(() => decodePayload(withByte(0, 0x47)), PayloadCorruptError);
        expect(error.offset).to.equal(0);
        expect(error.message).to.contain("FMSH");
      });

      it("if the format version is unknown", () => {
        const error = expectThrows(() => decodePayload(withByte(4, 2)), PayloadUnsupportedVersionError);
        expect(error.version).to.equal(2);
        expect(error.supported).to.deep.equal([1]);
      });

      it("if the payload kind is unknown", () => {
        const error = expectThrows(() => decodePayload(withByte(6, 7)), PayloadCorruptError);
        expect(error.offset).to.equal(6);
        expect(error.message).to.contain("unknown payload kind 7");
      });

      it("if a dtype code is unknown", () => {
        const error = expectThrows(() => decodePayload(withByte(30, 9)), PayloadCorruptError);
        expect(error.offset).to.equal(30);
        expect(error.message).to.contain("unknown dtype code 9");
      });

      it("if the buffer is cut short, at any length", () => {
        const bytes = good();
        for (let length = 0; length < bytes.byteLength; length++) {
          expectThrows(() => decodePayload(bytes.subarray(0, length)), PayloadTruncatedError);
        }
      });

      it("if a dim makes the data longer than the buffer", () => {
        const error = expectThrows(() => decodePayload(withByte(32, 200)), PayloadTruncatedError);
        expect(error.offset).to.equal(36);
        expect(error.needed).to.equal(800);
      });

      it("if bytes follow the last tensor", () => {
        const longer = new Uint8Array(good().byteLength + 1);
        longer.set(good());
        const error = expectThrows(() => decodePayload(longer), PayloadCorruptError);
        expect(error.offset).to.equal(80);
      });

      it("if alignment padding is not zero", () => {
        const error = expectThrows(() => decodePayload(withByte(54, 1)), PayloadCorruptError);
        expect(error.offset).to.equal(53);
      });

      it("if the metadata is not valid UTF-8", () => {
        expectThrows(() => decodePayload(withByte(14, 0xff)), PayloadCorruptError);
      });

      it("if the metadata is JSON but not an object", () => {
        const bytes = encodePayload({ ...SMALL_PAYLOAD, metadata: {} });
        // "{}" -> "[]": valid JSON of the same length, wrong type.
        bytes[12] = 0x5b;
        bytes[13] = 0x5d;
        const error = expectThrows(() => decodePayload(bytes), PayloadCorruptError);
        expect(error.message).to.contain("not a JSON object");
      });

      it("if two tensors share a name", () => {
        const error = expectThrows(() => decodePayload(withByte(46, 0x77)), PayloadCorruptError);
        expect(error.message).to.contain('"w" appears twice');
      });

      it("if the tensor count cannot fit in the buffer", () => {
        const error = expectThrows(() => decodePayload(withByte(26, 0x7f)), PayloadTruncatedError);
        expect(error.offset).to.equal(27);
      });
    });

    describe("on expectations", () => {
      const bytes = encodePayload(SMALL_PAYLOAD);
      const tensors = [
        { name: "w", dtype: "float32", shape: [2] },
        { name: "b", dtype: "uint8", shape: [3] },
        { dtype: "float64", shape: [1] },
      ] as const;
      const expectations = { kind: PayloadKind.Update, tensors: tensors.map((tensor) => ({ ...tensor })), totalElements: 6 };

      it("accepts a payload that matches", () => {
        expect(decodePayload(bytes, expectations).tensors[1]!.name).to.equal("b");
      });

      const cases: [string, object, string, string][] = [
        ["kind", { kind: PayloadKind.MaskedUpdate }, "MaskedUpdate", "Update"],
        ["tensor count", { tensors: expectations.tensors.slice(0, 2) }, "2", "3"],
        ["tensors[0].name", { tensors: [{ ...tensors[0], name: "weights" }, tensors[1], tensors[2]] }, '"weights"', '"w"'],
        ["tensors[1].dtype", { tensors: [tensors[0], { ...tensors[1], dtype: "int32" }, tensors[2]] }, "int32", "uint8"],
        ["tensors[0].shape", { tensors: [{ ...tensors[0], shape: [1, 2] }, tensors[1], tensors[2]] }, "[1, 2]", "[2]"],
        ["totalElements", { totalElements: 101_770 }, "101770", "6"],
      ];
      for (const [field, override, expected, actual] of cases) {
        it(`if ${field} differs`, () => {
          const error = expectThrows(() => decodePayload(bytes, { ...expectations, ...override }), PayloadShapeMismatchError);
          expect({ field: error.field, expected: error.expected, actual: error.actual }).to.deep.equal({ field, expected, actual });
        });
      }
    });

    describe("on encode", () => {
      const tensor = SMALL_PAYLOAD.tensors[0]!;
      const cases: [string, Partial<Payload>, string][] = [
        ["data of the wrong typed array", { tensors: [{ ...tensor, data: Float64Array.of(1, 2) as never }] }, "tensors[0].data"],
        ["an element count that is not the shape's", { tensors: [{ ...tensor, shape: [3] }] }, "tensors[0].data"],
        ["a negative dim", { tensors: [{ ...tensor, shape: [-2] }] }, "tensors[0].shape"],
        ["an unknown dtype", { tensors: [{ ...tensor, dtype: "bfloat16" as never }] }, "tensors[0].dtype"],
        ["a repeated tensor name", { tensors: [tensor, { ...tensor }] }, "tensors[1].name"],
        ["a NaN in metadata", { metadata: { loss: Number.NaN } }, "metadata.loss"],
        ["a bigint in metadata", { metadata: { seed: 1n as never } }, "metadata.seed"],
        ["an unknown kind", { kind: 9 as never }, "kind"],
      ];
      for (const [what, override, field] of cases) {
        it(`if given ${what}`, () => {
          const error = expectThrows(() => encodePayload({ ...SMALL_PAYLOAD, ...override }), PayloadEncodeError);
          expect(error.field).to.equal(field);
        });
      }
    });
  });

  describe("payloadHash", () => {
    it("is keccak256 of the bytes, as contracts compute it", () => {
      expect(payloadHash(new Uint8Array(0))).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
      expect(payloadHash(new TextEncoder().encode("hello"))).to.equal(
        "0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8",
      );
    });

    it("equals ethers' keccak256 on any bytes, including views into larger buffers", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat({ max: 16 }), (bytes, shift) => {
          const view = atOffset(bytes, shift);
          expect(payloadHash(view)).to.equal(keccak256(bytes));
        }),
        { numRuns: 300 },
      );
      const large = encodePayload({ kind: PayloadKind.Model, metadata: {}, tensors: [{ name: "w", dtype: "uint8", shape: [300_001], data: new Uint8Array(300_001).fill(7) }] });
      expect(payloadHash(large)).to.equal(keccak256(large));
    });
  });

  describe("decoder fuzzing", () => {
    const NAMED_DECODE_ERRORS = [PayloadTruncatedError, PayloadCorruptError, PayloadUnsupportedVersionError];
    const dtypes = ["float32", "int32", "uint32", "uint8", "float64"] as const;
    const arbitraryTensor = fc
      .record({
        dtype: fc.constantFrom(...dtypes),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
        seed: fc.integer(),
      })
      .map(({ dtype, shape, seed }): Omit<PayloadTensor, "name"> => {
        const count = shape.reduce((product, dim) => product * dim, 1);
        const raw = Uint8Array.from({ length: count * { float32: 4, int32: 4, uint32: 4, uint8: 1, float64: 8 }[dtype] }, (_, i) => (seed + i * 97) & 255);
        const data = { float32: Float32Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array, float64: Float64Array }[dtype];
        return { dtype, shape, data: new data(raw.buffer) } as Omit<PayloadTensor, "name">;
      });
    const arbitraryPayload = fc
      .record({
        kind: fc.constantFrom(...Object.values(PayloadKind)),
        metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean()), {
          maxKeys: 4,
        }),
        tensors: fc.uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), arbitraryTensor), { maxLength: 4, selector: ([name]) => name }),
      })
      .map(({ kind, metadata, tensors }): Payload => ({ kind, metadata, tensors: tensors.map(([name, tensor]) => ({ name, ...tensor }) as PayloadTensor) }));

    const decodeOrNamedError = (bytes: Uint8Array): void => {
      try {
        decodePayload(bytes);
      } catch (error) {
        if (!NAMED_DECODE_ERRORS.some((errorClass) => error instanceof errorClass)) throw error;
      }
    };

    it("decodes what it encodes, and re-encodes it to the same bytes", () => {
      fc.assert(
        fc.property(arbitraryPayload, (payload) => {
          const bytes = encodePayload(payload);
          expect(Buffer.from(encodePayload(decodePayload(bytes))).equals(Buffer.from(bytes))).to.equal(true);
        }),
        { numRuns: 300 },
      );
    });

    it("gives PayloadTruncatedError for every truncation", () => {
      fc.assert(
        fc.property(arbitraryPayload, fc.nat(), (payload, cut) => {
          const bytes = encodePayload(payload);
          expect(() => decodePayload(bytes.subarray(0, cut % bytes.byteLength))).to.throw(PayloadTruncatedError);
        }),
        { numRuns: 300 },
      );
    });

    it("gives a named error or a decode for random bit flips", () => {
      fc.assert(
        fc.property(arbitraryPayload, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }), (payload, flips) => {
          const bytes = encodePayload(payload);
          for (const [position, bit] of flips) bytes[position % bytes.byteLength]! ^= 1 << bit;
          decodeOrNamedError(bytes);
        }),
        { numRuns: 1000 },
      );
    });

    it("gives a named error or a decode for arbitrary bytes behind a valid header", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 8 }), (tail, shift) => {
          const bytes = new Uint8Array(8 + tail.byteLength);
          bytes.set([0x46, 0x4d, 0x53, 0x48, 1, 0, 2, 0]);
          bytes.set(tail, 8);
          decodeOrNamedError(atOffset(bytes, shift));
        }),
        { numRuns: 1000 },
      );
    });
  });
});
