// Reads a fedmash deployment into a StatusSnapshot: one eth_getLogs sweep over the four contracts for the history
// (who did what, in which transaction), then the views for the current state, all pinned to one block so the two
// agree, then the receipts of the verification transactions for their gas. The shaping is shapeStatusSnapshot's.
import { MASK_GROUP_INFO, maskGroupInfo } from "../crypto/mask/maskGroup";
import { maskGroupIdOf } from "../protocol/maskGroupCode";
import { effectiveMinIncluded } from "../protocol/minIncluded";
import { countAllowed, type AllowlistChange } from "../protocol/admission";
import type { Interface, LogDescription, Provider } from "ethers";
import type { FedmashAddresses } from "../chain/loadDeployment";
import { isRevert } from "../chain/sendTransaction";
import { parseFedmashLogs, type RawLog } from "../chain/watchCoordinatorEvents";
import type { CoordinatorEvent } from "../protocol/events";
import { Mode, type FailureReason, type Phase, type VerificationOutcome, type VerificationStage } from "../protocol/enums";
import { retry } from "../retry";
import {
  FedmashCoordinator__factory,
  FedmashRegistry__factory,
  FedmashShamir__factory,
  FedmashVerifier__factory,
} from "../../typechain-types";
import { StatusNoContractError, StatusUnknownRoundError, StatusUnknownTaskError } from "./errors";
import { parseRegistryLog } from "./parseRegistryLog";
import { shapeStatusSnapshot } from "./shapeStatusSnapshot";
import type { RegistryEvent, RoundViewData, TaskViewData } from "./statusInputs";
import type { StatusSnapshot } from "./statusSnapshot";

export interface CollectStatusParameters {
  /** Any ethers provider: a JsonRpcProvider, or hre.ethers.provider inside Hardhat. */
  provider: Provider;
  addresses: FedmashAddresses;
  /** First block of the log sweep: the deployment block (findDeploymentBlock) when known; default 0. */
  fromBlock?: number;
  /** Only this task (and its rounds). */
  taskId?: bigint;
  /** Only this round (and its task). */
  roundId?: bigint;
  /** Splits the sweep into ranges of this many blocks, for RPCs that cap eth_getLogs (many public ones do). */
  maxBlockRange?: number;
  /** Gas used per transaction hash, filled and reused across calls (a polling page reads each receipt once). */
  receiptCache?: Map<string, bigint>;
  /** Read the receipts of the verification transactions for their gas (default true). */
  gas?: boolean;
  /** Most RPC calls in flight at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
}

export type CollectStatusReturnType = StatusSnapshot;

/** Runs `work` over `items` with at most `limit` promises pending, keeping the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** A verifier log's AllowlistChanged(taskId, account, allowed), or nothing. */
function allowlistChangeOf(verifierInterface: Interface, log: RawLog): (AllowlistChange & { taskId: bigint })[] {
  let parsed: LogDescription | null;
  try {
    parsed = verifierInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return [];
  }
  if (parsed?.name !== "AllowlistChanged") return [];
  return [{ taskId: parsed.args.getValue("taskId") as bigint, account: parsed.args.getValue("account") as string, allowed: parsed.args.getValue("allowed") as boolean }];
}

function range(from: bigint, to: bigint): bigint[] {
  const ids: bigint[] = [];
  for (let id = from; id <= to; id++) ids.push(id);
  return ids;
}

export async function collectStatus(parameters: CollectStatusParameters): Promise<CollectStatusReturnType> {
  const { provider, addresses, signal } = parameters;
  const concurrency = parameters.concurrency ?? 8;
  // Transport hiccups are retried; a revert is an answer (e.g. an unknown id) and goes straight up.
  const call = <T>(operation: () => Promise<T>): Promise<T> =>
    retry(operation, { attempts: 4, signal, shouldRetry: (error) => !isRevert(error) });

  const network = await call(() => provider.getNetwork());
  const blockNumber = await call(() => provider.getBlockNumber());
  const block = await call(() => provider.getBlock(blockNumber));
  const blockTag = blockNumber;
  const overrides = { blockTag };

  const coordinatorCode = await call(() => provider.getCode(addresses.coordinator, blockTag));
  if (coordinatorCode === "0x") throw new StatusNoContractError("FedmashCoordinator", addresses.coordinator, network.chainId);

  const coordinator = FedmashCoordinator__factory.connect(addresses.coordinator, provider);
  const verifier = FedmashVerifier__factory.connect(addresses.verifier, provider);
  const shamir = FedmashShamir__factory.connect(addresses.shamir, provider);
  const registryInterface = FedmashRegistry__factory.createInterface();

  // The sweep: every fedmash log up to the pinned block, in one call unless the RPC caps the range.
  const fromBlock = parameters.fromBlock ?? 0;
  const step = parameters.maxBlockRange ?? Number.POSITIVE_INFINITY;
  const logs: RawLog[] = [];
  for (let start = fromBlock; start <= blockNumber; start += step) {
    const end = Math.min(blockNumber, start + step - 1);
    const chunk = await call(() =>
      provider.getLogs({ address: [addresses.registry, addresses.coordinator, addresses.verifier, addresses.shamir], fromBlock: start, toBlock: end }),
    );
    logs.push(...chunk);
    if (!Number.isFinite(step)) break;
  }
  const events: CoordinatorEvent[] = parseFedmashLogs(
    {
      coordinatorAddress: addresses.coordinator,
      coordinatorInterface: coordinator.interface,
      verifierAddress: addresses.verifier,
      verifierInterface: verifier.interface,
      shamirAddress: addresses.shamir,
      shamirInterface: shamir.interface,
    },
    logs,
  );
  const verifierAddress = addresses.verifier.toLowerCase();
  const allowlistChanges = logs
    .filter((log) => log.address.toLowerCase() === verifierAddress)
    .flatMap((log) => allowlistChangeOf(verifier.interface, log));
  const registryAddress = addresses.registry.toLowerCase();
  const registryEvents = logs
    .filter((log) => log.address.toLowerCase() === registryAddress)
    .map((log) => parseRegistryLog(registryInterface, log))
    .filter((event): event is RegistryEvent => event !== undefined);

  // Which tasks and rounds to read: all, or the one asked for (an unknown id is a named error, not a revert).
  const taskCount = await call(() => coordinator.taskCount(overrides));
  const roundCount = await call(() => coordinator.roundCount(overrides));
  if (parameters.taskId !== undefined && (parameters.taskId < 1n || parameters.taskId > taskCount)) {
    throw new StatusUnknownTaskError(parameters.taskId, taskCount);
  }
  if (parameters.roundId !== undefined && (parameters.roundId < 1n || parameters.roundId > roundCount)) {
    throw new StatusUnknownRoundError(parameters.roundId, roundCount);
  }
  const roundIds = parameters.roundId !== undefined ? [parameters.roundId] : range(1n, roundCount);
  const rawRounds = await mapLimit(roundIds, concurrency, async (roundId) => ({ roundId, view: await call(() => coordinator.round(roundId, overrides)) }));
  const wantedRounds = rawRounds.filter(({ view }) => parameters.taskId === undefined || view.taskId === parameters.taskId);
  const taskIds =
    parameters.roundId !== undefined
      ? [wantedRounds[0].view.taskId]
      : parameters.taskId !== undefined
        ? [parameters.taskId]
        : range(1n, taskCount);

  const tasks: TaskViewData[] = await mapLimit(taskIds, concurrency, async (taskId) => {
    const view = await call(() => coordinator.task(taskId, overrides));
    const mode = Number(view.config.mode) as Mode;
    const data: TaskViewData = {
      taskId,
      owner: view.owner,
      mode,
      aggregator: view.config.aggregator,
      config: {
        modelKind: view.config.modelKind,
        modelSize: Number(view.config.modelSize),
        minClients: Number(view.config.minClients),
        maxClients: Number(view.config.maxClients),
        joinDuration: Number(view.config.joinDuration),
        submitDuration: Number(view.config.submitDuration),
        aggregateDuration: Number(view.config.aggregateDuration),
        groupSize: Number(view.config.groupSize),
        keyDuration: Number(view.config.keyDuration),
        shuffleDuration: Number(view.config.shuffleDuration),
        completionDuration: Number(view.config.completionDuration),
        quantizationScale: Number(view.config.quantizationScale),
        clipMillionths: Number(view.config.clipMillionths),
        ...(mode === Mode.Mash ? { maskGroup: maskGroupInfo(MASK_GROUP_INFO[maskGroupIdOf(view.config.maskGroup)]) } : {}),
        ...(mode !== Mode.Plain ? { minIncluded: effectiveMinIncluded(view.config) } : {}),
      },
      currentModelCid: view.currentModelCid,
      roundCount: view.roundCount,
      lastRoundId: view.lastRoundId,
    };
    if (mode !== Mode.Plain) {
      const funds = await call(() => verifier.taskFunds(taskId, overrides));
      data.funds = {
        aggregatorBond: funds.terms.aggregatorBond,
        clientReward: funds.terms.clientReward,
        aggregatorReward: funds.terms.aggregatorReward,
        pool: funds.pool,
        bond: funds.bond,
        activeRoundId: funds.activeRoundId,
      };
    }
    // An older verifier has no admission view: the line is left out rather than the status failing.
    const admission = await call(() => verifier.admission(taskId, overrides)).catch(() => undefined);
    if (admission) {
      data.admission = { allowlistOnly: admission.allowlistOnly, clientStake: admission.clientStake, allowed: countAllowed(allowlistChanges.filter((c) => c.taskId === taskId)) };
    }
    if (mode === Mode.Shamir) {
      data.servers = [...(await call(() => shamir.servers(taskId, overrides)))];
      data.threshold = Number(await call(() => shamir.threshold(taskId, overrides)));
    }
    return data;
  });

  const rounds: RoundViewData[] = await mapLimit(wantedRounds, concurrency, async ({ roundId, view }) => {
    const mode = Number(view.mode) as Mode;
    const data: RoundViewData = {
      roundId,
      taskId: view.taskId,
      index: Number(view.index),
      mode,
      phase: Number(view.phase) as Phase,
      deadline: Number(view.deadline),
      openedAt: Number(view.openedAt),
      modelCid: view.modelCid,
      submittedCount: Number(view.submittedCount),
      failureReason: Number(view.failureReason) as FailureReason,
      participants: [...(await call(() => coordinator.participants(roundId, overrides)))],
    };
    if (mode === Mode.Mash) {
      const mash = await call(() => coordinator.mashRound(roundId, overrides));
      const groups = await mapLimit(range(0n, mash.groupCount - 1n), concurrency, (index) => call(() => coordinator.group(roundId, index, overrides)));
      data.mash = {
        holder: mash.holder,
        groupingSeed: mash.groupingSeed,
        groupSumCount: Number(mash.groupSumCount),
        includedGroupCount: Number(mash.includedGroupCount),
        includedClientCount: Number(mash.includedClientCount),
        holderSubmitted: mash.holderSubmitted,
        groups: groups.map((group) => ({
          members: [...group.members],
          shuffleStep: Number(group.shuffleStep),
          sumPosted: group.sumPosted,
          included: group.included,
          submittedCount: Number(group.submittedCount),
        })),
      };
    }
    if (mode !== Mode.Plain) {
      const verification = await call(() => verifier.verification(roundId, overrides));
      data.verification = {
        stage: Number(verification.stage) as VerificationStage,
        outcome: Number(verification.outcome) as VerificationOutcome,
        deadline: Number(verification.deadline),
        includedCount: Number(verification.includedCount),
        committedCount: Number(verification.committedCount),
        challengeCount: Number(verification.challengeCount),
        sampleSeed: verification.sampleSeed,
        reserved: verification.reserved,
        unclaimed: verification.unclaimed,
        slashed: verification.slashed,
      };
    }
    return data;
  });

  // Gas of the verification's transactions (only the secure modes have one), each receipt read once per cache.
  const gasUsed = parameters.receiptCache ?? new Map<string, bigint>();
  if (parameters.gas ?? true) {
    const verified = new Set(rounds.filter((round) => round.mode !== Mode.Plain).map((round) => round.roundId));
    const hashes = new Set<string>();
    for (const event of events) {
      if (!("roundId" in event) || !verified.has(event.roundId)) continue;
      if (["AggregatePosted", "BatchSumsPosted", "CommitmentPosted", "VerificationSettled"].includes(event.type)) {
        hashes.add(event.transactionHash.toLowerCase());
      }
    }
    const missing = [...hashes].filter((hash) => !gasUsed.has(hash));
    await mapLimit(missing, concurrency, async (hash) => {
      const receipt = await call(() => provider.getTransactionReceipt(hash));
      if (receipt) gasUsed.set(hash, receipt.gasUsed);
    });
  }

  return shapeStatusSnapshot({
    chainId: network.chainId,
    blockNumber,
    blockTimestamp: block?.timestamp ?? Math.floor(Date.now() / 1000),
    generatedAt: new Date(),
    fromBlock,
    contracts: addresses,
    events,
    registryEvents,
    views: { tasks, rounds },
    gasUsed,
  });
}
