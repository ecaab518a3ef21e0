// When may anyone call `advance`: the contract accepts it once a non-terminal phase's deadline has passed, except
// in Verification, which only the verifier ends (verificationSettleDue says when a keeper settles it instead).
// Pure, so every worker can act as a keeper and none can leave a round stuck.
import { isTerminalPhase, Phase } from "./enums";

export interface AdvanceDueParameters {
  phase: Phase;
  deadline: bigint;
  /** Latest block timestamp, seconds. */
  now: bigint;
}

export function isAdvanceDue(parameters: AdvanceDueParameters): boolean {
  if (parameters.phase === Phase.None || parameters.phase === Phase.Verification || isTerminalPhase(parameters.phase)) return false;
  return parameters.deadline > 0n && parameters.now > parameters.deadline;
}
