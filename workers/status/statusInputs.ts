// What the status shaper reads: the contracts' views as plain objects (no ethers tuples, so tests write them as
// literals) and the registry's events, which the worker event parsers leave out because no worker reacts to them.
import type { FailureReason, Mode, Phase, Role, VerificationOutcome, VerificationStage } from "../protocol/enums";
import type { TaskConfigSummary } from "./statusSnapshot";

export interface TaskViewData {
  taskId: bigint;
  owner: string;
  mode: Mode;
  aggregator: string;
  config: TaskConfigSummary;
  currentModelCid: string;
  roundCount: bigint;
  lastRoundId: bigint;
  /** FedmashVerifier.taskFunds; read for Mash and Shamir tasks. */
  funds?: {
    aggregatorBond: bigint;
    clientReward: bigint;
    aggregatorReward: bigint;
    pool: bigint;
    bond: bigint;
    activeRoundId: bigint;
  };
  /** FedmashVerifier.admission, and the allowlist's size from its AllowlistChanged events; absent on an older verifier. */
  admission?: { allowlistOnly: boolean; clientStake: bigint; allowed: number };
  /** FedmashShamir.servers / threshold; read for Shamir tasks. */
  servers?: string[];
  threshold?: number;
}

export interface GroupViewData {
  members: string[];
  shuffleStep: number;
  sumPosted: boolean;
  included: boolean;
  submittedCount: number;
}

export interface MashRoundViewData {
  holder: string;
  groupingSeed: string;
  groupSumCount: number;
  includedGroupCount: number;
  includedClientCount: number;
  holderSubmitted: boolean;
  /** group(roundId, i) for i below groupCount. */
  groups: GroupViewData[];
}

export interface VerificationViewData {
  stage: VerificationStage;
  outcome: VerificationOutcome;
  deadline: number;
  includedCount: number;
  committedCount: number;
  challengeCount: number;
  sampleSeed: string;
  reserved: bigint;
  unclaimed: bigint;
  slashed: bigint;
}

export interface RoundViewData {
  roundId: bigint;
  taskId: bigint;
  index: number;
  mode: Mode;
  phase: Phase;
  deadline: number;
  openedAt: number;
  modelCid: string;
  submittedCount: number;
  failureReason: FailureReason;
  /** participants(roundId), joining order. */
  participants: string[];
  /** Mash rounds. */
  mash?: MashRoundViewData;
  /** Mash and Shamir rounds (FedmashVerifier.verification). */
  verification?: VerificationViewData;
}

export interface StatusViews {
  tasks: TaskViewData[];
  rounds: RoundViewData[];
}

interface RegistryEventBase {
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  account: string;
}

export type RegistryEvent = RegistryEventBase &
  ({ type: "ParticipantRegistered"; role: Role } | { type: "ParticipantDeactivated" });
