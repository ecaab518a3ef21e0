// The Shamir server as an explicit state machine, one serializable state per round of the tasks that list it
// among their servers. It records the submissions the coordinator announces; when the round enters Aggregation
// the submitted set is frozen and the server owes one action: decrypt its own share from every submitted
// client's manifest, add them mod p and post the share-sum. A share it cannot use (addressed to another server,
// tampered) makes it withhold its share-sum: the sum must cover the whole frozen set, so posting without that
// client would make the reconstructed aggregate wrong. Pure; workers/roles/runServer performs the action.
import { FailureReason, Phase } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { submissionRecord, type SubmissionRecord } from "../submissionRecord";

export const SHAMIR_SERVER_STAGES = ["collecting", "summing", "posted", "withheld", "finalized", "failed"] as const;
export type ShamirServerStage = (typeof SHAMIR_SERVER_STAGES)[number];

export interface ShamirServerRoundState {
  roundId: string;
  taskId: string;
  index: number;
  stage: ShamirServerStage;
  /** Submitted manifests by lower-case client address, in the order they were announced. */
  submissions: Record<string, SubmissionRecord>;
  shareSumCid?: string;
  /** Why the server withheld its share-sum: the client whose share was unusable and the error's name. */
  withheld?: { client: string; error: string };
  failureReason?: FailureReason;
}

export type ShamirServerAction = { type: "post-share-sum"; roundId: bigint; taskId: bigint; submissions: SubmissionRecord[] };

export const SHAMIR_SERVER_HANDLER_STAGES = {
  recordSubmission: ["collecting"],
  openAggregation: ["collecting"],
  confirmShareSum: ["summing"],
  withhold: ["summing"],
  closeRound: ["collecting", "summing", "posted", "withheld"],
} as const satisfies StageTable<string, ShamirServerStage>;
export type ShamirServerHandler = keyof typeof SHAMIR_SERVER_HANDLER_STAGES;

const ROLE = "ShamirServer";
const check = (handler: ShamirServerHandler, state: ShamirServerRoundState): void =>
  assertStage(ROLE, handler, state.stage, SHAMIR_SERVER_HANDLER_STAGES[handler]);

export function startShamirServerRound(event: { taskId: bigint; roundId: bigint; index: bigint }): ShamirServerRoundState {
  return { roundId: event.roundId.toString(), taskId: event.taskId.toString(), index: Number(event.index), stage: "collecting", submissions: {} };
}

export const shamirServerHandlers = {
  recordSubmission(state: ShamirServerRoundState, submission: SubmissionRecord): ShamirServerRoundState {
    check("recordSubmission", state);
    return { ...state, submissions: { ...state.submissions, [submission.client.toLowerCase()]: submission } };
  },
  /** Submission closed: the set to sum is now fixed. */
  openAggregation(state: ShamirServerRoundState): ShamirServerRoundState {
    check("openAggregation", state);
    return { ...state, stage: "summing" };
  },
  confirmShareSum(state: ShamirServerRoundState, cid: string): ShamirServerRoundState {
    check("confirmShareSum", state);
    return { ...state, stage: "posted", shareSumCid: cid };
  },
  withhold(state: ShamirServerRoundState, reason: { client: string; error: string }): ShamirServerRoundState {
    check("withhold", state);
    return { ...state, stage: "withheld", withheld: reason };
  },
  closeRound(state: ShamirServerRoundState, outcome: { finalized: true } | { finalized: false; reason: FailureReason }): ShamirServerRoundState {
    check("closeRound", state);
    return outcome.finalized ? { ...state, stage: "finalized" } : { ...state, stage: "failed", failureReason: outcome.reason };
  },
} satisfies Record<ShamirServerHandler, (state: ShamirServerRoundState, ...rest: never[]) => ShamirServerRoundState>;

export function shamirServerPendingAction(state: ShamirServerRoundState): ShamirServerAction | undefined {
  if (state.stage !== "summing") return undefined;
  return { type: "post-share-sum", roundId: BigInt(state.roundId), taskId: BigInt(state.taskId), submissions: Object.values(state.submissions) };
}

export interface ShamirServerContext {
  /** This server's account. */
  address: string;
  /** Whether this server is one of the task's servers (learned from ServersConfigured). */
  servesTask: (taskId: string) => boolean;
}

/** Maps a chain event to the server's handler, or undefined when it does not concern this server. */
export function routeShamirServerEvent(
  rounds: Readonly<Record<string, ShamirServerRoundState>>,
  event: CoordinatorEvent,
  context: ShamirServerContext,
): ShamirServerRoundState | undefined {
  if (event.type === "RoundOpened") {
    if (!context.servesTask(event.taskId.toString()) || rounds[event.roundId.toString()]) return undefined;
    return startShamirServerRound(event);
  }
  if (!("roundId" in event)) return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const can = (handler: ShamirServerHandler): boolean => stageAllows(SHAMIR_SERVER_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "UpdateSubmitted":
      return can("recordSubmission") ? shamirServerHandlers.recordSubmission(state, submissionRecord(event)) : undefined;
    case "PhaseChanged":
      return event.current === Phase.Aggregation && can("openAggregation") ? shamirServerHandlers.openAggregation(state) : undefined;
    case "ShareSumPosted":
      return event.server.toLowerCase() === context.address.toLowerCase() && can("confirmShareSum") ? shamirServerHandlers.confirmShareSum(state, event.cid) : undefined;
    case "RoundFinalized":
      return can("closeRound") ? shamirServerHandlers.closeRound(state, { finalized: true }) : undefined;
    case "RoundFailed":
      return can("closeRound") ? shamirServerHandlers.closeRound(state, { finalized: false, reason: event.reason }) : undefined;
    default:
      return undefined;
  }
}
