// A fresh MASH seed: uniform in [0, seedBound) from the OS CSPRNG, by rejection sampling.
import { randomBytes } from "node:crypto";
import { MASH_Q } from "../kernel/field";
import { MaskInputError } from "./errors";

export interface RandomSeedParameters {
  /** Exclusive upper bound; the paper-compat group's seedBound, next_prime(2^64), by default. */
  bound?: bigint;
}

export function randomSeed(parameters: RandomSeedParameters = {}): bigint {
  const bound = parameters.bound ?? MASH_Q;
  if (typeof bound !== "bigint" || bound <= 0n) throw new MaskInputError("seed bound", `the bound must be a bigint > 0, got ${String(bound)}`);
  const bits = bound.toString(2).length;
  const bytes = Math.ceil(bits / 8);
  const excess = BigInt(bytes * 8 - bits);
  for (;;) {
    const candidate = BigInt(`0x${randomBytes(bytes).toString("hex")}`) >> excess;
    if (candidate < bound) return candidate;
  }
}
