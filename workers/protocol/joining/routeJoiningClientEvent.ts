// Maps a Joining event to the secure-mode client's Joining handler: its own ClientJoined, or Joining closing (to any
// phase but Failed) while it still awaits its join. Undefined for anything else, which the composing machine then
// routes itself, so it hands every event of a known round here first. Pure.
import { Phase } from "../enums";
import type { CoordinatorEvent } from "../events";
import { stageAllows } from "../stage";
import { sameAddress } from "../verification/sameAddress";
import type { JoiningClientHandlers, JoiningClientRound } from "./joiningClientHandlers";
import { JOINING_CLIENT_HANDLER_STAGES, type JoiningClientHandler } from "./joiningClientStageTable";

export interface RouteJoiningClientEventParameters<State extends JoiningClientRound> {
  state: State;
  event: CoordinatorEvent;
  /** This client's account, to recognise its own ClientJoined. */
  address: string;
  handlers: JoiningClientHandlers<State>;
}

export function routeJoiningClientEvent<State extends JoiningClientRound>(parameters: RouteJoiningClientEventParameters<State>): State | undefined {
  const { state, event, address, handlers } = parameters;
  const can = (handler: JoiningClientHandler): boolean => stageAllows(JOINING_CLIENT_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "ClientJoined":
      return sameAddress(address, event.client) && can("confirmJoin") ? handlers.confirmJoin(state) : undefined;
    case "PhaseChanged":
      return event.previous === Phase.Joining && event.current !== Phase.Failed && can("missJoin") ? handlers.missJoin(state) : undefined;
    default:
      return undefined;
  }
}
