// The one way callers get a mask group by its id. Groups are cached per id and kernel options, so every
// caller in a process shares one worker pool and one index-hash cache.
import { MaskGroupUnknownError } from "./errors";
import type { MaskGroupId } from "./maskGroup";
import { createPaperCompatGroup, type CreatePaperCompatGroupParameters, type PaperCompatGroup } from "./paperCompatGroup";

export type GetMaskGroupOptions = CreatePaperCompatGroupParameters;

const groups = new Map<string, PaperCompatGroup>();

export function getMaskGroup(id: MaskGroupId = "paper-compat", options: GetMaskGroupOptions = {}): PaperCompatGroup {
  if (id !== "paper-compat") throw new MaskGroupUnknownError(String(id));
  const key = JSON.stringify([id, options.kernel ?? null, options.threads ?? null, options.inlineBelow ?? null]);
  let group = groups.get(key);
  if (!group) {
    group = createPaperCompatGroup(options);
    groups.set(key, group);
  }
  return group;
}
