// The Joining stage's handlers of a secure-mode client (MASH or Shamir): its join confirmed, Joining closed
// without it, or the round's input model refused. Built per machine so stage errors name that machine's role.
// Pure: each handler checks the stage and returns the next state.
import { assertStage } from "../stage";
import { JOINING_CLIENT_HANDLER_STAGES, type JoiningClientHandler } from "./joiningClientStageTable";

/** What the Joining stage reads and writes of a client's round state. */
export interface JoiningClientRound {
  stage: string;
  /** Why this client refused the round's input model (ModelRefusedError's reason); it did not join. */
  refusal?: string;
}

export interface JoiningClientHandlers<State extends JoiningClientRound> {
  confirmJoin(state: State): State;
  /** Joining closed (round full or deadline) without this client. */
  missJoin(state: State): State;
  /** The round's input model failed checkInputModel: the client does not join and does not train. */
  refuseModel(state: State, reason: string): State;
}

export interface JoiningClientHandlersParameters {
  /** The composing machine's role, named by its stage errors. */
  role: string;
}

export function joiningClientHandlers<State extends JoiningClientRound>(parameters: JoiningClientHandlersParameters): JoiningClientHandlers<State> {
  const { role } = parameters;
  const check = (handler: JoiningClientHandler, state: State): void => assertStage(role, handler, state.stage, JOINING_CLIENT_HANDLER_STAGES[handler]);
  return {
    confirmJoin(state) {
      check("confirmJoin", state);
      return { ...state, stage: "joined" };
    },
    missJoin(state) {
      check("missJoin", state);
      return { ...state, stage: "left-out" };
    },
    refuseModel(state, reason) {
      check("refuseModel", state);
      return { ...state, stage: "refused", refusal: reason };
    },
  };
}
