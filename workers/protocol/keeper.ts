// When may anyone call `advance`: the contract accepts it once a non-terminal phase's deadline has passed, except
// in Verification, which only the verifier ends (verificationSettleDue says when a keeper settles it instead), and
// except a Mash round in Grouping whose groups are not drawn yet, which waits for a block rather than a deadline
// (isDrawDue). Pure, so every worker can act as a keeper and none can leave a round stuck. A worker that only backs
// the keepers up on the draw (a MASH client) waits out a grace first (isGracedDrawPokeDue).
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
 * mines that very block), and fails the round (DrawExpired) once the block's hash expired, 256 blocks later: it never
 * re-arms, so a keeper that stays silent cannot re-roll a draw it dislikes. Poking early is never wrong, poking late
 * ends the round; only the deadline-free timing is the keeper's to pace.
 */
export function isDrawDue(parameters: DrawDueParameters): boolean {
  return parameters.mode === Mode.Mash && parameters.phase === Phase.Grouping && parameters.groupCount === 0n;
}

/** How long a worker that only backs the keepers up lets them draw first: blocks after `drawBlock`, or milliseconds. */
export interface DrawGrace {
  blocks: bigint;
  ms: number;
}

/**
 * The MASH client's grace: the owner and the aggregator poke about once a second, so in a normal round the draw lands
 * within a block or two, and N clients poking as well would only spend gas on reverted or no-op calls. 8 blocks is far
 * inside the 256 after which the round fails DrawExpired; 10 s covers an automining chain, where no block comes
 * without a transaction.
 */
export const CLIENT_DRAW_GRACE: DrawGrace = { blocks: 8n, ms: 10_000 };

export interface GracedDrawPokeParameters {
  /** mashRound(roundId).drawBlock. */
  drawBlock: bigint;
  /** Latest block number. */
  block: bigint;
  /** When this worker first saw the round waiting for this draw, ms (Date.now()). */
  waitingSinceMs: number;
  nowMs: number;
  grace: DrawGrace;
}

/**
 * Whether a worker that only backs the keepers up pokes a draw that is due (isDrawDue) itself: nobody drew it by block
 * `drawBlock + grace.blocks` (the draw was possible from block `drawBlock + 1`), or within `grace.ms` of this worker
 * first seeing it waiting, whichever comes first. One honest participant is then enough for the round to get its
 * draw before the hash expires, whatever the owner and the aggregator do.
 */
export function isGracedDrawPokeDue(parameters: GracedDrawPokeParameters): boolean {
  if (parameters.block >= parameters.drawBlock + parameters.grace.blocks) return true;
  return parameters.nowMs - parameters.waitingSinceMs >= parameters.grace.ms;
}
