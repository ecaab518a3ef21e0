// The DP settings of a command: --dp, --noise-multiplier, --clip and --delta belong together, so a partial set is
// refused with the missing flag named, and a complete one becomes the DpSettings the workers use.
import type { z } from "zod";
import { DEFAULT_DP_DELTA, type DpMechanism, type DpSettings } from "../ml/dp/parseDpSettings";

export interface DpValues {
  dp?: DpMechanism;
  "noise-multiplier"?: number;
  delta?: number;
}

/** Adds the issue of an incomplete DP setting; `clip` is the command's L2 clip (undefined when none was given). */
export function refineDp(values: DpValues, clip: number | undefined, ctx: z.RefinementCtx): void {
  if (values.dp === undefined) {
    for (const flag of ["noise-multiplier", "delta"] as const) {
      if (values[flag] !== undefined) {
        ctx.addIssue({ code: "custom", path: [flag], message: "needs --dp local|distributed", params: { fix: `add --dp local or --dp distributed, or leave out --${flag}.` } });
      }
    }
    return;
  }
  if (values["noise-multiplier"] === undefined) {
    ctx.addIssue({ code: "custom", path: ["dp"], message: "needs --noise-multiplier Z", params: { fix: "add --noise-multiplier Z: the noise standard deviation in units of the clip, e.g. 1." } });
  } else if (clip === undefined) {
    ctx.addIssue({ code: "custom", path: ["dp"], message: "needs --clip C", params: { fix: "add --clip C: the L2 norm every update is clipped to, e.g. 1." } });
  }
}

/** The DpSettings of values that passed refineDp, or undefined without --dp. */
export function dpSettingsOf(values: DpValues, clip: number | undefined): DpSettings | undefined {
  if (values.dp === undefined || values["noise-multiplier"] === undefined || clip === undefined) return undefined;
  return { mechanism: values.dp, noiseMultiplier: values["noise-multiplier"], clip, delta: values.delta ?? DEFAULT_DP_DELTA };
}
