// The shape of one look at a fedmash deployment: tasks, their rounds and everything a person following a round
// wants to see (phase and deadline, groups, submissions with CIDs and transactions, verification, payouts).
// Plain JSON on purpose: the terminal renderer, `fl:status`, the explorer page and its /api/status all read the
// same object, so every uint256 is a decimal string, every address is checksummed, every time is unix seconds.
import type { MaskGroupInfo } from "../crypto/mask/maskGroup";
import type { FailureReason, Mode, Phase, VerificationOutcome, VerificationStage } from "../protocol/enums";

/** Bumped when a field changes meaning or disappears; adding a field keeps the version. */
export const STATUS_SNAPSHOT_VERSION = 1;

export type ModeName = keyof typeof Mode;
export type PhaseName = keyof typeof Phase;
export type FailureReasonName = keyof typeof FailureReason;
export type VerificationStageName = keyof typeof VerificationStage;
export type VerificationOutcomeName = keyof typeof VerificationOutcome;

/** A uint256 (ids, wei, hashes as numbers) as a decimal string, e.g. "1000000000000000". */
export type DecimalString = string;

/** Where something happened on-chain, so a page can link it to a block explorer. */
export interface TxRef {
  tx: string;
  block: number;
}

export interface StatusSnapshot {
  version: typeof STATUS_SNAPSHOT_VERSION;
  chainId: DecimalString;
  /** The block the snapshot was read at; views and the log sweep both stop there. */
  blockNumber: number;
  /** That block's timestamp: deadlines are compared with chain time, which on a local chain may run ahead. */
  blockTimestamp: number;
  /** Wall-clock time of the read, ISO 8601. */
  generatedAt: string;
  /** First block of the log sweep (the deployment block when known). */
  fromBlock: number;
  contracts: StatusContracts;
  participants: ParticipantsStatus;
  tasks: TaskStatus[];
}

export interface StatusContracts {
  registry: string;
  coordinator: string;
  verifier: string;
  shamir: string;
}

export interface ParticipantStatus {
  address: string;
  /** False once it deactivated itself. */
  active: boolean;
  registered: TxRef;
}

export interface ParticipantsStatus {
  clients: ParticipantStatus[];
  aggregators: ParticipantStatus[];
  servers: ParticipantStatus[];
}

export interface TaskConfigSummary {
  modelKind: string;
  modelSize: number;
  minClients: number;
  maxClients: number;
  /** Seconds. */
  joinDuration: number;
  submitDuration: number;
  aggregateDuration: number;
  /** Mash only (0 otherwise). */
  groupSize: number;
  keyDuration: number;
  shuffleDuration: number;
  completionDuration: number;
  /** Mash and Shamir: fixed-point scale and per-coordinate clip (in millionths). */
  quantizationScale: number;
  clipMillionths: number;
  /** Mash only: the mask group the task names on-chain, with its estimated security. */
  maskGroup?: MaskGroupInfo;
  /** Mash and Shamir: fewest updates a round sums (the floor; docs/PROTOCOL.md). */
  minIncluded?: number;
}

export interface VerificationTermsStatus {
  aggregatorBond: DecimalString;
  clientReward: DecimalString;
  aggregatorReward: DecimalString;
}

/** FedmashVerifier.taskFunds: what the task pays and holds now. */
export interface TaskFundsStatus {
  terms: VerificationTermsStatus;
  /** Unreserved wei, withdrawable by the owner. */
  pool: DecimalString;
  bond: DecimalString;
  /** The round holding the reserve or the bond lock, "0" when none. */
  activeRoundId: DecimalString;
}

/** A task's admission policy: open (the default), an allowlist, and/or a stake each client must hold. */
export interface AdmissionStatus {
  allowlistOnly: boolean;
  /** Accounts on the allowlist (folded from AllowlistChanged in the sweep). */
  allowed: number;
  /** Wei. */
  clientStake: DecimalString;
}

export interface TaskStatus {
  taskId: DecimalString;
  owner: string;
  mode: ModeName;
  aggregator: string;
  config: TaskConfigSummary;
  /** From TaskCreated; undefined when the sweep started after the task's creation. */
  initialModelCid?: string;
  created?: TxRef;
  currentModelCid: string;
  roundCount: number;
  lastRoundId: DecimalString;
  /** Shamir tasks: the servers in share order (server j holds share f(j + 1)) and the threshold t. */
  servers?: string[];
  threshold?: number;
  /** Mash and Shamir tasks (the verifier holds their money); undefined for Plain. */
  funds?: TaskFundsStatus;
  /** Who may join (FedmashVerifier.Admission); undefined when the verifier predates it. */
  admission?: AdmissionStatus;
  /** Oldest first. */
  rounds: RoundStatus[];
  /** Task-level events (creation, servers), oldest first. */
  events: StatusEvent[];
}

export interface SubmissionStatus extends TxRef {
  client: string;
  cid: string;
  contentHash: string;
  numSamples: number;
  /** Local training loss, fixed point 1e18 as on-chain. */
  loss: DecimalString;
  /** The same loss as a float, for display. */
  lossValue: number;
}

export interface GroupStatus {
  index: number;
  /** Chain order; the last member is the leader. */
  members: string[];
  leader: string;
  /** Shuffle messages posted so far (the leader's turn once it equals members.length - 1). */
  shuffleStep: number;
  sumPosted: boolean;
  sumTx?: TxRef;
  submittedCount: number;
  /** Every member submitted its masked update. */
  complete: boolean;
  /** Fixed when the round entered Completion. */
  included: boolean;
}

export interface MashRoundStatus {
  /** Zero address before the groups are formed. */
  holder: string;
  groupingSeed: string;
  holderKey?: TxRef;
  holderSubmitted: boolean;
  groupSumCount: number;
  includedGroupCount: number;
  includedClientCount: number;
  groups: GroupStatus[];
}

export interface ShareSumStatus extends TxRef {
  server: string;
  /** Position in the task's server list, from 0. */
  index: number;
  cid: string;
  contentHash: string;
}

export interface ShamirRoundStatus {
  servers: string[];
  threshold: number;
  shareSums: ShareSumStatus[];
}

export interface AggregateStatus extends TxRef {
  aggregator: string;
  cid: string;
  modelCid: string;
  hash: string;
}

/** A Mash challenge: `upheld` proved the aggregate wrong at `coordinate`; a rejected one looked at `leafIndex`. */
export interface ChallengeStatus extends TxRef {
  challenger: string;
  upheld: boolean;
  coordinate?: number;
  leafIndex?: number;
  /** An aggregate dispute that ended without a challenge: how (AggregatorTimedOut, ChallengerTimedOut, PaddingNotZero). */
  dispute?: string;
}

/** Gas used by the verification's transactions, from their receipts; absent entries were not (yet) sent. */
export interface VerificationGasStatus {
  postAggregate?: DecimalString;
  postBatchSums?: DecimalString;
  /** Sum over every commitment. */
  commits?: DecimalString;
  settle?: DecimalString;
  /** Everything above. */
  total?: DecimalString;
}

export interface VerificationStatus {
  stage: VerificationStageName;
  outcome: VerificationOutcomeName;
  /** End of the current stage (unix seconds), 0 when none runs. */
  deadline: number;
  includedCount: number;
  committedCount: number;
  /** Mash: challenges resolved (rejected ones and the one that proved fraud). */
  challengeCount: number;
  sampleSeed: string;
  batchSums?: TxRef;
  commitments: ({ client: string } & TxRef)[];
  challenges: ChallengeStatus[];
  settled?: TxRef;
  gasUsed: VerificationGasStatus;
  /** Wei reserved for the round until it settles. */
  reserved: DecimalString;
}

export interface ClaimStatus extends TxRef {
  account: string;
  amount: DecimalString;
}

export interface PayoutsStatus {
  /** Wei made claimable at settlement (VerificationSettled.paid). */
  owed: DecimalString;
  claims: ClaimStatus[];
  /** Wei claimed so far, Σ claims. */
  paidTotal: DecimalString;
  /** Wei still owed and unclaimed. */
  unclaimed: DecimalString;
  /** Wei taken from the aggregator's bond. */
  slashed: DecimalString;
  /** Wei of the reserve that went back to the pool. */
  released: DecimalString;
}

export interface StatusEvent {
  name: string;
  block: number;
  tx: string;
  logIndex: number;
  /** One human line, e.g. "0xAbc… submitted bafy… (600 samples)". */
  summary: string;
}

export interface PhaseChangeStatus extends TxRef {
  phase: PhaseName;
  deadline: number;
}

export interface RoundStatus {
  roundId: DecimalString;
  taskId: DecimalString;
  /** Position within the task, from 1. */
  index: number;
  mode: ModeName;
  phase: PhaseName;
  /** End of the current phase (unix seconds), 0 once terminal. */
  deadline: number;
  /** The phase's deadline passed at `blockTimestamp` but nobody advanced the round yet. */
  deadlinePassed: boolean;
  failureReason: FailureReasonName;
  openedAt: number;
  opened?: TxRef;
  modelCid: string;
  /** Every phase the round entered, opening included, oldest first. */
  phases: PhaseChangeStatus[];
  /** Joined clients, in joining order. */
  participants: string[];
  submittedCount: number;
  submissions: SubmissionStatus[];
  mash?: MashRoundStatus;
  shamir?: ShamirRoundStatus;
  aggregate?: AggregateStatus;
  verification?: VerificationStatus;
  payouts: PayoutsStatus;
  /** The round's events, oldest first. */
  events: StatusEvent[];
}
