// The task owner: publishes the initial model, creates the task (MASH and Shamir: sets its verification terms and
// funds its reward pool; Shamir: waits for its servers to register and names them with the threshold), then opens
// rounds one after another with the task's current model (a failed round's model is never used), keeps every
// round moving (advance after a deadline; settle a verification whose deadline passed), and measures each new
// model on the MNIST test set. With DP settings it also accounts the privacy spent: each published aggregate is
// one release, and the cumulative (ε, δ) after every round goes into the report. Used by the demo and by
// `fedmash owner`.
import { VECTOR_MERKLE_LEAF_VALUES } from "../crypto/commit/vectorMerkle";
import { ZeroAddress, formatEther, type ContractTransactionReceipt } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { enumName, FailureReason, isTerminalPhase, Mode, Phase, Role, VerificationOutcome, VerificationStage } from "../protocol/enums";
import { isAdvanceDue } from "../protocol/keeper";
import { maskGroupCodeOf } from "../protocol/maskGroupCode";
import { DEFAULT_MASK_GROUP, type MaskGroupId } from "../crypto/mask/maskGroup";
import { checkMaskSettings } from "../crypto/mask/checkMaskSettings";
import { lossFromFixed } from "../protocol/events";
import { createModel } from "../ml/createModel";
import { evaluateModel } from "../ml/evaluateModel";
import { initialWeights } from "../ml/initialWeights";
import { loadMnist, type MnistDataset } from "../ml/loadMnist";
import { setFlatWeights } from "../ml/setFlatWeights";
import type { ModelKind } from "../ml/modelLayout";
import { modelParameterCount } from "../ml/modelParameterCount";
import type { DpMechanism, DpSettings } from "../ml/dp/parseDpSettings";
import { accountPrivacy } from "../ml/dp/accountPrivacy";
import { effectiveNoiseMultiplier } from "../ml/dp/effectiveNoiseMultiplier";
import { integerNoiseBound } from "../ml/dp/integerNoiseBound";
import { shamirFieldBound } from "../crypto/shamir/shamirFieldBound";
import { fetchPayload } from "../storage/fetchPayload";
import { fetchRootCommittedPayload } from "../storage/fetchCommittedPayload";
import { DISPUTE_END_NAMES, DisputeEnd } from "../protocol/watch/disputeGame";
import { PayloadShapeMismatchError } from "../storage/errors";
import { aggregateSumRoot } from "../crypto/commit/vectorCommitments";
import { composeReleases, readRoundRelease, readTaskReleases, taskRoundIds, type PrivacyRelease } from "./accountTaskPrivacy";
import { aggregateByteLimit, modelByteLimit } from "./payloadLimits";
import { isSenderFault } from "./fetchContributions";
import { putPayload } from "../storage/putPayload";
import { PayloadKind, type DecodedPayload, type JsonValue, type Payload } from "../storage/payloadFormat";
import { retry, sleep } from "../retry";
import { settleVerificationIfDue } from "./settleVerificationIfDue";
import { recordSeedIfDue } from "./recordSeedIfDue";
import { KEEPER_SEED_GRACE_BLOCKS } from "../protocol/seedRecordDue";
import { createDrawPoker } from "./createDrawPoker";
import { MODEL_TENSOR, SUM_TENSOR, expectFlat, flatTensor, modelPayload, tensorData } from "./modelPayloads";
import type { WorkerRuntime } from "./openWorkerRuntime";
import { waitForRegistration } from "./waitForRegistration";
import { countAllowed, type AdmissionPolicy, type AdmissionReport } from "../protocol/admission";
import { readAdmissionPolicy } from "./admitClient";

export class TaskEventMissingError extends BaseError {
  override name = "TaskEventMissingError" as const;
}

export interface MashSettings {
  groupSize: number;
  /** The group the masks live in (TaskConfig.maskGroup); default "rlwr-2048". */
  maskGroup?: MaskGroupId;
  clip: number;
  scale: number;
  keyDurationSeconds: number;
  shuffleDurationSeconds: number;
  completionDurationSeconds: number;
}

/** What a MASH task pays and demands (FedmashVerifier.Terms), in wei; the challenge window in seconds. */
export interface VerificationTerms {
  aggregatorBond: bigint;
  clientReward: bigint;
  aggregatorReward: bigint;
  /** MASH: seconds after the aggregate during which anyone may challenge it (at least MIN_CHALLENGE_DURATION, 5). */
  challengeDuration: bigint;
}

export const DEFAULT_VERIFICATION_TERMS: VerificationTerms = {
  aggregatorBond: 10n ** 18n,
  clientReward: 10n ** 16n,
  aggregatorReward: 5n * 10n ** 16n,
  challengeDuration: 600n,
};

/** A Shamir task's servers (registered as Role.Server; share j goes to servers[j]), its threshold, and its quantization. */
export interface ShamirSettings {
  servers: string[];
  threshold: number;
  /** Per-coordinate clip c and quantization scale S, as in MASH. */
  clip: number;
  scale: number;
  /** Wei each server must hold to post a share-sum (FedmashShamir.setServerBond); undefined: the contract's 0.01 ETH. */
  serverBond?: bigint;
}

export interface TaskSettings {
  mode: "plain" | "mash" | "shamir";
  /** Required for mode mash. */
  mash?: MashSettings;
  /** Required for mode shamir. */
  shamir?: ShamirSettings;
  /** MASH and Shamir: the task's terms; the owner funds rounds × (maxClients · clientReward + aggregatorReward). Default DEFAULT_VERIFICATION_TERMS. */
  terms?: VerificationTerms;
  /** The DP settings the task's clients use (worker-side), for the privacy accounting in the report. */
  dp?: DpSettings;
  /** N, the clients distributed noise is split over (the clients' `expectedClients`); default minClients. */
  expectedClients?: number;
  modelKind: ModelKind;
  aggregator: string;
  minClients: number;
  maxClients: number;
  /**
   * MASH and Shamir: the fewest updates a round may sum (TaskConfig.minIncluded); undefined or 0 leaves the contract's
   * default, max(3, minClients). Plain has no floor.
   */
  minIncluded?: number;
  joinDurationSeconds: number;
  submitDurationSeconds: number;
  aggregateDurationSeconds: number;
  modelSeed: number;
  /** Who may join (FedmashVerifier.Admission); none: a new task stays open, a resumed one keeps its policy. */
  admission?: AdmissionSettings;
}

/** The owner's admission settings (`--allow`, `--client-stake`). */
export interface AdmissionSettings {
  /** Accounts to allow; a non-empty list makes the task allowlist-only (on a resumed task they are added to its list). */
  allow: readonly string[];
  /** Wei each client must have staked to join; undefined: 0 for a new task, unchanged for a resumed one. */
  clientStake?: bigint;
}

/** The task's policy cannot change now: a round holds its reserve (setAdmission would revert VerifierTaskBusy). */
export class AdmissionBusyError extends BaseError {
  override name = "AdmissionBusyError" as const;
}

export interface RoundReport {
  round: number;
  roundId: string;
  phase: string;
  failureReason?: string;
  accuracy: number | null;
  loss: number | null;
  trainLoss: number | null;
  modelCid: string;
  aggregateCid: string | null;
  included: string[];
  excluded: { client: string; reason: string }[];
  joined: number;
  submitted: number;
  durationMs: number;
  /** MASH rounds: the total-sum holder and every group with its members and outcome. */
  holder?: string | null;
  groups?: { index: number; members: string[]; sumPosted: boolean; included: boolean }[];
  /** Shamir rounds: every server of the task, by share index, and whether it posted its share-sum. */
  servers?: { index: number; address: string; posted: boolean }[];
  /** Shamir rounds: the t server indices the aggregate was interpolated from (empty without an aggregate). */
  reconstructedFrom?: number[];
  /** Shamir rounds: posted share-sums that disagree with the reconstruction (a lying or broken server). */
  inconsistentServers?: number[];
  /** DP runs: the privacy spent, cumulative after this round, and this round's own share. */
  privacy?: RoundPrivacyReport;
  /** Verification of the aggregate (MASH: fraud-proof window; Shamir: sampled check); status "none" for rounds without one. */
  verification: RoundVerificationReport;
  /** Wei taken from the aggregator's bond by this round, decimal. */
  slashed: string;
  /** Who lost money in this round and why: the aggregator for a proven fraud or a failed check, a false challenger its bond. */
  slashedParties: SlashedParty[];
  /** MASH: every challenge of the round's aggregate, upheld or rejected, with the gas its transaction used. */
  challenges: ChallengeReport[];
  /** Wei the round made claimable by its winners, decimal. */
  paid: string;
  /** Who claimed what (wei, decimal) by the time the report was written. */
  claims: { account: string; wei: string }[];
}

export interface RoundPrivacyReport {
  /**
   * Cumulative ε after this round over every release of the task so far (earlier runs of the owner included),
   * against the worst view: in mash the holder, who can unmask each included group's sum (docs/PRIVACY.md).
   */
  epsilon: number;
  /** The same against the aggregator and the public only, who see just the published sum. */
  epsilonAggregator?: number;
  delta: number;
  /** Releases composed into epsilon (rounds of the task that published an aggregate, up to this one). */
  releases?: number;
  /** Updates in this round's published sum, from the chain (0 when nothing was published). */
  includedClients?: number;
  /** MASH: the smallest included group of this round, the sum the holder can see. */
  smallestGroup?: number;
  /** ε of this round's release alone; 0 when the round published no aggregate. */
  epsilonRound: number;
  /** The effective noise multiplier z of this round's release against the aggregator (effectiveNoiseMultiplier). */
  noiseMultiplier: number;
  mechanism: DpMechanism;
}

export type VerificationStatus = "passed" | "failed" | "batch-sums-missing" | "commitments-missing" | "fraud-proven" | "released" | "seed-expired" | "none";

/**
 * Someone who lost money in a round: the aggregator for a proven fraud or a failed check, a false challenger its bond,
 * a lying Shamir server its bond, a Shamir client with inconsistent shares its stake.
 */
export interface SlashedParty {
  address: string;
  role: "aggregator" | "challenger" | "server" | "client";
  /**
   * "aggregate-fraud-proven", "verification-failed", "batch-sums-missing" (aggregator); "challenge-rejected" (a
   * challenger's bond burned), "dispute-lost" (a dispute's bond paid to the aggregator: it timed out or its leaf was right);
   * "wrong-share-sum", "no-answer" (a Shamir server's bond, by a share-sum dispute); "inconsistent-shares" (a Shamir
   * client's whole stake for the task, forfeited by ClientFaultProven).
   */
  reason: string;
  /** Wei, decimal. */
  wei: string;
}

/** A MASH challenge of the round's aggregate, or an aggregate dispute that ended without one. */
export interface ChallengeReport {
  /**
   * "challenge": a challenge(); "dispute": a dispute, closed by a timeout or a non-zero padding leaf (DisputeClosed), or
   * ended by its challenger's challenge of the leaf it reached.
   */
  kind: "challenge" | "dispute";
  challenger: string;
  /** Whether it proved the fraud (a dispute: the aggregator timed out, or its padding was not zero). */
  upheld: boolean;
  /**
   * A dispute's end: AggregatorTimedOut, ChallengerTimedOut or PaddingNotZero (closed without a challenge), or
   * ChallengeUpheld / ChallengeRejected (the challenge of the leaf it reached, with its coordinate or leaf and gas).
   */
  end?: string;
  /** Upheld: the first coordinate the fraud proof showed wrong. */
  coordinate?: number;
  /** Rejected: the leaf it opened. */
  leafIndex?: number;
  gasUsed: number | null;
}

export interface RoundVerificationReport {
  status: VerificationStatus;
  /** Gas used by the settle transaction (the one-ecMul check included); null without one. */
  gasUsed: number | null;
  /** m, the sampled partitions. */
  samples: number;
  /** k, the batches per partition. */
  batches: number;
  committed: number;
  included: number;
}

const STATUS_OF_OUTCOME: Record<VerificationOutcome, VerificationStatus> = {
  [VerificationOutcome.None]: "none",
  [VerificationOutcome.Passed]: "passed",
  [VerificationOutcome.Failed]: "failed",
  [VerificationOutcome.BatchSumsMissing]: "batch-sums-missing",
  [VerificationOutcome.CommitmentsMissing]: "commitments-missing",
  [VerificationOutcome.FraudProven]: "fraud-proven",
  [VerificationOutcome.Released]: "released",
  [VerificationOutcome.SeedExpired]: "seed-expired",
};

const NO_VERIFICATION: Pick<RoundReport, "verification" | "slashed" | "paid" | "claims" | "slashedParties" | "challenges"> = {
  verification: { status: "none", gasUsed: null, samples: 0, batches: 0, committed: 0, included: 0 },
  slashed: "0",
  slashedParties: [],
  challenges: [],
  paid: "0",
  claims: [],
};

export interface RoundProgress {
  round: number;
  roundId: bigint;
  phase: Phase;
  joined: number;
  submitted: number;
  deadline: bigint;
}

export interface RunTaskParameters {
  runtime: WorkerRuntime;
  settings: TaskSettings;
  rounds: number;
  /** Existing task to continue; when omitted a new one is created. */
  taskId?: bigint;
  onTaskCreated?: (taskId: bigint, initialModelCid: string) => void | Promise<void>;
  /** The task's admission policy once applied (before onTaskCreated for a new task, before the first round on --task). */
  onAdmission?: (admission: AdmissionReport) => void;
  /** How long to wait for the aggregator (and a Shamir task's servers) to register before creating the task. */
  aggregatorWaitMs?: number;
  onProgress?: (progress: RoundProgress) => void;
  onRoundDone?: (report: RoundReport) => void;
  signal?: AbortSignal;
  /** How long a round's report waits for its winners' claims (default 20 s). */
  claimWaitMs?: number;
}

function eventArg(receipt: ContractTransactionReceipt, runtime: WorkerRuntime, eventName: string, arg: string): bigint {
  for (const log of receipt.logs) {
    const parsed = runtime.coordinator.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === eventName) return parsed.args.getValue(arg) as bigint;
  }
  throw new TaskEventMissingError(`The receipt of ${eventName}'s transaction has no ${eventName} event.`);
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function exclusionList(value: JsonValue | undefined): { client: string; reason: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) =>
    entry && typeof entry === "object" && !Array.isArray(entry) && typeof entry.client === "string"
      ? [{ client: entry.client, reason: String(entry.reason ?? "unknown") }]
      : [],
  );
}

export class TaskAggregatorNotRegisteredError extends BaseError {
  override name = "TaskAggregatorNotRegisteredError" as const;
}

export class TaskServersNotRegisteredError extends BaseError {
  override name = "TaskServersNotRegisteredError" as const;
}

export class TaskSettingsError extends BaseError {
  override name = "TaskSettingsError" as const;
}

/** Shamir: every server and whether it posted, and from the aggregate (if any) which were used or inconsistent. */
async function shamirRoundDetails(runtime: WorkerRuntime, taskId: bigint, roundId: bigint, aggregate: Payload | undefined): Promise<Pick<RoundReport, "servers" | "reconstructedFrom" | "inconsistentServers">> {
  const servers = await retry(() => runtime.shamir.servers(taskId));
  const posted = await Promise.all(servers.map((server) => retry(() => runtime.shamir.shareSum(roundId, server))));
  const indices = (value: JsonValue | undefined): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : []);
  return {
    servers: servers.map((address, index) => ({ index, address, posted: posted[index]!.posted })),
    reconstructedFrom: indices(aggregate?.metadata.reconstructedFrom),
    inconsistentServers: indices(aggregate?.metadata.inconsistentServers),
  };
}

async function mashRoundDetails(runtime: WorkerRuntime, roundId: bigint): Promise<Pick<RoundReport, "holder" | "groups">> {
  const view = await runtime.coordinator.mashRound(roundId);
  const groups = await Promise.all(
    Array.from({ length: Number(view.groupCount) }, async (_, index) => {
      const group = await runtime.coordinator.group(roundId, index);
      return { index, members: [...group.members], sumPosted: group.sumPosted, included: group.included };
    }),
  );
  return { holder: view.holder === ZeroAddress ? null : view.holder, groups };
}

/**
 * The round's verification as the report shows it. Winners claim right after the settlement, so when something was
 * paid it waits up to `claimWaitMs` for the claims, to report them.
 */
async function verificationDetails(
  runtime: WorkerRuntime,
  roundId: bigint,
  claimWaitMs: number,
): Promise<Pick<RoundReport, "verification" | "slashed" | "paid" | "claims" | "slashedParties" | "challenges">> {
  const { verifier } = runtime;
  let view = await retry(() => verifier.verification(roundId));
  // A Shamir round that failed before its aggregate may still have slashed a server or forfeited a client's stake.
  if (Number(view.stage) === VerificationStage.None) return { ...NO_VERIFICATION, ...(await slashesAndChallenges(runtime, roundId, Number(view.outcome) as VerificationOutcome)) };
  const settledEvents = await retry(() => verifier.queryFilter(verifier.filters.VerificationSettled(undefined, roundId)));
  const settled = settledEvents[0];
  let gasUsed: number | null = null;
  if (settled && Number(settled.args.outcome) !== VerificationOutcome.Released) {
    const receipt = await retry(() => runtime.connection.provider.getTransactionReceipt(settled.transactionHash));
    gasUsed = receipt ? Number(receipt.gasUsed) : null;
  }
  const paid = settled?.args.paid ?? 0n;
  // A proven fraud pays from the slash (paid is 0 then), so wait on what is unclaimed, whoever owes it.
  for (const waitUntil = Date.now() + claimWaitMs; view.unclaimed > 0n && Date.now() < waitUntil; ) {
    await sleep(500);
    view = await retry(() => verifier.verification(roundId));
  }
  const claimed = await retry(() => verifier.queryFilter(verifier.filters.RewardClaimed(roundId)));
  const { slashedParties, challenges } = await slashesAndChallenges(runtime, roundId, Number(view.outcome) as VerificationOutcome);
  return {
    verification: {
      status: STATUS_OF_OUTCOME[Number(view.outcome) as VerificationOutcome] ?? "none",
      gasUsed,
      samples: Number(view.partitions),
      batches: Number(view.batches),
      committed: Number(view.committedCount),
      included: Number(view.includedCount),
    },
    slashedParties,
    challenges,
    slashed: view.slashed.toString(),
    paid: paid.toString(),
    claims: claimed.map((event) => ({ account: event.args.account, wei: event.args.amount.toString() })),
  };
}

const gasOf = async (runtime: WorkerRuntime, transactionHash: string): Promise<number | null> => {
  const receipt = await retry(() => runtime.connection.provider.getTransactionReceipt(transactionHash));
  return receipt ? Number(receipt.gasUsed) : null;
};

/**
 * Who lost money in the round and why (AggregatorSlashed, ChallengeRejected, DisputeClosed, ServerSlashed,
 * ClientFaultProven), and every challenge with its gas.
 */
async function slashesAndChallenges(runtime: WorkerRuntime, roundId: bigint, outcome: VerificationOutcome): Promise<Pick<RoundReport, "slashedParties" | "challenges">> {
  const { verifier } = runtime;
  const [serverSlashes, clientFaults, slashes, rejected, proven, disputes, opened, leaves] = await Promise.all([
    retry(() => runtime.shamir.queryFilter(runtime.shamir.filters.ServerSlashed(roundId))),
    retry(() => runtime.shamir.queryFilter(runtime.shamir.filters.ClientFaultProven(roundId))),
    retry(() => verifier.queryFilter(verifier.filters.AggregatorSlashed(undefined, roundId))),
    retry(() => verifier.queryFilter(verifier.filters.ChallengeRejected(roundId))),
    retry(() => verifier.queryFilter(verifier.filters.AggregateFraudProven(undefined, roundId))),
    retry(() => verifier.queryFilter(verifier.filters.DisputeClosed(roundId))),
    retry(() => verifier.queryFilter(verifier.filters.DisputeOpened(roundId))),
    retry(() => verifier.queryFilter(verifier.filters.DisputeLeafRevealed(roundId))),
  ]);
  // A challenge is a dispute's last move when its sender had disputed the round and the dispute game reached the
  // challenged leaf; a disputer's direct challenge (its dispute still on the way down) is a challenge like any other.
  const disputers = new Set(opened.map((event) => event.args.challenger.toLowerCase()));
  const revealedLeaves = new Set(leaves.map((event) => Number(event.args.leafIndex)));
  const kindOf = (challenger: string, upheld: boolean, leafIndex: number): Pick<ChallengeReport, "kind" | "end"> =>
    disputers.has(challenger.toLowerCase()) && revealedLeaves.has(leafIndex)
      ? { kind: "dispute", end: upheld ? "ChallengeUpheld" : "ChallengeRejected" }
      : { kind: "challenge" };
  const aggregatorReason =
    outcome === VerificationOutcome.FraudProven ? "aggregate-fraud-proven" : outcome === VerificationOutcome.BatchSumsMissing ? "batch-sums-missing" : "verification-failed";
  const slashedParties: SlashedParty[] = [
    ...slashes.map((event) => ({ address: event.args.aggregator, role: "aggregator" as const, reason: aggregatorReason, wei: event.args.amount.toString() })),
    ...rejected.map((event) => ({ address: event.args.challenger, role: "challenger" as const, reason: "challenge-rejected", wei: event.args.bond.toString() })),
    ...disputes
      .filter((event) => event.args.bond > 0n)
      .map((event) => ({ address: event.args.challenger, role: "challenger" as const, reason: "dispute-lost", wei: event.args.bond.toString() })),
    ...serverSlashes.map((event) => ({
      address: event.args.server,
      role: "server" as const,
      reason: Number(event.args.reason) === 0 ? "wrong-share-sum" : "no-answer",
      wei: event.args.amount.toString(),
    })),
    ...clientFaults.map((event) => ({ address: event.args.client, role: "client" as const, reason: "inconsistent-shares", wei: event.args.stake.toString() })),
  ];
  // A dispute's challenge is a challenge like any other; a dispute that ended otherwise is listed once, as a dispute
  // (its AggregateFraudProven, when the aggregator timed out or its padding was not zero, is that dispute's).
  const disputeProofs = new Set(disputes.map((event) => event.transactionHash));
  const challenges: ChallengeReport[] = await Promise.all([
    ...rejected.map(async (event) => ({ ...kindOf(event.args.challenger, false, Number(event.args.leafIndex)), challenger: event.args.challenger, upheld: false, leafIndex: Number(event.args.leafIndex), gasUsed: await gasOf(runtime, event.transactionHash) })),
    ...proven
      .filter((event) => !disputeProofs.has(event.transactionHash))
      .map(async (event) => ({ ...kindOf(event.args.challenger, true, Math.floor(Number(event.args.coordinate) / VECTOR_MERKLE_LEAF_VALUES)), challenger: event.args.challenger, upheld: true, coordinate: Number(event.args.coordinate), gasUsed: await gasOf(runtime, event.transactionHash) })),
    // A dispute closed by its rejected challenge is listed as that challenge.
    ...disputes
      .filter((event) => Number(event.args.end) !== DisputeEnd.ChallengeRejected)
      .map(async (event) => {
        const end = Number(event.args.end) as DisputeEnd;
        const upheld = end === DisputeEnd.AggregatorTimedOut || end === DisputeEnd.PaddingNotZero;
        return { kind: "dispute" as const, challenger: event.args.challenger, upheld, end: DISPUTE_END_NAMES[end] ?? String(end), gasUsed: await gasOf(runtime, event.transactionHash) };
      }),
  ]);
  return { slashedParties, challenges };
}

/** The int32 `sum` tensor of a MASH aggregate; a payload without one is the aggregator's fault (shape). */
function sumTensorOf(payload: DecodedPayload): Int32Array {
  const sum = tensorData(payload, SUM_TENSOR);
  if (!(sum instanceof Int32Array)) throw new PayloadShapeMismatchError("tensors.sum", "an int32 tensor", sum === undefined ? "none" : "another dtype");
  return sum;
}

/**
 * Applies the owner's admission settings: allows the accounts not yet on the list, then sets the policy if it changes
 * (between rounds only). Returns the policy in force.
 */
export async function applyAdmission(runtime: WorkerRuntime, taskId: bigint, admission: AdmissionSettings | undefined): Promise<AdmissionReport> {
  const { verifier } = runtime;
  const current: AdmissionPolicy = await retry(() => readAdmissionPolicy(runtime, taskId));
  const allow = admission?.allow ?? [];
  const missing = (await Promise.all(allow.map(async (account) => ((await retry(() => verifier.isAllowed(taskId, account))) ? [] : [account])))).flat();
  if (missing.length > 0) {
    await sendTransaction(runtime.connection.signer, { action: `setAllowed(task ${taskId}, ${missing.length} accounts)`, send: () => verifier.setAllowed(taskId, missing, true) });
  }
  const wanted: AdmissionPolicy = { allowlistOnly: current.allowlistOnly || allow.length > 0, clientStake: admission?.clientStake ?? current.clientStake };
  if (wanted.allowlistOnly !== current.allowlistOnly || wanted.clientStake !== current.clientStake) {
    const activeRoundId = (await retry(() => verifier.taskFunds(taskId))).activeRoundId;
    if (activeRoundId !== 0n) {
      throw new AdmissionBusyError(`Task ${taskId}'s admission policy cannot change while round ${activeRoundId} is open.`, {
        details: `wait until round ${activeRoundId} ends, then run fedmash owner --task ${taskId} again with --allow / --client-stake.`,
      });
    }
    await sendTransaction(runtime.connection.signer, { action: `setAdmission(task ${taskId})`, send: () => verifier.setAdmission(taskId, wanted) });
  }
  let allowed = allow.length;
  try {
    const changes = await retry(() => verifier.queryFilter(verifier.filters.AllowlistChanged(taskId)));
    allowed = countAllowed(changes.map((event) => ({ account: event.args.account, allowed: event.args.allowed })));
  } catch (error) {
    // An RPC that caps log ranges: the count is the accounts this run allowed.
    runtime.logger.debug("could not count the allowlist from its events", { task: taskId, error });
  }
  const report: AdmissionReport = { allowlistOnly: wanted.allowlistOnly, allowed, clientStake: formatEther(wanted.clientStake) };
  runtime.logger.info("admission policy", { task: taskId, ...report });
  return report;
}

/** MASH: the task's terms, and enough in its pool for `rounds` rounds at most clients each. */
async function fundTask(runtime: WorkerRuntime, taskId: bigint, terms: VerificationTerms, maxClients: number, rounds: number): Promise<void> {
  const { verifier } = runtime;
  const funds = await retry(() => verifier.taskFunds(taskId));
  const current = funds.terms;
  if (
    current.aggregatorBond !== terms.aggregatorBond ||
    current.clientReward !== terms.clientReward ||
    current.aggregatorReward !== terms.aggregatorReward ||
    current.challengeDuration !== terms.challengeDuration
  ) {
    await sendTransaction(runtime.connection.signer, { action: `setTerms(task ${taskId})`, send: () => verifier.setTerms(taskId, terms) });
  }
  const needed = BigInt(rounds) * (BigInt(maxClients) * terms.clientReward + terms.aggregatorReward);
  if (needed > funds.pool) {
    await sendTransaction(runtime.connection.signer, { action: `fundTask(task ${taskId})`, send: () => verifier.fundTask(taskId, { value: needed - funds.pool }) });
  }
  runtime.logger.info("task terms set and pool funded", {
    task: taskId,
    bondEth: formatEther(terms.aggregatorBond),
    clientRewardEth: formatEther(terms.clientReward),
    aggregatorRewardEth: formatEther(terms.aggregatorReward),
    challengeWindowSeconds: Number(terms.challengeDuration),
    poolEth: formatEther(needed > funds.pool ? needed : funds.pool),
  });
}

export interface RunTaskReturnType {
  taskId: bigint;
  rounds: RoundReport[];
  /** Test accuracy of the model the first round started from. */
  initialAccuracy: number;
  admission: AdmissionReport;
}

export async function runTask(parameters: RunTaskParameters): Promise<RunTaskReturnType> {
  const { runtime, settings } = parameters;
  const coordinator = runtime.coordinator;
  const modelSize = modelParameterCount(settings.modelKind);
  let testSet: MnistDataset | undefined;
  const evaluator = createModel(settings.modelKind, settings.modelSeed);
  const verified = settings.mode !== "plain";
  const quantization = settings.mode === "mash" ? settings.mash : settings.mode === "shamir" ? settings.shamir : undefined;
  if (settings.mode === "shamir" && !settings.shamir) throw new TaskSettingsError("Mode shamir needs its servers, threshold, clip and scale.");
  const expectedClients = settings.expectedClients ?? settings.minClients;
  const modelAccuracy = async (cid: string): Promise<{ accuracy: number; loss: number }> => {
    const model = await fetchPayload(runtime.store, cid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize), { maxBytes: modelByteLimit(modelSize) });
    testSet ??= await loadMnist({ split: "test" });
    setFlatWeights(evaluator, flatTensor(model));
    return evaluateModel(evaluator, testSet);
  };

  let taskId = parameters.taskId;
  let currentModelCid: string;
  let admission: AdmissionReport;
  if (taskId === undefined) {
    let announced = false;
    await waitForRegistration({
      runtime,
      accounts: [settings.aggregator],
      role: Role.Aggregator,
      timeoutMs: parameters.aggregatorWaitMs ?? 0,
      pollMs: 1_000,
      onWait: () => {
        if (!announced) runtime.logger.info("waiting for the aggregator to register", { aggregator: settings.aggregator });
        announced = true;
      },
      onTimeout: () =>
        new TaskAggregatorNotRegisteredError(`${settings.aggregator} is not a registered, active aggregator.`, {
          details: "Start `fedmash aggregator` with that account first, or pass --aggregator with the right address.",
        }),
    });
    const shamir = settings.shamir;
    if (settings.mode === "shamir" && shamir) {
      // The field must hold the largest aggregate the task can produce (DP noise included): refuse before creating it.
      shamirFieldBound({
        clients: settings.maxClients,
        clip: shamir.clip,
        scale: shamir.scale,
        noiseBound: settings.dp ? integerNoiseBound({ settings: settings.dp, scale: shamir.scale, clients: expectedClients }) : 0,
      });
      let waiting = false;
      await waitForRegistration({
        runtime,
        accounts: shamir.servers,
        role: Role.Server,
        timeoutMs: parameters.aggregatorWaitMs ?? 0,
        pollMs: 1_000,
        onWait: () => {
          if (!waiting) runtime.logger.info("waiting for the servers to register", { servers: shamir.servers });
          waiting = true;
        },
        onTimeout: () =>
          new TaskServersNotRegisteredError(`Not every server of ${shamir.servers.join(", ")} is a registered, active server.`, {
            details: "Start `fedmash server` with each of those accounts first, or pass --servers with the right addresses.",
          }),
      });
    }
    // Before anything is stored or sent: settings the mask group cannot aggregate exactly are refused here.
    if (settings.mash) {
      checkMaskSettings({
        maskGroup: settings.mash.maskGroup ?? DEFAULT_MASK_GROUP,
        maxClients: settings.maxClients,
        clip: settings.mash.clip,
        scale: settings.mash.scale,
        noiseBound: settings.dp ? integerNoiseBound({ settings: settings.dp, scale: settings.mash.scale, clients: settings.maxClients }) : 0,
      });
    }
    const initial = await putPayload(runtime.store, modelPayload(initialWeights(settings.modelKind, settings.modelSeed), { round: 0, modelKind: settings.modelKind, seed: settings.modelSeed }));
    currentModelCid = initial.cid;
    const config = {
      mode: settings.mode === "mash" ? Mode.Mash : settings.mode === "shamir" ? Mode.Shamir : Mode.Plain,
      aggregator: settings.aggregator,
      modelSize,
      minClients: settings.minClients,
      maxClients: settings.maxClients,
      joinDuration: settings.joinDurationSeconds,
      submitDuration: settings.submitDurationSeconds,
      aggregateDuration: settings.aggregateDurationSeconds,
      modelKind: settings.modelKind,
      groupSize: settings.mash?.groupSize ?? 0,
      quantizationScale: quantization?.scale ?? 0,
      clipMillionths: quantization ? Math.round(quantization.clip * 1e6) : 0,
      keyDuration: settings.mash?.keyDurationSeconds ?? 0,
      shuffleDuration: settings.mash?.shuffleDurationSeconds ?? 0,
      completionDuration: settings.mash?.completionDurationSeconds ?? 0,
      minIncluded: settings.mode === "plain" ? 0 : (settings.minIncluded ?? 0),
      maskGroup: maskGroupCodeOf(settings.mash?.maskGroup ?? DEFAULT_MASK_GROUP),
    };
    const receipt = await sendTransaction(runtime.connection.signer, {
      action: settings.mode === "shamir" ? "createShamirTask" : "createTask",
      send: () =>
        settings.mode === "shamir" && shamir
          ? coordinator.createShamirTask(config, initial.cid, shamir.servers, shamir.threshold)
          : coordinator.createTask(config, initial.cid),
    });
    const createdTask = eventArg(receipt, runtime, "TaskCreated", "taskId");
    taskId = createdTask;
    runtime.logger.info("task created", { task: taskId, mode: settings.mode, initialModelCid: initial.cid, ...(shamir ? { servers: shamir.servers, threshold: shamir.threshold } : {}) });
    if (shamir?.serverBond !== undefined) {
      const serverBond = shamir.serverBond;
      await sendTransaction(runtime.connection.signer, { action: `setServerBond(task ${createdTask})`, send: () => runtime.shamir.setServerBond(createdTask, serverBond) });
      runtime.logger.info("server bond set", { task: createdTask, wei: serverBond.toString() });
    }
    if (verified) await fundTask(runtime, taskId, settings.terms ?? DEFAULT_VERIFICATION_TERMS, settings.maxClients, parameters.rounds);
    // Before the clients are told about the task, so none joins under the open default.
    admission = await applyAdmission(runtime, taskId, settings.admission);
    parameters.onAdmission?.(admission);
    await parameters.onTaskCreated?.(taskId, initial.cid);
  } else {
    if (verified) {
      const existing = await coordinator.task(taskId);
      await fundTask(runtime, taskId, settings.terms ?? DEFAULT_VERIFICATION_TERMS, Number(existing.config.maxClients), parameters.rounds);
    }
    // Between rounds: this run has opened none yet (a change while an earlier run's round is open: AdmissionBusyError).
    admission = await applyAdmission(runtime, taskId, settings.admission);
    parameters.onAdmission?.(admission);
  }

  const initialAccuracy = (await modelAccuracy((await coordinator.task(taskId)).currentModelCid)).accuracy;
  const reports: RoundReport[] = [];
  const maxClients = Number((await coordinator.task(taskId)).config.maxClients);
  const releaseContext = settings.dp ? { dp: settings.dp, expectedClients, modelSize, scale: quantization?.scale } : undefined;
  /**
   * DP accounting: every release of the task so far, read from the chain (its included counts, never the
   * aggregator's metadata), so resuming with --task keeps ε cumulative over the rounds earlier runs opened.
   */
  const releases: PrivacyRelease[] =
    releaseContext && parameters.taskId !== undefined ? await readTaskReleases(coordinator, await taskRoundIds(coordinator, taskId), releaseContext) : [];
  if (releases.length > 0) runtime.logger.info("privacy ledger read back from the chain", { task: taskId, releases: releases.length });
  /**
   * Models of rounds that finalized on-chain although their aggregate did not open its commitment (MASH: an
   * aggregateHash committing a sum nobody else holds, which no fraud proof can reach), each with the model it
   * started from: the clients refuse such a model, so the next round opens from the last one before it (any model of
   * the verified chain may be reopened). Known to this run of the owner only.
   */
  const unusableModels = new Map<string, string>();
  for (let r = 0; r < parameters.rounds; r++) {
    if (parameters.signal?.aborted) break;
    const started = Date.now();
    // The task's current model is the last finalized round's: a failed round's model is never trained on.
    currentModelCid = (await coordinator.task(taskId)).currentModelCid;
    for (let parent = unusableModels.get(currentModelCid); parent !== undefined; parent = unusableModels.get(currentModelCid)) {
      runtime.logger.warn("the task's current model came with an aggregate that does not open its commitment: opening from the model before it", {
        task: taskId,
        refused: currentModelCid,
        modelCid: parent,
      });
      currentModelCid = parent;
    }
    const receipt = await sendTransaction(runtime.connection.signer, {
      action: "openRound",
      send: () => coordinator.openRound(taskId, currentModelCid),
    });
    const roundId = eventArg(receipt, runtime, "RoundOpened", "roundId");
    const index = Number(eventArg(receipt, runtime, "RoundOpened", "index"));
    runtime.logger.info("round opened", { round: index, roundId, modelCid: currentModelCid });

    let lastKey = "";
    // A Mash round's groups are drawn by an advance after the draw block; the owner pokes until they are.
    const pokeDraw = createDrawPoker({ runtime, intervalMs: 500 });
    let view = await coordinator.round(roundId);
    while (!isTerminalPhase(Number(view.phase) as Phase)) {
      if (parameters.signal?.aborted) break;
      const phase = Number(view.phase) as Phase;
      // A MASH round's Verification ends with its challenge window (the verifier's deadline), long before the
      // coordinator's outer one, so the progress line shows the window.
      const deadline =
        phase === Phase.Verification && settings.mode === "mash"
          ? await retry(() => runtime.verifier.verification(roundId)).then((v) => (Number(v.stage) === VerificationStage.Challenge ? v.deadline : view.deadline))
          : view.deadline;
      // The deadline too: the draw restarts Grouping's.
      const key = `${phase}:${view.joinedCount}:${view.submittedCount}:${deadline}`;
      if (key !== lastKey) {
        lastKey = key;
        parameters.onProgress?.({ round: index, roundId, phase, joined: Number(view.joinedCount), submitted: Number(view.submittedCount), deadline });
      }
      if (phase === Phase.Verification) {
        // The owner keeps the verification seeds readable too (recordSeed), so a late aggregator or client still finds them.
        const seedStep = await recordSeedIfDue(runtime, roundId, KEEPER_SEED_GRACE_BLOCKS).catch((error: unknown) => runtime.logger.debug("recordSeed not accepted", { roundId, error }));
        if (seedStep !== "settled") await settleVerificationIfDue(runtime, roundId).catch((error: unknown) => runtime.logger.debug("settle not accepted", { roundId, error }));
      } else if (await pokeDraw(roundId, Number(view.mode) as Mode, phase).catch((error: unknown) => (runtime.logger.debug("draw poke not accepted", { roundId, error }), true))) {
        // Poked (or tried to): the draw, not a deadline, is what Grouping waits for.
      } else if (isAdvanceDue({ phase, deadline: view.deadline, now: BigInt(Math.floor(Date.now() / 1000)) })) {
        await sendTransaction(runtime.connection.signer, { action: `advance(round ${roundId})`, send: () => coordinator.advance(roundId) }).catch((error: unknown) =>
          runtime.logger.debug("advance not accepted", { roundId, error }),
        );
      }
      await sleep(250);
      view = await coordinator.round(roundId);
    }

    const phase = Number(view.phase) as Phase;
    parameters.onProgress?.({ round: index, roundId, phase, joined: Number(view.joinedCount), submitted: Number(view.submittedCount), deadline: 0n });
    const report: RoundReport = {
      round: index,
      roundId: roundId.toString(),
      phase: String(enumName(Phase, phase)),
      accuracy: null,
      loss: null,
      trainLoss: null,
      modelCid: currentModelCid,
      aggregateCid: null,
      included: [],
      excluded: [],
      joined: Number(view.joinedCount),
      submitted: Number(view.submittedCount),
      durationMs: 0,
      ...NO_VERIFICATION,
    };
    // A failed verification still published its aggregate: for privacy that is a release like any other.
    // Capped at the task's aggregate size; an unusable one (too large, missing, not what the chain recorded) is the
    // aggregator's fault: the report names it and goes on, and the release is still accounted from the chain.
    const unusable = (what: string, cid: string) => (error: unknown): undefined => {
      if (!isSenderFault(error)) throw error;
      runtime.logger.error(`the round's ${what} is unusable`, { round: index, roundId, aggregator: settings.aggregator, cid, reason: error.name, error });
      return undefined;
    };
    const aggregateOptions = { maxBytes: aggregateByteLimit(settings.mode, modelSize, maxClients) };
    // MASH: the aggregateHash is the Merkle root of its sum (the fraud proofs' and the dispute game's commitment).
    const fetchAggregate = (): Promise<DecodedPayload> =>
      settings.mode === "mash"
        ? fetchRootCommittedPayload(runtime.store, view.aggregateCid, view.aggregateHash, { kind: PayloadKind.Aggregate }, (payload) => aggregateSumRoot(sumTensorOf(payload)), aggregateOptions).then((fetched) => fetched.payload)
        : fetchPayload(runtime.store, view.aggregateCid, view.aggregateHash, { kind: PayloadKind.Aggregate }, aggregateOptions);
    const aggregate = view.aggregateCid !== "" ? await fetchAggregate().catch(unusable("aggregate", view.aggregateCid)) : undefined;
    if (phase === Phase.Finalized && view.aggregateCid !== "" && !aggregate) {
      report.failureReason = "AggregateUnusable";
      unusableModels.set(view.newModelCid, view.modelCid);
    }
    if (phase === Phase.Finalized && aggregate) {
      const metrics = (await modelAccuracy(view.newModelCid).catch(unusable("new model", view.newModelCid))) ?? { accuracy: null, loss: null };
      const participants = await coordinator.participants(roundId);
      const losses = await Promise.all(participants.map((p) => coordinator.submission(roundId, p)));
      const submitted = losses.filter((s) => s.submitted);
      const included = stringList(aggregate.metadata.included);
      const excluded = exclusionList(aggregate.metadata.excluded);
      const accounted = new Set([...included, ...excluded.map((e) => e.client)].map((a) => a.toLowerCase()));
      for (const participant of participants) {
        if (!accounted.has(participant.toLowerCase())) excluded.push({ client: participant, reason: "NoSubmission" });
      }
      currentModelCid = view.newModelCid;
      Object.assign(report, {
        accuracy: metrics.accuracy,
        loss: metrics.loss,
        trainLoss: submitted.length ? submitted.reduce((sum, s) => sum + lossFromFixed(s.loss), 0) / submitted.length : null,
        modelCid: view.newModelCid,
        aggregateCid: view.aggregateCid,
        included,
        excluded,
      });
    } else {
      report.failureReason ??= String(enumName(FailureReason, Number(view.failureReason)));
    }
    if (settings.mode === "mash") Object.assign(report, await mashRoundDetails(runtime, roundId));
    if (settings.mode === "shamir") Object.assign(report, await shamirRoundDetails(runtime, taskId, roundId, aggregate));
    if (verified) Object.assign(report, await verificationDetails(runtime, roundId, parameters.claimWaitMs ?? 20_000));
    if (settings.dp && releaseContext) {
      // The included count is the chain's (readRoundRelease), and in mash the holder's view of the smallest
      // included group's sum is the release accounted.
      const release = await readRoundRelease(coordinator, roundId, releaseContext);
      if (release && !releases.some((r) => r.roundId === release.roundId)) releases.push(release);
      const z =
        release?.noiseMultiplier ??
        effectiveNoiseMultiplier({ settings: settings.dp, mode: settings.mode, clients: expectedClients, modelSize, scale: quantization?.scale });
      report.privacy = {
        epsilon: composeReleases(releases.map((r) => r.noiseMultiplier), settings.dp.delta),
        epsilonAggregator: composeReleases(releases.map((r) => r.aggregatorNoiseMultiplier), settings.dp.delta),
        delta: settings.dp.delta,
        epsilonRound: release ? accountPrivacy({ noiseMultiplier: z, rounds: 1, delta: settings.dp.delta }).epsilon : 0,
        noiseMultiplier: z,
        mechanism: settings.dp.mechanism,
        releases: releases.length,
        includedClients: release?.includedClients ?? 0,
        ...(release?.smallestGroup !== undefined ? { smallestGroup: release.smallestGroup } : {}),
      };
    }
    report.durationMs = Date.now() - started;
    reports.push(report);
    parameters.onRoundDone?.(report);
    runtime.logger.info("round closed", { round: index, phase: report.phase, accuracy: report.accuracy, failureReason: report.failureReason });
  }
  return { taskId, rounds: reports, initialAccuracy, admission };
}
