// Seeded Fisher–Yates shuffle, shared by the data split and the per-epoch batch order.
import type { Prng } from "./createPrng";

/** Anything indexable and writable: plain arrays and typed arrays. */
export interface ShuffleInPlaceItems<E> {
  length: number;
  [index: number]: E;
}

/** Shuffles `items` in place with draws from `prng` and returns the same object. */
export function shuffleInPlace<A extends ShuffleInPlaceItems<unknown>>(items: A, prng: Prng): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.nextInt(i + 1);
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
  return items;
}
