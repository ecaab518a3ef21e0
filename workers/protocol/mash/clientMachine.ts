// The MASH participant as an explicit state machine, one serializable state per round. It joins through the
// Joining stage it shares with Shamir clients (../joining). After joining, the contract makes each participant
// either the round's total-sum holder or a member of one group; both paths live here because a client only
// learns its role at grouping. Once its update is in the aggregate, both paths meet again in Verification, which
// in MASH is a fraud-proof window: when it opens the client watches the round (recompute the sum from the included
// vectors, challenge the first wrong leaf), then settles the round once the window closed, and claims what the
// outcome pays it (a passed round's reward, or its share of a proven fraud's slash). The end of a round (claim,
// closeRound) is shared with Shamir clients (../verification). Pure: handlers return the next state and
// `mashClientPendingAction` names the side effect a stage still owes, so a restarted worker redoes it.
import { FailureReason, Phase, VerificationOutcome } from "../enums";
import { isSettledOutcome, verificationOutcomeFailure, type SettledOutcome } from "../verificationOutcomeFailure";
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

export const MASH_CLIENT_STAGES = [
  "awaiting-join",
  "joined",
  // member path
  "awaiting-key",
  "shuffling",
  "shuffled",
  "training",
  "submitted",
  // holder path
  "holder-keying",
  "holder-waiting",
  "holder-completing",
  "holder-submitted",
  // both paths, once included: the challenge window is open (watch, then settle after it, owed), this client
  // challenged the aggregate, reward owed ("committed" is Shamir's, kept for the shared table)
  "verifying",
  "challenged",
  "committed",
  "claiming",
  // ends
  "refused",
  "left-out",
  "excluded",
  "finalized",
  "failed",
] as const;
export type MashClientStage = (typeof MASH_CLIENT_STAGES)[number];

export interface MashGroupInfo {
  index: number;
  position: number;
  members: string[];
}

export interface MashClientRoundState extends VerificationClientRound, JoiningClientRound {
  taskId: string;
  index: number;
  modelCid: string;
  stage: MashClientStage;
  /**
   * This client's mask seed for the round, as its mask group encodes it (MaskGroup.encodeSeed). Drawn when the
   * round opens and persisted before any use.
   */
  seed: string;
  holder?: string;
  group?: MashGroupInfo;
  /** The holder's Paillier public key bytes (hex), as posted on-chain. */
  holderKey?: string;
  /** The shuffle message of the member before this one (hex). */
  incoming?: string;
  /** Members: whether the own group's encrypted sum arrived. */
  ownGroupSumPosted?: boolean;
  /** Holder: every group's encrypted sum (hex) by group index. */
  groupSums?: Record<string, string>;
  includedGroups?: number[];
  updateCid?: string;
  /** Verification: the end of the challenge window (unix seconds). */
  challengeDeadline?: number;
  /** Verification: what this client's watcher found; set once the watch is done. */
  watchResult?: MashWatchResult;
}

/** What a watch of the round found: the sum right, wrong and challenged, wrong but not provable here, or not checkable. */
export type MashWatchResult = "verified" | "challenged" | "wrong" | "unverifiable";

export type MashClientAction =
  | { type: "join"; roundId: bigint }
  | { type: "post-holder-key"; roundId: bigint }
  | { type: "shuffle-step"; roundId: bigint; group: MashGroupInfo; holderKey: string; incoming?: string; seed: string }
  | { type: "train-and-submit"; roundId: bigint; modelCid: string; seed: string }
  | { type: "holder-submit"; roundId: bigint; modelCid: string; groupSums: { groupIndex: number; encryptedSum: string }[] }
  /** The challenge window is open: recompute the sum, challenge a wrong leaf. */
  | { type: "watch"; roundId: bigint; deadline: number }
  /** Watched: settle the round once the window closed (unless someone else does first). */
  | { type: "settle-when-due"; roundId: bigint; deadline: number }
  | VerificationClientAction;

const MEMBER_BEFORE_SUBMISSION: readonly MashClientStage[] = ["awaiting-key", "shuffling", "shuffled"];
const INCLUDED: readonly MashClientStage[] = ["submitted", "holder-submitted"];

export const MASH_CLIENT_HANDLER_STAGES = {
  ...JOINING_CLIENT_HANDLER_STAGES,
  recordHolder: ["joined"],
  becomeHolder: ["joined"],
  joinGroup: ["joined"],
  confirmHolderKey: ["holder-keying"],
  receiveHolderKey: ["awaiting-key"],
  receiveShuffleMessage: ["awaiting-key", "shuffling"],
  confirmShuffleStep: ["shuffling"],
  recordOwnGroupSum: MEMBER_BEFORE_SUBMISSION,
  recordGroupSum: ["holder-keying", "holder-waiting"],
  openSubmission: MEMBER_BEFORE_SUBMISSION,
  confirmSubmission: ["training"],
  includeGroups: ["training", "submitted", "holder-waiting"],
  confirmHolderSubmission: ["holder-completing"],
  ...verificationClientStageTable({ stages: MASH_CLIENT_STAGES, included: INCLUDED }),
  openChallengeWindow: INCLUDED,
  recordWatch: ["verifying", "challenged"],
  recordOwnChallenge: ["verifying", "challenged"],
  settleChallengeWindow: [...INCLUDED, "verifying", "challenged"],
} as const satisfies StageTable<string, MashClientStage>;
export type MashClientHandler = keyof typeof MASH_CLIENT_HANDLER_STAGES;

const ROLE = "MashClient";
const check = (handler: MashClientHandler, state: MashClientRoundState): void =>
  assertStage(ROLE, handler, state.stage, MASH_CLIENT_HANDLER_STAGES[handler]);

export function startMashClientRound(event: { taskId: bigint; roundId: bigint; index: bigint; modelCid: string }, seed: string): MashClientRoundState {
  return {
    roundId: event.roundId.toString(),
    taskId: event.taskId.toString(),
    index: Number(event.index),
    modelCid: event.modelCid,
    stage: "awaiting-join",
    seed,
  };
}

export const mashClientHandlers = {
  ...joiningClientHandlers<MashClientRoundState>({ role: ROLE }),
  recordHolder(state: MashClientRoundState, holder: string): MashClientRoundState {
    check("recordHolder", state);
    return { ...state, holder };
  },
  becomeHolder(state: MashClientRoundState, holder: string): MashClientRoundState {
    check("becomeHolder", state);
    return { ...state, holder, stage: "holder-keying", groupSums: {} };
  },
  joinGroup(state: MashClientRoundState, group: MashGroupInfo): MashClientRoundState {
    check("joinGroup", state);
    return { ...state, group, stage: "awaiting-key" };
  },
  confirmHolderKey(state: MashClientRoundState, holderKey: string): MashClientRoundState {
    check("confirmHolderKey", state);
    return { ...state, holderKey, stage: "holder-waiting" };
  },
  receiveHolderKey(state: MashClientRoundState, holderKey: string): MashClientRoundState {
    check("receiveHolderKey", state);
    return { ...state, holderKey, stage: "shuffling" };
  },
  /** The predecessor's message can arrive in the same block as the holder key, so before it too. */
  receiveShuffleMessage(state: MashClientRoundState, message: string): MashClientRoundState {
    check("receiveShuffleMessage", state);
    return { ...state, incoming: message };
  },
  confirmShuffleStep(state: MashClientRoundState): MashClientRoundState {
    check("confirmShuffleStep", state);
    return { ...state, stage: "shuffled" };
  },
  recordOwnGroupSum(state: MashClientRoundState): MashClientRoundState {
    check("recordOwnGroupSum", state);
    return { ...state, ownGroupSumPosted: true };
  },
  recordGroupSum(state: MashClientRoundState, groupIndex: number, encryptedSum: string): MashClientRoundState {
    check("recordGroupSum", state);
    return { ...state, groupSums: { ...state.groupSums, [String(groupIndex)]: encryptedSum } };
  },
  /** Submission opened: members whose group has its sum train; the others' group is out of this round. */
  openSubmission(state: MashClientRoundState): MashClientRoundState {
    check("openSubmission", state);
    return { ...state, stage: state.ownGroupSumPosted ? "training" : "excluded" };
  },
  confirmSubmission(state: MashClientRoundState, updateCid: string): MashClientRoundState {
    check("confirmSubmission", state);
    return { ...state, stage: "submitted", updateCid };
  },
  includeGroups(state: MashClientRoundState, groupIndices: number[]): MashClientRoundState {
    check("includeGroups", state);
    if (state.stage === "holder-waiting") return { ...state, includedGroups: groupIndices, stage: "holder-completing" };
    const included = state.stage === "submitted" && state.group !== undefined && groupIndices.includes(state.group.index);
    return { ...state, includedGroups: groupIndices, stage: included ? "submitted" : "excluded" };
  },
  confirmHolderSubmission(state: MashClientRoundState, updateCid: string): MashClientRoundState {
    check("confirmHolderSubmission", state);
    return { ...state, stage: "holder-submitted", updateCid };
  },
  ...verificationClientHandlers<MashClientRoundState>({ role: ROLE, stages: MASH_CLIENT_HANDLER_STAGES }),
  /** The aggregate is posted and may be challenged until `deadline`: this included client owes a watch. */
  openChallengeWindow(state: MashClientRoundState, opened: { aggregateHash: string; deadline: number }): MashClientRoundState {
    check("openChallengeWindow", state);
    return { ...state, aggregateHash: opened.aggregateHash, challengeDeadline: opened.deadline, stage: "verifying" };
  },
  recordWatch(state: MashClientRoundState, result: MashWatchResult): MashClientRoundState {
    check("recordWatch", state);
    return { ...state, watchResult: result, stage: result === "challenged" || state.stage === "challenged" ? "challenged" : "verifying" };
  },
  /** This client's own challenge is on-chain (its event). */
  recordOwnChallenge(state: MashClientRoundState): MashClientRoundState {
    check("recordOwnChallenge", state);
    // Its watch is done (it sent the challenge), even if the watch's own result is dropped as stale.
    return { ...state, watchResult: state.watchResult ?? "challenged", stage: "challenged" };
  },
  /**
   * The verifier settled: a passed round pays every included account its reward, a proven fraud its share of the
   * slash (and the challenger its reward), so both go to "claiming" (the claim sends nothing when nothing is owed);
   * any other outcome ends the round.
   */
  settleChallengeWindow(state: MashClientRoundState, outcome: SettledOutcome): MashClientRoundState {
    check("settleChallengeWindow", state);
    const failureReason = verificationOutcomeFailure(outcome);
    const settled = { ...state, outcome, ...(failureReason === FailureReason.None ? {} : { failureReason }) };
    if (outcome === VerificationOutcome.Passed || outcome === VerificationOutcome.FraudProven) return { ...settled, stage: "claiming" };
    return { ...settled, stage: failureReason === FailureReason.None ? "finalized" : "failed" };
  },
} satisfies Record<MashClientHandler, (state: MashClientRoundState, ...rest: never[]) => MashClientRoundState>;

export function mashClientPendingAction(state: MashClientRoundState): MashClientAction | undefined {
  const roundId = BigInt(state.roundId);
  switch (state.stage) {
    case "awaiting-join":
      return { type: "join", roundId };
    case "holder-keying":
      return { type: "post-holder-key", roundId };
    case "shuffling":
      if (!state.group || !state.holderKey) return undefined;
      if (state.group.position > 0 && state.incoming === undefined) return undefined;
      return { type: "shuffle-step", roundId, group: state.group, holderKey: state.holderKey, incoming: state.incoming, seed: state.seed };
    case "training":
      return { type: "train-and-submit", roundId, modelCid: state.modelCid, seed: state.seed };
    case "holder-completing":
      return {
        type: "holder-submit",
        roundId,
        modelCid: state.modelCid,
        groupSums: (state.includedGroups ?? []).map((groupIndex) => ({ groupIndex, encryptedSum: state.groupSums?.[String(groupIndex)] ?? "" })),
      };
    case "verifying":
    case "challenged":
      if (state.challengeDeadline === undefined) return undefined;
      return state.watchResult === undefined
        ? { type: "watch", roundId, deadline: state.challengeDeadline }
        : { type: "settle-when-due", roundId, deadline: state.challengeDeadline };
    default:
      return verificationClientPendingAction(state);
  }
}

export interface MashClientContext {
  address: string;
  taskId: bigint;
  /** Draws a fresh mask seed, encoded, when a round opens (injected so routing stays pure). */
  freshSeed: () => string;
}

/** Maps a chain event to the handler it triggers for this client, or undefined when it does not concern it. */
export function routeMashClientEvent(
  rounds: Readonly<Record<string, MashClientRoundState>>,
  event: CoordinatorEvent,
  context: MashClientContext,
): MashClientRoundState | undefined {
  const self = context.address;
  if (event.type === "RoundOpened") {
    if (event.taskId !== context.taskId || rounds[event.roundId.toString()]) return undefined;
    return startMashClientRound(event, context.freshSeed());
  }
  // Task-level events carry no round.
  if (event.type === "TaskCreated" || event.type === "ServersConfigured") return undefined;
  const state = rounds[event.roundId.toString()];
  if (!state) return undefined;
  const joining = routeJoiningClientEvent({ state, event, address: self, handlers: mashClientHandlers });
  if (joining) return joining;
  const can = (handler: MashClientHandler): boolean => stageAllows(MASH_CLIENT_HANDLER_STAGES[handler], state.stage);
  switch (event.type) {
    case "PhaseChanged":
      if (event.previous === Phase.Shuffle && event.current === Phase.Submission && can("openSubmission")) return mashClientHandlers.openSubmission(state);
      return undefined;
    case "GroupsFormed":
      if (!can("becomeHolder")) return undefined;
      return sameAddress(self, event.holder) ? mashClientHandlers.becomeHolder(state, event.holder) : mashClientHandlers.recordHolder(state, event.holder);
    case "GroupFormed": {
      const position = event.members.findIndex((m) => sameAddress(self, m));
      if (position < 0 || !can("joinGroup")) return undefined;
      return mashClientHandlers.joinGroup(state, { index: Number(event.groupIndex), position, members: [...event.members] });
    }
    case "HolderKeyPosted":
      if (sameAddress(self, event.holder) && can("confirmHolderKey")) return mashClientHandlers.confirmHolderKey(state, event.paillierPublicKey);
      return can("receiveHolderKey") ? mashClientHandlers.receiveHolderKey(state, event.paillierPublicKey) : undefined;
    case "ShuffleMessagePosted": {
      const group = state.group;
      if (!group || Number(event.groupIndex) !== group.index) return undefined;
      if (sameAddress(self, event.sender) && can("confirmShuffleStep")) return mashClientHandlers.confirmShuffleStep(state);
      if (Number(event.position) === group.position - 1 && can("receiveShuffleMessage")) return mashClientHandlers.receiveShuffleMessage(state, event.message);
      return undefined;
    }
    case "GroupSumPosted": {
      if (can("recordGroupSum")) return mashClientHandlers.recordGroupSum(state, Number(event.groupIndex), event.encryptedSum);
      if (!state.group || Number(event.groupIndex) !== state.group.index || !can("recordOwnGroupSum")) return undefined;
      const recorded = mashClientHandlers.recordOwnGroupSum(state);
      return sameAddress(self, event.leader) && stageAllows(MASH_CLIENT_HANDLER_STAGES.confirmShuffleStep, recorded.stage) ? mashClientHandlers.confirmShuffleStep(recorded) : recorded;
    }
    case "UpdateSubmitted":
      if (!sameAddress(self, event.client)) return undefined;
      if (can("confirmSubmission")) return mashClientHandlers.confirmSubmission(state, event.cid);
      return can("confirmHolderSubmission") ? mashClientHandlers.confirmHolderSubmission(state, event.cid) : undefined;
    case "GroupsIncluded":
      return can("includeGroups") ? mashClientHandlers.includeGroups(state, event.groupIndices.map(Number)) : undefined;
    case "ChallengeWindowOpened":
      return can("openChallengeWindow") ? mashClientHandlers.openChallengeWindow(state, { aggregateHash: event.aggregateHash, deadline: Number(event.deadline) }) : undefined;
    case "ChallengeRejected":
    case "AggregateFraudProven":
      return sameAddress(self, event.challenger) && can("recordOwnChallenge") ? mashClientHandlers.recordOwnChallenge(state) : undefined;
    case "VerificationSettled":
      if (isSettledOutcome(event.outcome) && can("settleChallengeWindow")) return mashClientHandlers.settleChallengeWindow(state, event.outcome);
      return routeVerificationClientEvent({ state, event, address: self, stages: MASH_CLIENT_HANDLER_STAGES, handlers: mashClientHandlers });
    default:
      return routeVerificationClientEvent({ state, event, address: self, stages: MASH_CLIENT_HANDLER_STAGES, handlers: mashClientHandlers });
  }
}
