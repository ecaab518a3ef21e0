// The aggregator's step: the aggregate Σ q_i from the servers' share-sums, by Lagrange interpolation at 0
// over t of them, with every extra share-sum checked against the same polynomial so a lying server shows.
//
// Which t: the `use` servers if given, else the t lowest server indices. The polynomial through them is kept
// when it is provably the one most share-sums lie on (its supporters s satisfy 2s > m + t - 1: any other
// degree t - 1 polynomial shares at most t - 1 points with it, so it has at most m - s + t - 1 supporters).
// Otherwise the other t-subsets are searched for that polynomial. Limits (see docs/SHAMIR.md):
// - m = t: nothing to check against.
// - m = t + 1 and a mismatch: detected, not located; the t chosen ones are used and the extra is reported
//   (if the liar is among the chosen, the range check on the sum catches it with high probability).
// - more: corrected when one polynomial has the most supporters and at least t + 1 of them, else
//   ShamirInconsistentSharesError (e.g. two independent liars among 5 servers with t = 3).
import { combineShares } from "./combineShares";
import {
  ShamirDuplicateServerError,
  ShamirInconsistentSharesError,
  ShamirInputError,
  ShamirLengthMismatchError,
  ShamirMalformedShareError,
  ShamirNotEnoughSharesError,
  ShamirRangeError,
} from "./errors";
import { lagrangeWeights } from "./lagrangeWeights";
import { checkServerIndex, checkThreshold } from "./shamirChecks";
import { decodeSigned, SHAMIR_HALF, SHAMIR_PRIME } from "./shamirField";

export type ShamirShareSum = {
  /** 0-based; the share-sum is the polynomial's value at x = serverIndex + 1. */
  serverIndex: number;
  values: Uint32Array;
};

export type ReconstructSumOptions = {
  threshold: number;
  /** Largest |Σ q_i| the task can produce (shamirFieldBound); a larger coordinate throws ShamirRangeError. */
  bound: number;
  /** The t server indices to interpolate from first; defaults to the t lowest given. */
  use?: readonly number[];
};

export type ReconstructSumReturnType = {
  sum: Int32Array;
  /** The t server indices the sum was interpolated from, ascending. */
  usedServers: number[];
  /** Given share-sums that do not lie on the reconstructed polynomial, ascending. */
  inconsistentServers: number[];
};

/** Beyond this many t-subsets the search for a consistent polynomial gives up (C(16, 8) = 12,870). */
const MAX_SUBSETS_SEARCHED = 4096;
/** Consistency is checked chunk by chunk so a mismatch stops the scan early. */
const CHUNK = 8192;

type Candidate = { used: number[]; supporters: number[] };

export function reconstructSum(shareSums: readonly ShamirShareSum[], options: ReconstructSumOptions): ReconstructSumReturnType {
  const threshold = checkThreshold(options.threshold);
  const bound = options.bound;
  if (typeof bound !== "number" || !Number.isInteger(bound) || bound < 0 || bound > SHAMIR_HALF) {
    throw new ShamirInputError("bound", `the bound must be an integer in [0, (p - 1) / 2 = ${SHAMIR_HALF}], got ${String(bound)}`);
  }
  const sorted = checkShareSums(shareSums);
  if (sorted.length < threshold) throw new ShamirNotEnoughSharesError(sorted.length, threshold);

  const m = sorted.length;
  const xs = sorted.map((s) => s.serverIndex + 1);
  const preferred = preferredPositions(sorted, threshold, options.use);

  /** Positions (into `sorted`) of the share-sums on the polynomial through `used`. */
  const supportersOf = (used: readonly number[]): number[] => {
    const usedVectors = used.map((u) => sorted[u]!.values);
    const supporters = [...used];
    for (let e = 0; e < m; e++) {
      if (used.includes(e)) continue;
      const weights = lagrangeWeights({ xs: used.map((u) => xs[u]!), at: xs[e]! });
      if (agrees(usedVectors, weights, sorted[e]!.values)) supporters.push(e);
    }
    return supporters.sort((a, b) => a - b);
  };
  const unique = (supporters: number): boolean => 2 * supporters > m + threshold - 1;

  let chosen: Candidate = { used: preferred, supporters: supportersOf(preferred) };
  // m = t + 1 with a mismatch: every t-subset has exactly t supporters, so nothing can say who lied.
  if (!unique(chosen.supporters.length) && m > threshold + 1) chosen = searchSubsets(m, threshold, preferred, supportersOf, unique, sorted);

  const usedVectors = chosen.used.map((u) => sorted[u]!.values);
  const field = combineShares({ vectors: usedVectors, weights: lagrangeWeights({ xs: chosen.used.map((u) => xs[u]!), at: 0 }) });
  const sum = new Int32Array(field.length);
  for (let i = 0; i < field.length; i++) {
    const value = decodeSigned(field[i]!);
    if (value > bound || value < -bound) throw new ShamirRangeError(i, value, bound);
    sum[i] = value;
  }
  return {
    sum,
    usedServers: chosen.used.map((u) => sorted[u]!.serverIndex),
    inconsistentServers: sorted.map((_, position) => position).filter((p) => !chosen.supporters.includes(p)).map((p) => sorted[p]!.serverIndex),
  };
}

function checkShareSums(shareSums: readonly ShamirShareSum[]): ShamirShareSum[] {
  if (!Array.isArray(shareSums)) throw new ShamirInputError("share-sums", "expected an array of { serverIndex, values }");
  const seen = new Set<number>();
  const length = shareSums[0]?.values?.length;
  for (const shareSum of shareSums) {
    const serverIndex = checkServerIndex((shareSum as Partial<ShamirShareSum> | undefined)?.serverIndex);
    if (seen.has(serverIndex)) throw new ShamirDuplicateServerError(serverIndex);
    seen.add(serverIndex);
    const values = shareSum.values;
    if (!(values instanceof Uint32Array)) throw new ShamirInputError("share-sums", `the values of server index ${serverIndex} are not a Uint32Array`);
    if (values.length !== length) throw new ShamirLengthMismatchError(`the share-sum of server index ${serverIndex}`, length ?? 0, values.length);
    for (let i = 0; i < values.length; i++) {
      if (values[i]! >= SHAMIR_PRIME) throw new ShamirMalformedShareError(`${values[i]} is not a field element (< p)`, serverIndex, i);
    }
  }
  return [...shareSums].sort((a, b) => a.serverIndex - b.serverIndex);
}

function preferredPositions(sorted: readonly ShamirShareSum[], threshold: number, use: readonly number[] | undefined): number[] {
  if (use === undefined) return Array.from({ length: threshold }, (_, i) => i);
  if (!Array.isArray(use) || use.length !== threshold || new Set(use).size !== threshold) {
    throw new ShamirInputError("`use` option", `expected ${threshold} distinct server indices, got ${JSON.stringify(use)}`);
  }
  return use
    .map((serverIndex) => {
      const position = sorted.findIndex((s) => s.serverIndex === serverIndex);
      if (position < 0) throw new ShamirInputError("`use` option", `server index ${String(serverIndex)} has no share-sum among those given`);
      return position;
    })
    .sort((a, b) => a - b);
}

/** Whether target equals the interpolation Σ w_j·used_j at every coordinate (stops at the first bad chunk). */
function agrees(usedVectors: readonly Uint32Array[], weights: readonly number[], target: Uint32Array): boolean {
  for (let start = 0; start < target.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, target.length);
    const predicted = combineShares({ vectors: usedVectors.map((v) => v.subarray(start, end)), weights });
    for (let i = 0; i < predicted.length; i++) if (predicted[i] !== target[start + i]) return false;
  }
  return true;
}

/** The polynomial with the most supporters (at least t + 1, and no other with as many), over all t-subsets. */
function searchSubsets(
  m: number,
  threshold: number,
  preferred: readonly number[],
  supportersOf: (used: readonly number[]) => number[],
  unique: (supporters: number) => boolean,
  sorted: readonly ShamirShareSum[],
): Candidate {
  const servers = sorted.map((s) => s.serverIndex);
  const found: number[][] = [supportersOf(preferred)];
  let searched = 0;
  for (const subset of combinations(m, threshold)) {
    // A subset inside a known supporter set spans that same polynomial.
    if (found.some((supporters) => subset.every((p) => supporters.includes(p)))) continue;
    if (++searched > MAX_SUBSETS_SEARCHED) {
      throw new ShamirInconsistentSharesError(`a share-sum disagrees and more than ${MAX_SUBSETS_SEARCHED} subsets would have to be searched; pass \`use\``, servers);
    }
    const supporters = supportersOf(subset);
    found.push(supporters);
    if (unique(supporters.length)) break;
  }
  const best = Math.max(...found.map((s) => s.length));
  const winners = found.filter((s) => s.length === best);
  if (best === threshold) throw new ShamirInconsistentSharesError(`no ${threshold + 1} of the ${m} share-sums lie on one polynomial of degree ${threshold - 1}`, servers);
  if (winners.length > 1) {
    throw new ShamirInconsistentSharesError(`${winners.length} different polynomials are each supported by ${best} share-sums`, servers);
  }
  const supporters = winners[0]!;
  const used = preferred.every((p) => supporters.includes(p)) ? [...preferred] : supporters.slice(0, threshold);
  return { used, supporters };
}

function* combinations(m: number, k: number): Generator<number[]> {
  const subset = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield [...subset];
    let i = k - 1;
    while (i >= 0 && subset[i] === m - k + i) i--;
    if (i < 0) return;
    subset[i]!++;
    for (let j = i + 1; j < k; j++) subset[j] = subset[j - 1]! + 1;
  }
}
