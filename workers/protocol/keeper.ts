// When may anyone call `advance`: the contract accepts it once a non-terminal phase's deadline has passed, except
// in Verification, which only the verifier ends (verificationSettleDue says when a keeper settles it instead), and
// except a Mash round in Grouping whose groups are not drawn yet, which waits for a block rather than a deadline
// (isDrawDue). Pure, so every worker can act as a keeper and none can leave a round stuck.
import { isTerminalPhase, Mode, Phase } from "./enums";

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

export interface DrawDueParameters {
  mode: Mode;
  phase: Phase;
  /** mashRound(roundId).groupCount: 0 until the draw. */
  groupCount: bigint;
}

/**
 * Whether a keeper should poke `advance` to draw a Mash round's groups: the round is in Grouping and has none yet.
 * The contract draws once block `drawBlock` is mined (an earlier poke succeeds as a no-op, and on an automining chain
 * mines that very block), and re-arms the draw if the block's hash expired, so poking is never wrong; only the
 * deadline-free timing is the keeper's to pace.
 */
export function isDrawDue(parameters: DrawDueParameters): boolean {
  return parameters.mode === Mode.Mash && parameters.phase === Phase.Grouping && parameters.groupCount === 0n;
}
