// The MASH aggregator as an explicit state machine, one serializable state per round. It records the grouping,
// the masked submissions and the included groups as the contract announces them; when the round enters
// Aggregation it owes one action: combine exactly the included members' and the holder's masked vectors. Then
// the Verification stage it shares with the Shamir aggregator (../verification) follows, in its MASH form: the
// aggregate opens a challenge window (VerificationStarted → "challenge"), in which it owes nothing; the keeper
// settles the round after the window, and it claims its reward if the round passed.
import { Phase } from "../enums";
import type { CoordinatorEvent } from "../events";
import { assertStage, stageAllows, type StageTable } from "../stage";
import { submissionRecord, type SubmissionRecord } from "../submissionRecord";
import { routeVerificationAggregatorEvent } from "../verification/routeVerificationAggregatorEvent";
import { verificationAggregatorHandlers, type VerificationAggregatorRound } from "../verification/verificationAggregatorHandlers";
import { verificationAggregatorPendingAction, type VerificationAggregatorAction } from "../verification/verificationAggregatorPendingAction";
import { VERIFICATION_AGGREGATOR_HANDLER_STAGES } from "../verification/verificationAggregatorStageTable";

// "batch-sums" and "commitments" are Shamir's; a MASH round goes posted → challenge → claiming / failed.
export const MASH_AGGREGATOR_STAGES = ["collecting", "aggregating", "posted", "batch-sums", "commitments", "challenge", "claiming", "finalized", "failed"] as const;
export type MashAggregatorStage = (typeof MASH_AGGREGATOR_STAGES)[number];

export interface MashAggregatorRoundState extends VerificationAggregatorRound {
  mode: "mash";
  taskId: string;
  index: number;
  modelCid: string;
  stage: MashAggregatorStage;
  holder?: string;
  /** Members of every group, by group index, in chain order. */
  groups: Record<string, string[]>;
  includedGroups?: number[];
  /** Groups whose encrypted seed sum arrived (the others' shuffle stalled). */
  sumPostedGroups?: number[];
  /** Masked submissions by lower-case client address. */
  submissions: Record<string, SubmissionRecord>;
}

export type MashAggregatorAction =
  | {
      type: "aggregate-masked";
      roundId: bigint;
      modelCid: string;
      /** Included members in group order, then the holder: exactly the vectors whose masks cancel. */
      contributors: SubmissionRecord[];
      missing: string[];
    }
  | VerificationAggregatorAction;

export const MASH_AGGREGATOR_HANDLER_STAGES = {
  recordGrouping: ["collecting"],
  recordGroupSum: ["collecting"],
  recordSubmission: ["collecting"],
  recordInclusion: ["collecting"],
  openAggregation: ["collecting"],
  ...VERIFICATION_AGGREGATOR_HANDLER_STAGES,
  // The fraud-proof window: entered at VerificationStarted, left by the verifier's outcome.
  openChallengeWindow: ["posted"],
  settleVerification: ["posted", "challenge"],
} as const satisfies StageTable<string, MashAggregatorStage>;
export type MashAggregatorHandler = keyof typeof MASH_AGGREGATOR_HANDLER_STAGES;

const ROLE = "MashAggregator";
const check = (handler: MashAggregatorHandler, state: MashAggregatorRoundState): void =>
  assertStage(ROLE, handler, state.stage, MASH_AGGREGATOR_HANDLER_STAGES[handler]);

export function startMashAggregatorRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }): MashAggregatorRoundState {
  return {
    mode: "mash",
    roundId: event.roundId.toString(),
    taskId: event.taskId.toString(),
    index: Number(event.index),
    modelCid: event.modelCid,
    stage: "collecting",
    groups: {},
    submissions: {},
  };
}

export const mashAggregatorHandlers = {
  recordGrouping(state: MashAggregatorRoundState, grouping: { holder?: string; groupIndex?: number; members?: string[] }): MashAggregatorRoundState {
    check("recordGrouping", state);
    const groups = grouping.groupIndex === undefined ? state.groups : { ...state.groups, [String(grouping.groupIndex)]: grouping.members ?? [] };
    return { ...state, holder: grouping.holder ?? state.holder, groups };
  },
  recordGroupSum(state: MashAggregatorRoundState, groupIndex: number): MashAggregatorRoundState {
    check("recordGroupSum", state);
    return { ...state, sumPostedGroups: [...(state.sumPostedGroups ?? []), groupIndex] };
  },
  recordSubmission(state: MashAggregatorRoundState, submission: SubmissionRecord): MashAggregatorRoundState {
    check("recordSubmission", state);
    return { ...state, submissions: { ...state.submissions, [submission.client.toLowerCase()]: submission } };
  },
  recordInclusion(state: MashAggregatorRoundState, groupIndices: number[]): MashAggregatorRoundState {
    check("recordInclusion", state);
    return { ...state, includedGroups: groupIndices };
  },
  openAggregation(state: MashAggregatorRoundState): MashAggregatorRoundState {
    check("openAggregation", state);
    return { ...state, stage: "aggregating" };
  },
  ...verificationAggregatorHandlers<MashAggregatorRoundState>({ role: ROLE, stages: MASH_AGGREGATOR_HANDLER_STAGES }),
} satisfies Record<MashAggregatorHandler, (state: MashAggregatorRoundState, ...rest: never[]) => MashAggregatorRoundState>;

/** The clients whose masked vectors form the aggregate: included groups' members, then the holder. */
export function mashContributors(state: MashAggregatorRoundState): string[] {
  const members = (state.includedGroups ?? []).flatMap((index) => state.groups[String(index)] ?? []);
  return state.holder ? [...members, state.holder] : members;
}

export function mashAggregatorPendingAction(state: MashAggregatorRoundState): MashAggregatorAction | undefined {
  if (state.stage !== "aggregating") return verificationAggregatorPendingAction(state);
  const addresses = mashContributors(state);
  const contributors = addresses.flatMap((a) => (state.submissions[a.toLowerCase()] ? [state.submissions[a.toLowerCase()]!] : []));
  const missing = addresses.filter((a) => !state.submissions[a.toLowerCase()]);
  return { type: "aggregate-masked", roundId: BigInt(state.roundId), modelCid: state.modelCid, contributors, missing };
}

export function routeMashAggregatorEvent(
  rounds: Readonly<Record<string, MashAggregatorRoundState>>,
  event: CoordinatorEvent,
  isServedMashTask: (taskId: string) => boolean,
  /** This aggregator's account, to recognise its own RewardClaimed. */
  aggregatorAddress?: string,
): MashAggregatorRoundState | undefined {
  if (event.type === "RoundOpened") {
    if (!isServedMashTask(event.taskId.toString()) || rounds[event.roundId.toString()]) return undefined;
    return startMashAggregatorRound(event);
  }
  // Task-level events carry no round.
  if (event.type === "TaskCreated" || event.type === "ServersConfigured") return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const can = (handler: MashAggregatorHandler): boolean => stageAllows(MASH_AGGREGATOR_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "GroupsFormed":
      return can("recordGrouping") ? mashAggregatorHandlers.recordGrouping(state, { holder: event.holder }) : undefined;
    case "GroupFormed":
      return can("recordGrouping") ? mashAggregatorHandlers.recordGrouping(state, { groupIndex: Number(event.groupIndex), members: [...event.members] }) : undefined;
    case "GroupSumPosted":
      return can("recordGroupSum") ? mashAggregatorHandlers.recordGroupSum(state, Number(event.groupIndex)) : undefined;
    case "UpdateSubmitted":
      return can("recordSubmission") ? mashAggregatorHandlers.recordSubmission(state, submissionRecord(event)) : undefined;
    case "GroupsIncluded":
      return can("recordInclusion") ? mashAggregatorHandlers.recordInclusion(state, event.groupIndices.map(Number)) : undefined;
    case "PhaseChanged":
      return event.current === Phase.Aggregation && can("openAggregation") ? mashAggregatorHandlers.openAggregation(state) : undefined;
    case "VerificationStarted":
      // A MASH aggregate is verified by fraud proofs: no T, no commitments, only the window.
      return can("openChallengeWindow")
        ? mashAggregatorHandlers.openChallengeWindow(state, { aggregateBlock: Number(event.aggregateBlock), includedCount: Number(event.includedCount), deadline: Number(event.deadline) })
        : undefined;
    default:
      return routeVerificationAggregatorEvent({ state, event, address: aggregatorAddress, handlers: mashAggregatorHandlers, stages: MASH_AGGREGATOR_HANDLER_STAGES });
  }
}
