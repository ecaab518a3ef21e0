// Uniform field elements in [0, p) for the polynomial coefficients. Each 32-bit word is masked to 31 bits
// (uniform in [0, 2^31)) and the single value 2^31 - 1 = p is redrawn, which leaves exactly the uniform
// distribution on [0, p). The default source is the OS CSPRNG; tests may pass their own words.
import { randomFillSync } from "node:crypto";
import { ShamirInputError } from "./errors";
import { SHAMIR_PRIME } from "./shamirField";

/** Returns `length` 32-bit words; only 31 bits of each are used. */
export type RandomWords = (length: number) => Uint32Array;

export type RandomFieldElementsParameters = {
  length: number;
  /** Defaults to crypto.randomFillSync. */
  random?: RandomWords;
};
export type RandomFieldElementsReturnType = Uint32Array;

/** A source that returns p this many times in a row for one slot is broken (probability 2^-2048 otherwise). */
const MAX_REDRAWS = 64;

const systemRandom: RandomWords = (length) => randomFillSync(new Uint32Array(length));

export function randomFieldElements({ length, random }: RandomFieldElementsParameters): RandomFieldElementsReturnType {
  const draw = (count: number): Uint32Array => {
    const words = (random ?? systemRandom)(count);
    if (!(words instanceof Uint32Array) || words.length !== count) {
      throw new ShamirInputError("random source", `asked for ${count} words, got ${words instanceof Uint32Array ? `${words.length}` : "something other than a Uint32Array"}`);
    }
    return words;
  };
  const words = draw(length);
  // A caller's array is not ours to overwrite.
  const out = random ? new Uint32Array(length) : words;
  for (let i = 0; i < length; i++) {
    let value = words[i]! & SHAMIR_PRIME;
    for (let tries = 0; value === SHAMIR_PRIME; tries++) {
      if (tries === MAX_REDRAWS) throw new ShamirInputError("random source", `it returned 2^31 - 1 (mod 2^31) ${MAX_REDRAWS} times in a row`);
      value = draw(1)[0]! & SHAMIR_PRIME;
    }
    out[i] = value;
  }
  return out;
}
