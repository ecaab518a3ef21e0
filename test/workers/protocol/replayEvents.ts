// Runs chain events through a machine's router the way a worker does: each state the router returns replaces its
// round's state, and the next event is routed against the rounds as they now are.
import type { CoordinatorEvent } from "../../../workers/protocol/events";

export function replayEvents<State extends { roundId: string }>(
  events: readonly CoordinatorEvent[],
  route: (rounds: Readonly<Record<string, State>>, event: CoordinatorEvent) => State | undefined,
  rounds: Readonly<Record<string, State>> = {},
): Record<string, State> {
  let current: Record<string, State> = { ...rounds };
  for (const event of events) {
    const next = route(current, event);
    if (next) current = { ...current, [next.roundId]: next };
  }
  return current;
}
