// `--min-included`: the floor on the set of updates a MASH or Shamir round may sum (TaskConfig.minIncluded). The
// contract refuses a floor below 3 or above maxClients; the range below 3 is the field's, the upper end is checked
// here against the round's clients, so that the mistake is named before a chain is touched.
import type { z } from "zod";

export interface FloorValues {
  "min-included"?: number | undefined;
}

/** Adds an issue when `--min-included` is above `maxClients`, the most clients a round of the task takes. */
export function refineFloor(values: FloorValues, maxClients: number, ctx: z.RefinementCtx): void {
  const floor = values["min-included"];
  if (floor === undefined || floor <= maxClients) return;
  ctx.addIssue({
    code: "custom",
    path: ["min-included"],
    message: `is above the ${maxClients} clients a round takes, so every round would fail (TooFewIncluded)`,
    params: { fix: `give --min-included from 3 to ${maxClients}, or leave it out for max(3, --min-clients).` },
  });
}
