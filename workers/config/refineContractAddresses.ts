// --registry and --coordinator come together or not at all: with both the contracts are found there, with
// neither in the Ignition deployment; one alone is a mistake worth naming.
import type { z } from "zod";

export function refineContractAddresses(values: { registry?: string; coordinator?: string }, ctx: z.RefinementCtx): void {
  if ((values.registry === undefined) === (values.coordinator === undefined)) return;
  const given = values.registry === undefined ? "coordinator" : "registry";
  const missing = given === "registry" ? "coordinator" : "registry";
  ctx.addIssue({
    code: "custom",
    path: [given],
    message: `needs --${missing} too`,
    params: { fix: "give both --registry and --coordinator, or neither (then the Ignition deployment is read)." },
  });
}
