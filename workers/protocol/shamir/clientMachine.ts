// The Shamir-mode client as an explicit state machine, one serializable state per round. Joining and Submission
// are as in plain mode, except that what it submits is a manifest of n encrypted Shamir shares, one per server;
// the submitted set is frozen when Aggregation starts, so a client still training then is out of the round. The
// Joining stage (join confirmed, missed, or the input model refused) is the one MASH clients run too (../joining).
// Once included it runs the Verification stage MASH clients run too (../verification): check the published
// aggregate against T (refuse it, and commit nothing, on a difference), commit to the batch sums of its own quantized update, and claim
// when the outcome pays. Pure: handlers return the next state and `shamirClientPendingAction` names the side
// effect a stage still owes, so a restarted worker redoes it.
import { Phase } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { joiningClientHandlers, type JoiningClientRound } from "../joining/joiningClientHandlers";
import { JOINING_CLIENT_HANDLER_STAGES } from "../joining/joiningClientStageTable";
import { routeJoiningClientEvent } from "../joining/routeJoiningClientEvent";
import { routeVerificationClientEvent } from "../verification/routeVerificationClientEvent";
import { sameAddress } from "../verification/sameAddress";
import { verificationClientHandlers, type VerificationClientRound } from "../verification/verificationClientHandlers";
import { verificationClientPendingAction, type VerificationClientAction } from "../verification/verificationClientPendingAction";
import { verificationClientStageTable } from "../verification/verificationClientStageTable";

export const SHAMIR_CLIENT_STAGES = [
  "awaiting-join",
  "joined",
  "training",
  "submitted",
  // once included: T arrived (check and commitment owed), committed, reward owed
  "verifying",
  "committed",
  "claiming",
  // ends
  "refused",
  "left-out",
  "excluded",
  "finalized",
  "failed",
] as const;
export type ShamirClientStage = (typeof SHAMIR_CLIENT_STAGES)[number];

export interface ShamirClientRoundState extends VerificationClientRound, JoiningClientRound {
  taskId: string;
  index: number;
  modelCid: string;
  stage: ShamirClientStage;
  /** The manifest CID this client submitted. */
  updateCid?: string;
}

export type ShamirClientAction =
  | { type: "join"; roundId: bigint }
  | { type: "train-and-submit"; roundId: bigint; modelCid: string }
  | VerificationClientAction;

export const SHAMIR_CLIENT_HANDLER_STAGES = {
  ...JOINING_CLIENT_HANDLER_STAGES,
  openSubmission: ["joined"],
  confirmSubmission: ["training"],
  closeSubmission: ["training"],
  ...verificationClientStageTable({ stages: SHAMIR_CLIENT_STAGES, included: ["submitted"] }),
} as const satisfies StageTable<string, ShamirClientStage>;
export type ShamirClientHandler = keyof typeof SHAMIR_CLIENT_HANDLER_STAGES;

const ROLE = "ShamirClient";
const check = (handler: ShamirClientHandler, state: ShamirClientRoundState): void =>
  assertStage(ROLE, handler, state.stage, SHAMIR_CLIENT_HANDLER_STAGES[handler]);

export function startShamirClientRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }): ShamirClientRoundState {
  return { roundId: event.roundId.toString(), taskId: event.taskId.toString(), index: Number(event.index), modelCid: event.modelCid, stage: "awaiting-join" };
}

export const shamirClientHandlers = {
  ...joiningClientHandlers<ShamirClientRoundState>({ role: ROLE }),
  openSubmission(state: ShamirClientRoundState): ShamirClientRoundState {
    check("openSubmission", state);
    return { ...state, stage: "training" };
  },
  confirmSubmission(state: ShamirClientRoundState, updateCid: string): ShamirClientRoundState {
    check("confirmSubmission", state);
    return { ...state, stage: "submitted", updateCid };
  },
  /** Aggregation started before this client submitted: the frozen set does not contain it. */
  closeSubmission(state: ShamirClientRoundState): ShamirClientRoundState {
    check("closeSubmission", state);
    return { ...state, stage: "excluded" };
  },
  ...verificationClientHandlers<ShamirClientRoundState>({ role: ROLE, stages: SHAMIR_CLIENT_HANDLER_STAGES }),
} satisfies Record<ShamirClientHandler, (state: ShamirClientRoundState, ...rest: never[]) => ShamirClientRoundState>;

export function shamirClientPendingAction(state: ShamirClientRoundState): ShamirClientAction | undefined {
  const roundId = BigInt(state.roundId);
  switch (state.stage) {
    case "awaiting-join":
      return { type: "join", roundId };
    case "training":
      return { type: "train-and-submit", roundId, modelCid: state.modelCid };
    default:
      return verificationClientPendingAction(state);
  }
}

export interface ShamirClientContext {
  address: string;
  taskId: bigint;
}

/** Maps a chain event to the handler it triggers for this client, or undefined when it does not concern it. */
export function routeShamirClientEvent(
  rounds: Readonly<Record<string, ShamirClientRoundState>>,
  event: CoordinatorEvent,
  context: ShamirClientContext,
): ShamirClientRoundState | undefined {
  const self = context.address;
  if (event.type === "RoundOpened") {
    if (event.taskId !== context.taskId || rounds[event.roundId.toString()]) return undefined;
    return startShamirClientRound(event);
  }
  if (!("roundId" in event)) return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const joining = routeJoiningClientEvent({ state, event, address: self, handlers: shamirClientHandlers });
  if (joining) return joining;
  const can = (handler: ShamirClientHandler): boolean => stageAllows(SHAMIR_CLIENT_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "PhaseChanged":
      if (event.previous === Phase.Joining && event.current === Phase.Submission && can("openSubmission")) return shamirClientHandlers.openSubmission(state);
      if (event.previous === Phase.Submission && event.current === Phase.Aggregation && can("closeSubmission")) return shamirClientHandlers.closeSubmission(state);
      return undefined;
    case "UpdateSubmitted":
      return sameAddress(self, event.client) && can("confirmSubmission") ? shamirClientHandlers.confirmSubmission(state, event.cid) : undefined;
    default:
      return routeVerificationClientEvent({ state, event, address: self, stages: SHAMIR_CLIENT_HANDLER_STAGES, handlers: shamirClientHandlers });
  }
}
