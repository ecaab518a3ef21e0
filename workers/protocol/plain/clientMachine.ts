// The plain-mode client as an explicit state machine, one serializable state per round. Pure: handlers take a
// state and return the next one; `clientPendingAction` says which side effect the stage still owes, so a worker
// that restarts from its persisted state simply performs the pending action again.
import { FailureReason, Phase } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";

export const CLIENT_STAGES = ["awaiting-join", "joined", "training", "submitted", "left-out", "finalized", "failed"] as const;
export type ClientStage = (typeof CLIENT_STAGES)[number];

export interface ClientRoundState {
  roundId: string;
  taskId: string;
  index: number;
  modelCid: string;
  stage: ClientStage;
  updateCid?: string;
  failureReason?: FailureReason;
  newModelCid?: string;
}

export type ClientAction = { type: "join"; roundId: bigint } | { type: "train-and-submit"; roundId: bigint; modelCid: string };

const NON_TERMINAL: readonly ClientStage[] = ["awaiting-join", "joined", "training", "submitted"];

export const CLIENT_HANDLER_STAGES = {
  confirmJoin: ["awaiting-join"],
  missJoin: ["awaiting-join"],
  openSubmission: ["joined"],
  confirmSubmission: ["training"],
  closeRound: [...NON_TERMINAL, "left-out"],
} as const satisfies StageTable<string, ClientStage>;
export type ClientHandler = keyof typeof CLIENT_HANDLER_STAGES;

const ROLE = "PlainClient";

export function startClientRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }): ClientRoundState {
  return { roundId: event.roundId.toString(), taskId: event.taskId.toString(), index: Number(event.index), modelCid: event.modelCid, stage: "awaiting-join" };
}

export const clientHandlers = {
  confirmJoin(state: ClientRoundState): ClientRoundState {
    assertStage(ROLE, "confirmJoin", state.stage, CLIENT_HANDLER_STAGES.confirmJoin);
    return { ...state, stage: "joined" };
  },
  /** Joining closed (round full or deadline) without us. */
  missJoin(state: ClientRoundState): ClientRoundState {
    assertStage(ROLE, "missJoin", state.stage, CLIENT_HANDLER_STAGES.missJoin);
    return { ...state, stage: "left-out" };
  },
  openSubmission(state: ClientRoundState): ClientRoundState {
    assertStage(ROLE, "openSubmission", state.stage, CLIENT_HANDLER_STAGES.openSubmission);
    return { ...state, stage: "training" };
  },
  confirmSubmission(state: ClientRoundState, updateCid: string): ClientRoundState {
    assertStage(ROLE, "confirmSubmission", state.stage, CLIENT_HANDLER_STAGES.confirmSubmission);
    return { ...state, stage: "submitted", updateCid };
  },
  closeRound(state: ClientRoundState, outcome: { finalized: true; modelCid: string } | { finalized: false; reason: FailureReason }): ClientRoundState {
    assertStage(ROLE, "closeRound", state.stage, CLIENT_HANDLER_STAGES.closeRound);
    return outcome.finalized
      ? { ...state, stage: "finalized", newModelCid: outcome.modelCid }
      : { ...state, stage: "failed", failureReason: outcome.reason };
  },
} satisfies Record<ClientHandler, (state: ClientRoundState, ...rest: never[]) => ClientRoundState>;

export function clientPendingAction(state: ClientRoundState): ClientAction | undefined {
  switch (state.stage) {
    case "awaiting-join":
      return { type: "join", roundId: BigInt(state.roundId) };
    case "training":
      return { type: "train-and-submit", roundId: BigInt(state.roundId), modelCid: state.modelCid };
    default:
      return undefined;
  }
}

export interface ClientContext {
  /** This client's address, lower-case or checksummed. */
  address: string;
  taskId: bigint;
}

/**
 * Maps a chain event onto the handler it triggers for this client, or returns the state unchanged when the event
 * does not concern it. `rounds` is keyed by round id.
 */
export function routeClientEvent(
  rounds: Readonly<Record<string, ClientRoundState>>,
  event: CoordinatorEvent,
  context: ClientContext,
): ClientRoundState | undefined {
  const self = context.address.toLowerCase();
  if (event.type === "RoundOpened") {
    if (event.taskId !== context.taskId || rounds[event.roundId.toString()]) return undefined;
    return startClientRound(event);
  }
  // Task-level events carry no round.
  if (event.type === "TaskCreated" || event.type === "ServersConfigured") return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  switch (event.type) {
    case "ClientJoined":
      return event.client.toLowerCase() === self && state.stage === "awaiting-join" ? clientHandlers.confirmJoin(state) : undefined;
    case "PhaseChanged":
      if (event.previous !== Phase.Joining || event.current === Phase.Failed) return undefined;
      if (state.stage === "awaiting-join") return clientHandlers.missJoin(state);
      return event.current === Phase.Submission && state.stage === "joined" ? clientHandlers.openSubmission(state) : undefined;
    case "UpdateSubmitted":
      return event.client.toLowerCase() === self && state.stage === "training" ? clientHandlers.confirmSubmission(state, event.cid) : undefined;
    case "RoundFinalized":
      return stageAllows(CLIENT_HANDLER_STAGES.closeRound, state.stage) ? clientHandlers.closeRound(state, { finalized: true, modelCid: event.modelCid }) : undefined;
    case "RoundFailed":
      return stageAllows(CLIENT_HANDLER_STAGES.closeRound, state.stage) ? clientHandlers.closeRound(state, { finalized: false, reason: event.reason }) : undefined;
    default:
      return undefined;
  }
}
