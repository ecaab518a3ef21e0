// The Solidity enums for tests: the same mirrors the workers use (workers/protocol/enums.ts), so a reordering
// in Solidity has one TypeScript place to follow, plus a name helper for test titles.
import { Phase } from "../../workers/protocol/enums";

export { FailureReason, MaskGroup, Mode, Phase, Role } from "../../workers/protocol/enums";

/** The Solidity name of a phase, for test titles. */
export function phaseName(phase: Phase): string {
  return Object.entries(Phase).find(([, value]) => value === phase)?.[0] ?? `#${phase}`;
}
