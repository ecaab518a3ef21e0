// The refusal, before a task or a round starts, of settings a mask group cannot aggregate exactly: more
// vectors than it can sum, or an aggregate bound N·round(c·S) past its decoding range (docs/MASKING.md,
// "Supported bounds"). The owner and the demo call it before createTask; the group checks again per call.
import { MaskSettingsUnsupportedError } from "./errors";
import { MASK_GROUP_INFO, type MaskGroupId } from "./maskGroup";

export interface CheckMaskSettingsParameters {
  maskGroup: MaskGroupId;
  /** Most clients a round admits; the holder's vector comes on top. */
  maxClients: number;
  clip: number;
  scale: number;
  /** How far distributed DP noise can push a coordinate of the sum (integerNoiseBound); 0 without. */
  noiseBound?: number;
}

export function checkMaskSettings({ maskGroup, maxClients, clip, scale, noiseBound = 0 }: CheckMaskSettingsParameters): void {
  const limits = MASK_GROUP_INFO[maskGroup];
  // maxClients counts every participant, the holder included: that is how many vectors are summed at most.
  if (maxClients > limits.maxVectors) {
    throw new MaskSettingsUnsupportedError(maskGroup, `${maxClients} clients per round`, `at most ${limits.maxVectors} vectors sum exactly`, `--max-clients ${limits.maxVectors}`);
  }
  // aggregateBound's own formula, without its int32 check: a bound that large is what is being refused here.
  const bound = maxClients * Math.round(clip * scale) + Math.ceil(noiseBound);
  if (bound > limits.maxBound) {
    const largestClip = Math.floor(((limits.maxBound - Math.ceil(noiseBound)) / maxClients / scale) * 1e6) / 1e6;
    throw new MaskSettingsUnsupportedError(
      maskGroup,
      `an aggregate bound of ${maxClients} × round(${clip} × ${scale})${noiseBound > 0 ? ` + ${Math.ceil(noiseBound)} of DP noise` : ""} = ${bound}`,
      `|Σg| must stay within ${limits.maxBound} to decode`,
      `--clip ${largestClip} (or fewer clients, or a smaller --scale)`,
    );
  }
}
