// A fresh client seed, uniform over (−Q, Q) from the OS CSPRNG (rejection sampling, so no modulo bias).
import { randomBytes } from "node:crypto";
import { SEED_BOUND } from "./types";

export function randomSeed(): bigint {
  const span = 2n * SEED_BOUND - 1n; // number of integers in (−Q, Q)
  const bits = span.toString(2).length;
  const bytes = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    const candidate = BigInt(`0x${randomBytes(bytes).toString("hex")}`) & mask;
    if (candidate < span) return candidate - (SEED_BOUND - 1n);
  }
}
