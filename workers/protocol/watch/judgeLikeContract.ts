// The MASH watcher's judgment of a posted sum by AggregateFraudProof's own rule, coordinate by coordinate, for the
// case where the mask group's decode of the included vectors fails. The contract judges ANY posted value at a
// coordinate that does not decode as wrong (rlwrDecodes / paperCompatDecodes), so such a coordinate is a fraud the
// watcher can prove: leaf ⌊i/16⌋ is upheld. Pure.
//
//   rlwr-2048     every y < 2^40; Y = Σ y mod 2^40, centred to V; G = ⌊(V + 1024)/2048⌋, e = V − 2048·G;
//                 right iff 2|e| < N (N = the vectors summed), |G| ≤ 2^28 − 1 and G = posted
//   paper-compat  every y in [1, P), P = 2^80 + 13; right iff |posted| ≤ 2^31 − 1 and 2^posted ≡ Π y (mod P)
//
// paper-compat is judged against the product directly, not by a bounded discrete-log search, so a posted value
// beyond the watcher's own bound that the contract accepts is accepted here too.
import { VECTOR_MERKLE_LEAF_VALUES } from "../../crypto/commit/vectorMerkle";
import { DlogOutOfRangeError, MaskCiphertextMalformedError, MaskDecodeError } from "../../crypto/mask/errors";
import { MASH_P, powModP, readLimbs } from "../../crypto/kernel/field";
import type { MaskGroupId } from "../../crypto/mask/maskGroup";
import { RLWR_B_BITS, RLWR_MAX_BOUND, RLWR_P_BITS } from "../../crypto/mask/rlwrParameters";
import { WatchInputError } from "./errors";
import type { WrongLeaf } from "./findWrongLeaf";

const RLWR_P = 2 ** RLWR_P_BITS;
const RLWR_HALF_P = RLWR_P / 2;
const RLWR_B = 2 ** RLWR_B_BITS;
const PAPER_MAX_SUM = 2 ** 31 - 1;

function limbsOf(groupId: MaskGroupId): 2 | 3 {
  return groupId === "rlwr-2048" ? 2 : 3;
}

/**
 * rlwr-2048: the value the masked elements at `coordinate` decode to under the contract's rule, or undefined when
 * they do not decode (an element ≥ 2^40, a residual 2|e| ≥ N or |G| > 2^28 − 1): then no posted value is right.
 */
export function rlwrContractDecode(masked: readonly Uint32Array[], coordinate: number): number | undefined {
  let total = 0;
  for (const vector of masked) {
    const low = vector[2 * coordinate]!;
    const high = vector[2 * coordinate + 1]!;
    if (high >= 256) return undefined; // y ≥ 2^40
    total += high * 2 ** 32 + low; // < 2^40 each, at most 2^13 of them: exact in a double
  }
  total %= RLWR_P;
  const centred = total < RLWR_HALF_P ? total : total - RLWR_P;
  const decoded = Math.floor((centred + RLWR_B / 2) / RLWR_B);
  const residual = centred - RLWR_B * decoded;
  if (2 * Math.abs(residual) >= masked.length) return undefined;
  if (Math.abs(decoded) > RLWR_MAX_BOUND) return undefined;
  return decoded;
}

/** paper-compat: Π y mod P over the vectors at `coordinate`, or undefined when an element is outside [1, P). */
export function paperCompatProduct(masked: readonly Uint32Array[], coordinate: number): bigint | undefined {
  let product = 1n;
  for (const vector of masked) {
    const element = readLimbs(vector, coordinate);
    if (element === 0n || element >= MASH_P) return undefined;
    product = (product * element) % MASH_P;
  }
  return product;
}

/** paper-compat: whether `posted` is right at `coordinate` under the contract's rule (2^posted ≡ Π y, |posted| ≤ 2^31 − 1). */
export function paperCompatContractAccepts(masked: readonly Uint32Array[], coordinate: number, posted: number): boolean {
  if (!Number.isInteger(posted) || Math.abs(posted) > PAPER_MAX_SUM) return false;
  const product = paperCompatProduct(masked, coordinate);
  if (product === undefined) return false;
  // 2 has order dividing P − 1, so 2^posted = 2^(posted mod (P − 1)).
  const exponent = posted >= 0 ? BigInt(posted) : MASH_P - 1n - BigInt(-posted);
  return powModP(2n, exponent) === product;
}

/** Whether the contract would accept `posted` at `coordinate` of the sum of `masked` (the included vectors, then the holder's). */
export function contractAccepts(groupId: MaskGroupId, masked: readonly Uint32Array[], coordinate: number, posted: number): boolean {
  if (groupId === "rlwr-2048") return rlwrContractDecode(masked, coordinate) === posted;
  return paperCompatContractAccepts(masked, coordinate, posted);
}

/**
 * The coordinate a failed decode names, when the failure is one the contract judges per coordinate: rlwr-2048's
 * MaskDecodeError, paper-compat's DlogOutOfRangeError, or a MaskCiphertextMalformedError of one element (y ≥ 2^40, or
 * y outside [1, P)). Anything else (lengths, inputs, a vector not a whole number of elements) names no coordinate.
 */
export function undecodedCoordinate(error: unknown, length: number): number | undefined {
  const named = error instanceof MaskDecodeError || error instanceof DlogOutOfRangeError || error instanceof MaskCiphertextMalformedError;
  if (!named) return undefined;
  const index = error.index;
  return Number.isSafeInteger(index) && index >= 0 && index < length ? index : undefined;
}

export interface FindWrongLeafLikeContractParameters {
  groupId: MaskGroupId;
  /** The included masked vectors (includedClients order, then the holder's), `limbs` u32 a coordinate. */
  masked: readonly Uint32Array[];
  /** The posted sum. */
  posted: Int32Array;
  /** The coordinate the group's decode failed at: judged first, so that the common case costs one coordinate. */
  suspect?: number;
}

/**
 * The first leaf the contract would find wrong: `suspect` first (the coordinate the mask group could not decode),
 * then, if the posted value there is right after all (paper-compat: a discrete log beyond the watcher's bound that
 * the contract accepts), every coordinate in order. Undefined when the contract accepts the whole sum.
 * `trueValue` is the decoded sum where one exists and is known (rlwr-2048), else undefined.
 */
export function findWrongLeafLikeContract(parameters: FindWrongLeafLikeContractParameters): WrongLeaf | undefined {
  const { groupId, masked, posted, suspect } = parameters;
  if (masked.length === 0) throw new WatchInputError("Judging a sum needs the included vectors: none given.");
  const limbs = limbsOf(groupId);
  for (const [v, vector] of masked.entries()) {
    if (vector.length !== posted.length * limbs) {
      throw new WatchInputError(`Vector ${v} has ${vector.length} limbs, not ${limbs} for each of the sum's ${posted.length} coordinates.`);
    }
  }
  const judge = (coordinate: number): WrongLeaf | undefined => {
    const postedValue = posted[coordinate]!;
    const trueValue = groupId === "rlwr-2048" ? rlwrContractDecode(masked, coordinate) : undefined;
    const right = groupId === "rlwr-2048" ? trueValue === postedValue : paperCompatContractAccepts(masked, coordinate, postedValue);
    return right ? undefined : { leafIndex: Math.floor(coordinate / VECTOR_MERKLE_LEAF_VALUES), coordinate, trueValue, postedValue };
  };
  if (suspect !== undefined) {
    if (!Number.isSafeInteger(suspect) || suspect < 0 || suspect >= posted.length) throw new WatchInputError(`Coordinate ${suspect} is outside the sum.`);
    const wrong = judge(suspect);
    if (wrong) return wrong;
  }
  for (let coordinate = 0; coordinate < posted.length; coordinate++) {
    const wrong = judge(coordinate);
    if (wrong) return wrong;
  }
  return undefined;
}

/** A revealed leaf of the committed sum: its 16 int64 values (big-endian, two's complement), as bigint. */
export function sumLeafValues(values: Uint8Array): bigint[] {
  if (!(values instanceof Uint8Array) || values.length !== VECTOR_MERKLE_LEAF_VALUES * 8) {
    throw new WatchInputError(`A sum leaf is ${VECTOR_MERKLE_LEAF_VALUES * 8} bytes (16 int64), got ${values.length}.`);
  }
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  return Array.from({ length: VECTOR_MERKLE_LEAF_VALUES }, (_, slot) => view.getBigInt64(slot * 8));
}

export interface WrongCoordinateOfLeafParameters {
  leafIndex: number;
  /** The leaf's 128 value bytes as committed (a dispute's DisputeLeafRevealed). */
  values: Uint8Array;
  modelSize: number;
  /** Whether the contract accepts `posted` at a coordinate < modelSize (the decode of the included vectors there). */
  accepts: (coordinate: number, posted: bigint) => boolean;
}

/**
 * The first coordinate of a committed sum leaf the contract finds wrong, or undefined: below modelSize as `accepts`
 * judges it; at or past modelSize (the last leaf's tail) any value but 0 is wrong (the canonical tail rule).
 */
export function wrongCoordinateOfLeaf(parameters: WrongCoordinateOfLeafParameters): number | undefined {
  const { leafIndex, modelSize, accepts } = parameters;
  const posted = sumLeafValues(parameters.values);
  for (const [slot, value] of posted.entries()) {
    const coordinate = leafIndex * VECTOR_MERKLE_LEAF_VALUES + slot;
    const right = coordinate >= modelSize ? value === 0n : accepts(coordinate, value);
    if (!right) return coordinate;
  }
  return undefined;
}

/** `accepts` for wrongCoordinateOfLeaf from the included vectors, by the contract's rule (decodes or not). */
export function contractAcceptsPosted(groupId: MaskGroupId, masked: readonly Uint32Array[]): (coordinate: number, posted: bigint) => boolean {
  return (coordinate, posted) => {
    if (posted < -(2n ** 31n) || posted >= 2n ** 31n) return false; // beyond any bound the contract accepts
    return contractAccepts(groupId, masked, coordinate, Number(posted));
  };
}

/**
 * Whether the contract accepts NO value at `coordinate`, whatever the aggregator posts there: rlwr-2048, the residual
 * or range check fails (for one G it passes, it passes for no other: 2|e| < N ≤ 2048 leaves one G); paper-compat, an
 * element outside [1, P). A paper-compat product in range may be 2^G for some |G| ≤ 2^31 − 1 the watcher's bounded
 * discrete log did not reach: then a posted value may be right, and this says false.
 */
export function noValueAccepted(groupId: MaskGroupId, masked: readonly Uint32Array[], coordinate: number): boolean {
  if (groupId === "rlwr-2048") return rlwrContractDecode(masked, coordinate) === undefined;
  for (const vector of masked) {
    const element = readLimbs(vector, coordinate);
    if (element === 0n || element >= MASH_P) return true;
  }
  return false;
}

/**
 * After a failed decode: the leaf a dispute may safely be steered to, ⌊c/16⌋ of the first coordinate c (`suspect`
 * first, then every coordinate in order) where the contract accepts no value, so that whatever the aggregator
 * reveals there loses. Undefined when there is none: a dispute toward the suspect could reach a value the contract
 * accepts and lose the bond to an honest aggregator, so the watcher must not open one (only a published payload,
 * judged by the contract's rule, can settle it).
 */
export function disputableLeafAfterFailedDecode(groupId: MaskGroupId, masked: readonly Uint32Array[], modelSize: number, suspect?: number): number | undefined {
  if (masked.length === 0) throw new WatchInputError("Judging a sum needs the included vectors: none given.");
  if (suspect !== undefined && noValueAccepted(groupId, masked, suspect)) return Math.floor(suspect / VECTOR_MERKLE_LEAF_VALUES);
  for (let coordinate = 0; coordinate < modelSize; coordinate++) {
    if (noValueAccepted(groupId, masked, coordinate)) return Math.floor(coordinate / VECTOR_MERKLE_LEAF_VALUES);
  }
  return undefined;
}
