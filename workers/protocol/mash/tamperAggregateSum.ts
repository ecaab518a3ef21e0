// The demo's malicious aggregator: the exact sum Σg with +1 quantization unit on `count` coordinates spread evenly
// over the vector. Small enough to look like a plausible model, certain to change many batch sums: each changed
// coordinate lands in one half of each of the 64 partitions, so every partition sees the change unless the
// changes happen to cancel, which +1 everywhere never does.
import { BaseError } from "../../errors";

export class TamperInputError extends BaseError {
  override name = "TamperInputError" as const;
}

export const DEFAULT_TAMPERED_COORDINATES = 300;

export function tamperAggregateSum(sum: Int32Array, count: number = DEFAULT_TAMPERED_COORDINATES): Int32Array {
  if (!(sum instanceof Int32Array) || sum.length === 0) throw new TamperInputError("Expected a non-empty Int32Array sum.");
  if (!Number.isSafeInteger(count) || count < 1) throw new TamperInputError(`Expected a coordinate count >= 1, got ${count}.`);
  const altered = Int32Array.from(sum);
  const changed = Math.min(count, sum.length);
  const stride = sum.length / changed;
  for (let n = 0; n < changed; n++) altered[Math.floor(n * stride)] += 1;
  return altered;
}
