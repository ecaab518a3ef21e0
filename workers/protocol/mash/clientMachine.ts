// The MASH participant as an explicit state machine, one serializable state per round. It joins through the
// Joining stage it shares with Shamir clients (../joining). After joining, the contract makes each participant
// either the round's total-sum holder or a member of one group; both paths live here because a client only
// learns its role at grouping. Once its update is in the aggregate, both paths meet again in the Verification
// stage shared with Shamir clients (../verification): check the published aggregate against T (dispute on a
// difference), commit, and claim the reward if the outcome pays. Pure: handlers return the next state and
// `mashClientPendingAction` names the side effect a stage still owes, so a restarted worker redoes it.
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
  // both paths, once included: T arrived (check and commit owed), committed, reward owed
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
}

export type MashClientAction =
  | { type: "join"; roundId: bigint }
  | { type: "post-holder-key"; roundId: bigint }
  | { type: "shuffle-step"; roundId: bigint; group: MashGroupInfo; holderKey: string; incoming?: string; seed: string }
  | { type: "train-and-submit"; roundId: bigint; modelCid: string; seed: string }
  | { type: "holder-submit"; roundId: bigint; modelCid: string; groupSums: { groupIndex: number; encryptedSum: string }[] }
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
    default:
      return routeVerificationClientEvent({ state, event, address: self, stages: MASH_CLIENT_HANDLER_STAGES, handlers: mashClientHandlers });
  }
}
