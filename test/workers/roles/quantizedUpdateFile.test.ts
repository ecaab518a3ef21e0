// The client's quantized update on disk: read back exactly as written (negative values and int32 extremes
// included); a missing, truncated, corrupted, foreign or wrong-length file is a QuantizedUpdateFileError naming why.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QuantizedUpdateFileError, quantizedUpdatePath, readQuantizedUpdate, writeQuantizedUpdate } from "../../../workers/roles/quantizedUpdateFile";

describe("quantized update file", function () {
  let dir: string;
  let path: string;
  const update = Int32Array.from([0, 1, -1, 5000, -5000, 2_147_483_647, -2_147_483_648, 42]);

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "fedmash-quantized-"));
    path = quantizedUpdatePath(dir, 7n);
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads back exactly what was written, under a per-round name", function () {
    writeQuantizedUpdate(path, update);
    expect(path).to.equal(join(dir, "quantized-round-7.bin"));
    expect(Array.from(readQuantizedUpdate(path, update.length))).to.deep.equal(Array.from(update));
    expect(readFileSync(path).length).to.equal(44 + update.length * 4);
  });

  it("overwrites an earlier update of the same round", function () {
    writeQuantizedUpdate(path, update);
    writeQuantizedUpdate(path, Int32Array.from([9, 9, 9, 9, 9, 9, 9, 9]));
    expect(Array.from(readQuantizedUpdate(path, 8))).to.deep.equal([9, 9, 9, 9, 9, 9, 9, 9]);
  });

  const cases: [string, (bytes: Buffer) => Buffer | undefined, number, RegExp][] = [
    ["a missing file", () => undefined, 8, /does not exist/],
    ["a truncated file", (b) => b.subarray(0, b.length - 4), 8, /truncated/],
    ["a flipped data bit", (b) => (b[b.length - 1] ^= 1, b), 8, /SHA-256/],
    ["a file without the header", (b) => Buffer.concat([Buffer.from("NOTMAGIC"), b.subarray(8)]), 8, /header/],
    ["a file of another model size", (b) => b, 9, /holds 8 coordinates, the model has 9/],
  ];
  for (const [what, damage, length, reason] of cases) {
    it(`refuses ${what} with QuantizedUpdateFileError`, function () {
      writeQuantizedUpdate(path, update);
      const damaged = damage(readFileSync(path));
      if (damaged === undefined) rmSync(path);
      else writeFileSync(path, damaged);
      let caught: unknown;
      try {
        readQuantizedUpdate(path, length);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(QuantizedUpdateFileError);
      expect((caught as QuantizedUpdateFileError).details).to.match(reason);
    });
  }
});
