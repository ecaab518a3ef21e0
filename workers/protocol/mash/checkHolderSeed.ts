// The holder's check, before its own masked update goes public, that its completed seed cancels the included
// members' masks: their published vectors plus a mask of zeros under the holder's seed must decode. A leader
// that forged its group's sum (to predict the holder's seed and unmask the holder's update from its published
// vector) is caught here, and the holder publishes nothing. Pure over the mask group; the runner fetches.
import { BaseError } from "../../errors";
import type { MaskGroup } from "../../crypto/mask/maskGroup";

export class HolderSeedRejectedError extends BaseError {
  override name = "HolderSeedRejectedError" as const;
}

export interface CheckHolderSeedParameters<Seed> {
  group: Pick<MaskGroup<Seed>, "mask" | "aggregate">;
  /** The included members' published masked vectors. */
  memberVectors: readonly Uint32Array[];
  holderSeed: Seed;
  /** Coordinates of the model (the length of every update). */
  coordinates: number;
  /** The round's mask context (maskContext). */
  context: Uint8Array;
  /** The aggregate's bound, as the aggregator will use it. */
  bound: number;
  /** For the error message. */
  roundId: bigint;
}

/**
 * Throws HolderSeedRejectedError unless Σ members + mask(0, holderSeed) decodes. The holder learns only Σ of the
 * included updates, which the round's aggregate tells it anyway.
 */
export async function checkHolderSeed<Seed>({ group, memberVectors, holderSeed, coordinates, context, bound, roundId }: CheckHolderSeedParameters<Seed>): Promise<void> {
  const zeros = await group.mask({ quantized: new Int32Array(coordinates), seed: holderSeed, context });
  try {
    await group.aggregate({ masked: [...memberVectors, zeros], bound });
  } catch (error) {
    throw new HolderSeedRejectedError(`Round ${roundId}: the holder's seed does not cancel the included members' masks, so it publishes nothing.`, {
      details: "A group's posted sum is not the sum of its members' seeds (a forged or corrupted group sum); the round fails as HolderMissing.",
      cause: error,
    });
  }
}
