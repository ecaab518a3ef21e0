// T as the contract emits it, read back: the exact inverse of encodeBatchSums (int64 extremes and negatives
// included), and a length other than m·k sums is a named error.
import { expect } from "chai";
import { decodeBatchSums } from "../../../../workers/crypto/verify/decodeBatchSums";
import { encodeBatchSums } from "../../../../workers/crypto/verify/encodeBatchSums";
import { VerificationInputError } from "../../../../workers/crypto/verify/errors";

describe("decodeBatchSums", function () {
  it("inverts encodeBatchSums exactly", function () {
    const sums = [0n, -1n, 1n, -(1n << 63n), (1n << 63n) - 1n, 123_456_789n, -987_654_321n, 42n];
    expect(Array.from(decodeBatchSums(encodeBatchSums(sums), 4, 2))).to.deep.equal(sums);
  });

  it("refuses a length that is not m·k sums, and non-hex input, with VerificationInputError", function () {
    expect(() => decodeBatchSums(encodeBatchSums([1n, 2n, 3n]), 2, 2)).to.throw(VerificationInputError, "24 bytes, expected m·k·8 = 32");
    expect(() => decodeBatchSums("0xzz", 1, 2)).to.throw(VerificationInputError);
  });
});
