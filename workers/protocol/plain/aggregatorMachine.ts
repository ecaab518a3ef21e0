// The plain-mode aggregator as an explicit state machine, one serializable state per round of the tasks it
// serves. It collects the submissions announced on-chain, and once the round enters Aggregation it owes one
// action: fetch, check, average and post. Pure; the role in workers/roles performs the action.
import { FailureReason, Phase } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { submissionRecord, type SubmissionRecord } from "../submissionRecord";

export const AGGREGATOR_STAGES = ["collecting", "aggregating", "posted", "finalized", "failed"] as const;
export type AggregatorStage = (typeof AGGREGATOR_STAGES)[number];

export interface AggregatorRoundState {
  roundId: string;
  taskId: string;
  index: number;
  modelCid: string;
  stage: AggregatorStage;
  submissions: SubmissionRecord[];
  aggregateCid?: string;
  newModelCid?: string;
  failureReason?: FailureReason;
}

export type AggregatorAction = { type: "aggregate"; roundId: bigint; modelCid: string; submissions: readonly SubmissionRecord[] };

export const AGGREGATOR_HANDLER_STAGES = {
  recordSubmission: ["collecting"],
  openAggregation: ["collecting"],
  confirmAggregate: ["aggregating"],
  closeRound: ["collecting", "aggregating", "posted"],
} as const satisfies StageTable<string, AggregatorStage>;
export type AggregatorHandler = keyof typeof AGGREGATOR_HANDLER_STAGES;

const ROLE = "PlainAggregator";

export function startAggregatorRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }): AggregatorRoundState {
  return {
    roundId: event.roundId.toString(),
    taskId: event.taskId.toString(),
    index: Number(event.index),
    modelCid: event.modelCid,
    stage: "collecting",
    submissions: [],
  };
}

export const aggregatorHandlers = {
  recordSubmission(state: AggregatorRoundState, submission: SubmissionRecord): AggregatorRoundState {
    assertStage(ROLE, "recordSubmission", state.stage, AGGREGATOR_HANDLER_STAGES.recordSubmission);
    if (state.submissions.some((s) => s.client.toLowerCase() === submission.client.toLowerCase())) return state;
    return { ...state, submissions: [...state.submissions, submission] };
  },
  openAggregation(state: AggregatorRoundState): AggregatorRoundState {
    assertStage(ROLE, "openAggregation", state.stage, AGGREGATOR_HANDLER_STAGES.openAggregation);
    return { ...state, stage: "aggregating" };
  },
  confirmAggregate(state: AggregatorRoundState, posted: { aggregateCid: string; modelCid: string }): AggregatorRoundState {
    assertStage(ROLE, "confirmAggregate", state.stage, AGGREGATOR_HANDLER_STAGES.confirmAggregate);
    return { ...state, stage: "posted", aggregateCid: posted.aggregateCid, newModelCid: posted.modelCid };
  },
  closeRound(state: AggregatorRoundState, outcome: { finalized: true } | { finalized: false; reason: FailureReason }): AggregatorRoundState {
    assertStage(ROLE, "closeRound", state.stage, AGGREGATOR_HANDLER_STAGES.closeRound);
    return outcome.finalized ? { ...state, stage: "finalized" } : { ...state, stage: "failed", failureReason: outcome.reason };
  },
} satisfies Record<AggregatorHandler, (state: AggregatorRoundState, ...rest: never[]) => AggregatorRoundState>;

export function aggregatorPendingAction(state: AggregatorRoundState): AggregatorAction | undefined {
  return state.stage === "aggregating"
    ? { type: "aggregate", roundId: BigInt(state.roundId), modelCid: state.modelCid, submissions: state.submissions }
    : undefined;
}

/** Maps a chain event to the aggregator's handler for the tasks it serves (`taskIds`), or undefined if irrelevant. */
export function routeAggregatorEvent(
  rounds: Readonly<Record<string, AggregatorRoundState>>,
  event: CoordinatorEvent,
  taskIds: ReadonlySet<string>,
): AggregatorRoundState | undefined {
  if (event.type === "RoundOpened") {
    if (!taskIds.has(event.taskId.toString()) || rounds[event.roundId.toString()]) return undefined;
    return startAggregatorRound(event);
  }
  // Task-level events carry no round.
  if (event.type === "TaskCreated" || event.type === "ServersConfigured") return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  switch (event.type) {
    case "UpdateSubmitted":
      return state.stage === "collecting" ? aggregatorHandlers.recordSubmission(state, submissionRecord(event)) : undefined;
    case "PhaseChanged":
      return event.current === Phase.Aggregation && state.stage === "collecting" ? aggregatorHandlers.openAggregation(state) : undefined;
    case "AggregatePosted":
      return state.stage === "aggregating" ? aggregatorHandlers.confirmAggregate(state, { aggregateCid: event.aggregateCid, modelCid: event.modelCid }) : undefined;
    case "RoundFinalized":
      return stageAllows(AGGREGATOR_HANDLER_STAGES.closeRound, state.stage) ? aggregatorHandlers.closeRound(state, { finalized: true }) : undefined;
    case "RoundFailed":
      return stageAllows(AGGREGATOR_HANDLER_STAGES.closeRound, state.stage) ? aggregatorHandlers.closeRound(state, { finalized: false, reason: event.reason }) : undefined;
    default:
      return undefined;
  }
}
