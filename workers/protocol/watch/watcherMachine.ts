// The standalone MASH watcher (`fedmash watch --task T`) as an explicit state machine, one serializable state per
// round of its task: it waits for the round's challenge window, owes one watch (recompute the sum, challenge a
// wrong leaf) while the window is open, then a claim when its own challenge proved fraud (its bond back and half the
// slash). Pure: handlers return the next state and `watcherPendingAction` names the side effect still owed.
import { VerificationOutcome } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { sameAddress } from "../verification/sameAddress";

export const WATCHER_STAGES = ["waiting", "watching", "watched", "claiming", "finalized", "failed"] as const;
export type WatcherStage = (typeof WATCHER_STAGES)[number];

export interface WatcherRoundState {
  roundId: string;
  taskId: string;
  index: number;
  stage: WatcherStage;
  /** The end of the challenge window (unix seconds). */
  challengeDeadline?: number;
  /** What the watch found: "verified", "challenged", "disputed" (an aggregate dispute was played), "wrong" or "unverifiable". */
  result?: string;
  /** This watcher's own challenge proved fraud: it is owed its bond back and half the slash. */
  provedFraud?: boolean;
  outcome?: VerificationOutcome;
}

export type WatcherAction = { type: "watch"; roundId: bigint } | { type: "claim"; roundId: bigint };

export const WATCHER_HANDLER_STAGES = {
  openWindow: ["waiting"],
  recordWatch: ["watching"],
  recordOwnFraudProof: ["waiting", "watching", "watched"],
  settle: ["waiting", "watching", "watched"],
  confirmClaim: ["claiming"],
} as const satisfies StageTable<string, WatcherStage>;
export type WatcherHandler = keyof typeof WATCHER_HANDLER_STAGES;

const ROLE = "MashWatcher";
const check = (handler: WatcherHandler, state: WatcherRoundState): void => assertStage(ROLE, handler, state.stage, WATCHER_HANDLER_STAGES[handler]);

export const watcherHandlers = {
  openWindow(state: WatcherRoundState, deadline: number): WatcherRoundState {
    check("openWindow", state);
    return { ...state, challengeDeadline: deadline, stage: "watching" };
  },
  recordWatch(state: WatcherRoundState, result: string): WatcherRoundState {
    check("recordWatch", state);
    return { ...state, result, stage: "watched" };
  },
  recordOwnFraudProof(state: WatcherRoundState): WatcherRoundState {
    check("recordOwnFraudProof", state);
    return { ...state, provedFraud: true, result: state.result ?? "challenged", stage: state.stage === "watching" ? "watched" : state.stage };
  },
  /**
   * The verifier settled: a watcher that proved the fraud claims its reward, and one whose dispute was still open when
   * someone proved it claims its dispute bond back; every other round ends here.
   */
  settle(state: WatcherRoundState, outcome: VerificationOutcome): WatcherRoundState {
    check("settle", state);
    if (outcome === VerificationOutcome.FraudProven && (state.provedFraud || state.result === "disputed")) return { ...state, outcome, stage: "claiming" };
    return { ...state, outcome, stage: outcome === VerificationOutcome.Passed ? "finalized" : "failed" };
  },
  confirmClaim(state: WatcherRoundState): WatcherRoundState {
    check("confirmClaim", state);
    return { ...state, stage: "failed" };
  },
} satisfies Record<WatcherHandler, (state: WatcherRoundState, ...rest: never[]) => WatcherRoundState>;

export function watcherPendingAction(state: WatcherRoundState): WatcherAction | undefined {
  const roundId = BigInt(state.roundId);
  if (state.stage === "watching") return { type: "watch", roundId };
  if (state.stage === "claiming") return { type: "claim", roundId };
  return undefined;
}

/** Maps a chain event to the watcher's handler for the round it concerns, or undefined. */
export function routeWatcherEvent(
  rounds: Readonly<Record<string, WatcherRoundState>>,
  event: CoordinatorEvent,
  context: { taskId: bigint; address: string },
): WatcherRoundState | undefined {
  if (event.type === "RoundOpened") {
    if (event.taskId !== context.taskId || rounds[event.roundId.toString()]) return undefined;
    return { roundId: event.roundId.toString(), taskId: event.taskId.toString(), index: Number(event.index), stage: "waiting" };
  }
  if (event.type === "TaskCreated" || event.type === "ServersConfigured") return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const can = (handler: WatcherHandler): boolean => stageAllows(WATCHER_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "ChallengeWindowOpened":
      return can("openWindow") ? watcherHandlers.openWindow(state, Number(event.deadline)) : undefined;
    case "AggregateFraudProven":
      return sameAddress(context.address, event.challenger) && can("recordOwnFraudProof") ? watcherHandlers.recordOwnFraudProof(state) : undefined;
    case "DisputeOpened":
      // This watcher's own dispute: its bond is claimed back if someone else proves the fraud first.
      return sameAddress(context.address, event.challenger) && state.result !== "disputed" ? { ...state, result: "disputed" } : undefined;
    case "VerificationSettled":
      return event.outcome !== VerificationOutcome.None && can("settle") ? watcherHandlers.settle(state, event.outcome) : undefined;
    case "RoundFailed":
      // A round that failed before its aggregate (no verification ran) has nothing to watch.
      return state.stage === "waiting" ? { ...state, stage: "failed" } : undefined;
    default:
      return undefined;
  }
}
