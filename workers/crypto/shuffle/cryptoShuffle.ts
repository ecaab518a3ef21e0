// Fisher–Yates with an unbiased CSPRNG index (crypto.randomInt): the permutation a member applies before
// forwarding must be unpredictable, or the next member could tell which item is whose.
import { randomInt } from "node:crypto";

export function cryptoShuffle<T>(items: readonly T[], randomBelow: (bound: number) => number = randomInt): T[] {
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = randomBelow(index + 1);
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return shuffled;
}
