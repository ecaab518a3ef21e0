// The one way callers get a mask group by its id. Groups are cached per id and kernel options, so every
// caller in a process shares one worker pool and one cache per group.
import { MaskGroupUnknownError } from "./errors";
import { DEFAULT_MASK_GROUP, MASK_GROUP_IDS, type MaskGroupId } from "./maskGroup";
import { createPaperCompatGroup, type CreatePaperCompatGroupParameters, type PaperCompatGroup } from "./paperCompatGroup";
import { createRlwrGroup, type RlwrGroup } from "./rlwrGroup";

export type GetMaskGroupOptions = CreatePaperCompatGroupParameters;

/** Each id's group type, so a caller that names the id gets its seed type. */
export interface MaskGroupsById {
  "paper-compat": PaperCompatGroup;
  "rlwr-2048": RlwrGroup;
}

const groups = new Map<string, MaskGroupsById[MaskGroupId]>();

export function isMaskGroupId(id: unknown): id is MaskGroupId {
  return typeof id === "string" && (MASK_GROUP_IDS as readonly string[]).includes(id);
}

export function getMaskGroup<Id extends MaskGroupId = typeof DEFAULT_MASK_GROUP>(id?: Id, options: GetMaskGroupOptions = {}): MaskGroupsById[Id] {
  const chosen: MaskGroupId = id ?? DEFAULT_MASK_GROUP;
  if (!isMaskGroupId(chosen)) throw new MaskGroupUnknownError(String(chosen));
  const key = JSON.stringify([chosen, options.kernel ?? null, options.threads ?? null, options.inlineBelow ?? null]);
  let group = groups.get(key);
  if (!group) {
    group = chosen === "paper-compat" ? createPaperCompatGroup(options) : createRlwrGroup(options);
    groups.set(key, group);
  }
  return group as unknown as MaskGroupsById[Id];
}
