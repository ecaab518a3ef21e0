// How many of a scripted round's events there are up to and including the nth event of a type, so a test can
// replay the round "until the second PhaseChanged" without counting by hand.
import type { CoordinatorEvent } from "../../../workers/protocol/events";

export function eventsThrough(events: readonly CoordinatorEvent[], type: CoordinatorEvent["type"], nth = 1): number {
  let seen = 0;
  const index = events.findIndex((event) => event.type === type && ++seen === nth);
  if (index < 0) throw new Error(`the events hold fewer than ${nth} ${type}`);
  return index + 1;
}
