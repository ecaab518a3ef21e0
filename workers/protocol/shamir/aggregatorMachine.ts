// The Shamir-mode aggregator as an explicit state machine, one serializable state per round. It records the
// submissions (the set the contract freezes when Aggregation opens) and the servers' share-sums as they are
// posted; in Aggregation it owes one action: wait for the share-sums (all n, or at least t after a grace period),
// reconstruct Σq and post the aggregate. Verification then runs exactly as in MASH rounds (the shared stage in
// ../verification): T under the aggregate's block, the settlement once every included client committed, its
// reward if the round passed. Pure.
import { Phase } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { submissionRecord, type SubmissionRecord } from "../submissionRecord";
import { routeVerificationAggregatorEvent } from "../verification/routeVerificationAggregatorEvent";
import { verificationAggregatorHandlers, type VerificationAggregatorRound } from "../verification/verificationAggregatorHandlers";
import { verificationAggregatorPendingAction, type VerificationAggregatorAction } from "../verification/verificationAggregatorPendingAction";
import { VERIFICATION_AGGREGATOR_HANDLER_STAGES } from "../verification/verificationAggregatorStageTable";

export const SHAMIR_AGGREGATOR_STAGES = ["collecting", "aggregating", "posted", "batch-sums", "commitments", "claiming", "finalized", "failed"] as const;
export type ShamirAggregatorStage = (typeof SHAMIR_AGGREGATOR_STAGES)[number];

export interface ShareSumRecord {
  server: string;
  /** 0-based position in the task's server list; the share's x is serverIndex + 1. */
  serverIndex: number;
  cid: string;
  contentHash: string;
}

export interface ShamirAggregatorRoundState extends VerificationAggregatorRound {
  mode: "shamir";
  taskId: string;
  index: number;
  modelCid: string;
  stage: ShamirAggregatorStage;
  /** Submitted manifests by lower-case client address. */
  submissions: Record<string, SubmissionRecord>;
  /** Posted share-sums by lower-case server address. */
  shareSums: Record<string, ShareSumRecord>;
  /** When Aggregation closes (unix seconds), from the PhaseChanged that opened it. */
  aggregationDeadline?: number;
}

export type ShamirAggregatorAction =
  | {
      type: "reconstruct";
      roundId: bigint;
      taskId: bigint;
      modelCid: string;
      /** The frozen set, in the order the contract announced it. */
      submissions: SubmissionRecord[];
      /** Share-sums seen so far, by server index (the performer re-reads the chain while it waits). */
      shareSums: ShareSumRecord[];
      aggregationDeadline?: number;
    }
  | VerificationAggregatorAction;

export const SHAMIR_AGGREGATOR_HANDLER_STAGES = {
  recordSubmission: ["collecting"],
  openAggregation: ["collecting"],
  recordShareSum: ["collecting", "aggregating"],
  ...VERIFICATION_AGGREGATOR_HANDLER_STAGES,
} as const satisfies StageTable<string, ShamirAggregatorStage>;
export type ShamirAggregatorHandler = keyof typeof SHAMIR_AGGREGATOR_HANDLER_STAGES;

const ROLE = "ShamirAggregator";
const check = (handler: ShamirAggregatorHandler, state: ShamirAggregatorRoundState): void =>
  assertStage(ROLE, handler, state.stage, SHAMIR_AGGREGATOR_HANDLER_STAGES[handler]);

export function startShamirAggregatorRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }): ShamirAggregatorRoundState {
  return {
    mode: "shamir",
    roundId: event.roundId.toString(),
    taskId: event.taskId.toString(),
    index: Number(event.index),
    modelCid: event.modelCid,
    stage: "collecting",
    submissions: {},
    shareSums: {},
  };
}

export const shamirAggregatorHandlers = {
  recordSubmission(state: ShamirAggregatorRoundState, submission: SubmissionRecord): ShamirAggregatorRoundState {
    check("recordSubmission", state);
    return { ...state, submissions: { ...state.submissions, [submission.client.toLowerCase()]: submission } };
  },
  openAggregation(state: ShamirAggregatorRoundState, deadline: number): ShamirAggregatorRoundState {
    check("openAggregation", state);
    return { ...state, stage: "aggregating", aggregationDeadline: deadline };
  },
  recordShareSum(state: ShamirAggregatorRoundState, shareSum: ShareSumRecord): ShamirAggregatorRoundState {
    check("recordShareSum", state);
    return { ...state, shareSums: { ...state.shareSums, [shareSum.server.toLowerCase()]: shareSum } };
  },
  ...verificationAggregatorHandlers<ShamirAggregatorRoundState>({ role: ROLE }),
} satisfies Record<ShamirAggregatorHandler, (state: ShamirAggregatorRoundState, ...rest: never[]) => ShamirAggregatorRoundState>;

export function shamirAggregatorPendingAction(state: ShamirAggregatorRoundState): ShamirAggregatorAction | undefined {
  switch (state.stage) {
    case "aggregating":
      return {
        type: "reconstruct",
        roundId: BigInt(state.roundId),
        taskId: BigInt(state.taskId),
        modelCid: state.modelCid,
        submissions: Object.values(state.submissions),
        shareSums: Object.values(state.shareSums).sort((a, b) => a.serverIndex - b.serverIndex),
        ...(state.aggregationDeadline === undefined ? {} : { aggregationDeadline: state.aggregationDeadline }),
      };
    default:
      return verificationAggregatorPendingAction(state);
  }
}

export function routeShamirAggregatorEvent(
  rounds: Readonly<Record<string, ShamirAggregatorRoundState>>,
  event: CoordinatorEvent,
  isServedShamirTask: (taskId: string) => boolean,
  /** This aggregator's account, to recognise its own RewardClaimed. */
  aggregatorAddress?: string,
): ShamirAggregatorRoundState | undefined {
  if (event.type === "RoundOpened") {
    if (!isServedShamirTask(event.taskId.toString()) || rounds[event.roundId.toString()]) return undefined;
    return startShamirAggregatorRound(event);
  }
  if (!("roundId" in event)) return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const can = (handler: ShamirAggregatorHandler): boolean => stageAllows(SHAMIR_AGGREGATOR_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "UpdateSubmitted":
      return can("recordSubmission") ? shamirAggregatorHandlers.recordSubmission(state, submissionRecord(event)) : undefined;
    case "PhaseChanged":
      return event.current === Phase.Aggregation && can("openAggregation") ? shamirAggregatorHandlers.openAggregation(state, Number(event.deadline)) : undefined;
    case "ShareSumPosted":
      return can("recordShareSum")
        ? shamirAggregatorHandlers.recordShareSum(state, { server: event.server, serverIndex: Number(event.serverIndex), cid: event.cid, contentHash: event.contentHash })
        : undefined;
    default:
      return routeVerificationAggregatorEvent({ state, event, address: aggregatorAddress, handlers: shamirAggregatorHandlers });
  }
}
