// The MASH watcher's comparison: the sum it recomputed from the included masked vectors against the sum the
// aggregator published (and committed). Equal → nothing to prove; otherwise the first coordinate that differs and
// its leaf (16 coordinates a leaf, fedmash/vector-merkle/v1), the leaf a fraud proof opens. Pure.
import { VECTOR_MERKLE_LEAF_VALUES } from "../../crypto/commit/vectorMerkle";
import { WatchInputError } from "./errors";

export interface WrongLeaf {
  /** The leaf to challenge: coordinates 16·leafIndex … 16·leafIndex + 15. */
  leafIndex: number;
  /** The first coordinate whose posted value is not the true sum. */
  coordinate: number;
  /** The sum the included vectors decode to there; undefined when they decode to nothing (no posted value is right) or it is not known. */
  trueValue: number | undefined;
  postedValue: number;
}

/** The first leaf where `postedSum` differs from `trueSum`, or undefined when they are equal. */
export function findWrongLeaf(trueSum: Int32Array, postedSum: Int32Array): WrongLeaf | undefined {
  if (!(trueSum instanceof Int32Array) || !(postedSum instanceof Int32Array)) throw new WatchInputError("Expected two Int32Array sums.");
  if (trueSum.length !== postedSum.length) {
    throw new WatchInputError(`The recomputed sum has ${trueSum.length} coordinates, the posted one ${postedSum.length}.`);
  }
  for (let coordinate = 0; coordinate < trueSum.length; coordinate++) {
    if (trueSum[coordinate] !== postedSum[coordinate]) {
      return {
        leafIndex: Math.floor(coordinate / VECTOR_MERKLE_LEAF_VALUES),
        coordinate,
        trueValue: trueSum[coordinate]!,
        postedValue: postedSum[coordinate]!,
      };
    }
  }
  return undefined;
}
