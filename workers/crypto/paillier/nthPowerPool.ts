// Precomputed Paillier randomness. rⁿ mod n² does not depend on the message, so a shuffle member can compute
// the ones its step will need as soon as the holder's key is known, while it waits for its turn, and its step
// then costs only multiplications. Each value is handed out once and dropped: take() removes it from the pool,
// and computes a fresh one when the pool is empty. fill() yields to the event loop between values.
import { PaillierInvalidKeyError } from "./errors";
import { randomNthPower } from "./randomNthPower";
import type { PaillierPublicKey } from "./types";

export interface NthPowerPool {
  readonly publicKey: PaillierPublicKey;
  /** Computes up to `count` more values in the background (one per event-loop turn); stops early on close(). */
  fill(count: number): Promise<void>;
  /** A precomputed rⁿ mod n², never handed out before, or a freshly computed one when none is ready. */
  take(): bigint;
  /** Values ready now. */
  readonly ready: number;
  /** How many take() calls were served from precomputed values and how many computed on demand. */
  readonly stats: { readonly precomputed: number; readonly onDemand: number };
  /** Stops any fill and forgets the values not taken. */
  close(): void;
}

export type CreateNthPowerPoolParameters = {
  publicKey: PaillierPublicKey;
  /** Source of fresh values (tests); defaults to randomNthPower. */
  compute?: (publicKey: PaillierPublicKey) => bigint;
};

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createNthPowerPool({ publicKey, compute = randomNthPower }: CreateNthPowerPoolParameters): NthPowerPool {
  let values: bigint[] = [];
  let closed = false;
  const stats = { precomputed: 0, onDemand: 0 };
  return {
    publicKey,
    async fill(count: number): Promise<void> {
      for (let made = 0; made < count; made++) {
        await nextTurn();
        if (closed) return;
        values.push(compute(publicKey));
      }
    },
    take(): bigint {
      const value = values.shift();
      if (value !== undefined) {
        stats.precomputed++;
        return value;
      }
      stats.onDemand++;
      return compute(publicKey);
    },
    get ready() {
      return values.length;
    },
    get stats() {
      return { ...stats };
    },
    close(): void {
      closed = true;
      values = [];
    },
  };
}

/** rⁿ for `publicKey` from the pool when one is given (checked to be for the same key), else fresh. */
export function nthPowerFor(publicKey: PaillierPublicKey, pool: NthPowerPool | undefined): bigint {
  if (pool === undefined) return randomNthPower(publicKey);
  if (pool.publicKey.n !== publicKey.n) throw new PaillierInvalidKeyError("the randomness pool is for another Paillier key");
  return pool.take();
}
