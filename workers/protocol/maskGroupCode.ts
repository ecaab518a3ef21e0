// The on-chain MaskGroup code of a task (TaskConfig.maskGroup) and the workers' mask-group ids
// (workers/crypto/mask): the owner writes the code, every MASH role reads it back and picks the group by id.
import type { MaskGroupId } from "../crypto/mask/maskGroup";
import { enumName, MaskGroup } from "./enums";
import { BaseError } from "../errors";

const ID_OF_CODE: Readonly<Record<MaskGroup, MaskGroupId>> = {
  [MaskGroup.Rlwr2048]: "rlwr-2048",
  [MaskGroup.PaperCompat]: "paper-compat",
};

/** A MaskGroup code the contract does not define, or an id no code maps to. */
export class UnknownMaskGroupError extends BaseError {
  override name = "UnknownMaskGroupError" as const;
}

/** The mask-group id of an on-chain code: `maskGroupIdOf(0n)` → "rlwr-2048". */
export function maskGroupIdOf(code: number | bigint): MaskGroupId {
  const numeric = Number(code);
  const id = (ID_OF_CODE as Record<number, MaskGroupId | undefined>)[numeric];
  if (id === undefined) {
    throw new UnknownMaskGroupError(`MaskGroup code ${numeric} is not defined (${String(enumName(MaskGroup, numeric))}).`, {
      details: `Known codes: ${Object.entries(ID_OF_CODE).map(([c, i]) => `${c} ${i}`).join(", ")}.`,
    });
  }
  return id;
}

/** The on-chain code of a mask-group id: `maskGroupCodeOf("paper-compat")` → 1. */
export function maskGroupCodeOf(id: string): MaskGroup {
  const found = Object.entries(ID_OF_CODE).find(([, known]) => known === id);
  if (!found) {
    throw new UnknownMaskGroupError(`Mask group "${id}" has no on-chain code.`, { details: `Known ids: ${Object.values(ID_OF_CODE).join(", ")}.` });
  }
  return Number(found[0]) as MaskGroup;
}
