// The Shamir server worker: registers as Role.Server with its own ECIES key (kept in its state folder, so a
// restart keeps the key clients encrypt to), learns the tasks that list it from ServersConfigured, and in every
// round of those tasks, once Aggregation freezes the submitted set, fetches each submitted client's manifest and
// its own encrypted share, decrypts it, checks it against the root its client committed to, adds them mod p,
// stores the share-sum and posts it on FedmashShamir under keccak256(payload hash ‖ root of the share-sum)
// (fedmash/shamir-commit/v1, crypto/commit/shamirCommitments.ts), the commitment a share-sum dispute opens.
// A share it cannot use (ShamirWrongServerError, ShamirShareTamperedError, ShamirShareCommitmentMismatchError, a bad
// manifest or payload) makes it withhold its share-sum for the round, logged with the client and the error's name:
// the sum must cover the whole frozen set, so leaving one client out would corrupt the aggregate. `dropInRound`
// (demo only) makes the process kill itself with SIGKILL when that round of its task enters Aggregation, before it
// posts anything.
// Before its first share-sum of a task it tops its bond up to the task's (ensureServerBond; a task asking more than
// --max-bond is served no share-sum, ServerBondAboveLimitError), and every second it answers the share-sum disputes
// of the rounds it posted in (createShareDisputeAnswerer): a dispute it leaves unanswered takes its whole bond.
// A frozen set below the task's minIncluded is never summed: the coordinator fails such a round before Aggregation
// (TooFewIncluded), and should a round still reach this server with one, it withholds its share-sum and says why,
// since t share-sums of two updates would hand each of the two clients the other's update.
import { getAddress } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { Phase, Role } from "../protocol/enums";
import {
  routeShamirServerEvent,
  shamirServerHandlers,
  shamirServerPendingAction,
  type ShamirServerAction,
  type ShamirServerRoundState,
} from "../protocol/shamir/serverMachine";
import { retry } from "../retry";
import { putPayload } from "../storage/putPayload";
import { shareSumCommitment } from "../crypto/commit/shamirCommitments";
import { SHAMIR_PRIME } from "../crypto/shamir/shamirField";
import { ensureRegistered, loadOrCreateEciesKeys } from "./ensureRegistered";
import { runRoundLoop, withTicker, type RoundLoopHandle } from "./runRoundLoop";
import { shareSumPayload } from "./shamirPayloads";
import { createCreditCollector, createShareDisputeAnswerer, ensureServerBond, ServerBondAboveLimitError, type ShareDisputeRound } from "./shareDisputes";
import { receivedSharesPath, writeReceivedShares } from "./receivedSharesFile";
import { frozenSubmissions, sumOwnShares } from "./sumOwnShares";
import { DEFAULT_SERVER_MAX_BOND_WEI } from "../config/serverConfig";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class ShamirServerPhaseError extends BaseError {
  override name = "ShamirServerPhaseError" as const;
}

export interface RunServerParameters {
  runtime: WorkerRuntime;
  startBlock?: number;
  /** Demo only: in this round index (1-based) of its task, SIGKILL itself when Aggregation opens. */
  dropInRound?: number;
  /** Called instead of SIGKILL (tests). */
  onDrop?: (roundId: bigint) => void;
  /** The most wei of bond it posts for one task (default 0.1 ETH). */
  maxBondWei?: bigint;
  /** Demo and tests only: adds this to coordinate 0 of every share-sum it posts (a lying server). */
  lieBy?: number;
}

export async function runServer(parameters: RunServerParameters): Promise<RoundLoopHandle<ShamirServerRoundState>> {
  const { runtime } = parameters;
  const { logger, coordinator, shamir } = runtime;
  const keys = loadOrCreateEciesKeys(runtime.config.stateDir);
  await ensureRegistered(runtime, Role.Server, keys);
  const self = getAddress(runtime.connection.address);
  logger.info("Shamir server ready", { account: self, ...(parameters.dropInRound ? { dropInRound: parameters.dropInRound } : {}) });

  // Rounds it posted in that the answerer found past the reach of any dispute (the bond's lock ended).
  const settled = new Set<string>();
  const answerer = createShareDisputeAnswerer({ runtime, serverPrivateKey: keys.privateKey });

  const postShareSum = async (action: ShamirServerAction, round: ShamirServerRoundState): Promise<ShamirServerRoundState | void> => {
    const { roundId, taskId } = action;
    const existing = await retry(() => shamir.shareSum(roundId, self));
    if (existing.posted) return shamirServerHandlers.confirmShareSum(round, existing.cid);
    const view = await retry(() => coordinator.round(roundId));
    if (Number(view.phase) !== Phase.Aggregation) throw new ShamirServerPhaseError(`Round ${roundId} is not in Aggregation.`, { details: `phase ${view.phase}` });
    if (parameters.dropInRound !== undefined && round.index === parameters.dropInRound) {
      logger.warn("dropping out as instructed (--drop-in-round): SIGKILL before posting the share-sum", { round: roundId });
      if (parameters.onDrop) return parameters.onDrop(roundId);
      process.kill(process.pid, "SIGKILL");
    }
    const servers = (await retry(() => shamir.servers(taskId))).map((s) => getAddress(s));
    const serverIndex = servers.indexOf(self);
    if (serverIndex < 0) throw new ShamirServerPhaseError(`This account is not a server of task ${taskId}.`);
    const { config } = await retry(() => coordinator.task(taskId));
    const modelSize = Number(config.modelSize);
    // The chain's frozen set is what the aggregate must cover, whatever events this server saw (it may have
    // started late): the included clients and the manifest each of them submitted.
    const included = await retry(() => coordinator.includedClients(roundId));
    const minIncluded = Number(config.minIncluded);
    if (included.length < minIncluded) {
      logger.error("refusing the share-sum: the frozen set is below the task's minIncluded, so the sum would expose its clients' updates", {
        round: roundId,
        included: included.length,
        minIncluded,
      });
      return shamirServerHandlers.withhold(round, { client: "", error: `TooFewIncluded (${included.length} of minIncluded ${minIncluded})` });
    }
    const submissions = await frozenSubmissions(coordinator, roundId, included);
    if (submissions.length !== action.submissions.length) {
      logger.warn("the chain's frozen set differs from the submissions this server saw; summing the chain's", { round: roundId, chain: submissions.length, seen: action.submissions.length });
    }
    const started = Date.now();
    const summed = await sumOwnShares({ store: runtime.store, roundId, submissions, servers, serverIndex, serverPrivateKey: keys.privateKey, modelSize });
    if (summed.status === "unusable") {
      logger.error("withholding the share-sum: a submitted client's share is unusable, and a sum without it would corrupt the aggregate", {
        round: roundId,
        client: summed.client,
        reason: summed.error,
        error: summed.cause,
      });
      return shamirServerHandlers.withhold(round, { client: summed.client, error: summed.error });
    }
    const clients = summed.clients;
    if (parameters.lieBy) {
      summed.shareSum[0] = (summed.shareSum[0]! + parameters.lieBy) % SHAMIR_PRIME;
      logger.warn("posting a wrong share-sum as instructed (--wrong-share-sum)", { round: roundId, coordinate: 0, by: parameters.lieBy });
    }
    try {
      await ensureServerBond(runtime, BigInt(taskId), parameters.maxBondWei ?? DEFAULT_SERVER_MAX_BOND_WEI);
    } catch (error) {
      if (!(error instanceof ServerBondAboveLimitError)) throw error;
      logger.error("withholding the share-sum: the task's server bond is above --max-bond", { round: roundId, error });
      return shamirServerHandlers.withhold(round, { client: "", error: error.name });
    }
    const stored = await putPayload(runtime.store, shareSumPayload(summed.shareSum, { roundId: roundId.toString(), round: round.index, serverIndex, server: self, clients }));
    const contentHash = shareSumCommitment(stored.contentHash, summed.shareSum);
    // Kept until no dispute can reach the round: an answer must open this share-sum and these shares even if the
    // store lost them.
    writeReceivedShares(receivedSharesPath(runtime.config.stateDir, roundId), modelSize, { payloadHash: stored.contentHash, shareSum: summed.shareSum, shares: summed.shares });
    await sendTransaction(runtime.connection.signer, {
      action: `postShareSum(round ${roundId})`,
      send: () => shamir.postShareSum(roundId, stored.cid, contentHash),
    });
    logger.info("share-sum posted", { round: roundId, serverIndex, clients: clients.length, cid: stored.cid, ms: Date.now() - started });
    return shamirServerHandlers.confirmShareSum(round, stored.cid);
  };

  const loop = await runRoundLoop<ShamirServerRoundState, ShamirServerAction>({
    runtime,
    startBlock: parameters.startBlock,
    observe: (state, event) => {
      if (event.type !== "ServersConfigured" || !event.servers.some((s) => s.toLowerCase() === self.toLowerCase())) return;
      const taskId = event.taskId.toString();
      if (state.tasks.includes(taskId)) return;
      state.tasks.push(taskId);
      logger.info("serving task", { task: taskId, serverIndex: event.servers.findIndex((s) => s.toLowerCase() === self.toLowerCase()), servers: event.servers.length, threshold: Number(event.threshold) });
    },
    route: (state, event) => routeShamirServerEvent(state.rounds, event, { address: self, servesTask: (taskId) => state.tasks.includes(taskId) }),
    pendingAction: shamirServerPendingAction,
    actionKey: (action) => `${action.type}:${action.roundId}`,
    perform: postShareSum,
    onRoundChange: (round) => logger.debug("round stage", { round: round.roundId, stage: round.stage }),
  });
  // Every round whose share-sum the chain has from it (its state says so, after a restart or a retried post too) is
  // watched until no dispute can reach it.
  const collectCredit = createCreditCollector(runtime);
  return withTicker(
    loop,
    async () => {
      const rounds: ShareDisputeRound[] = Object.values(loop.state().rounds)
        .filter((round) => round.shareSumCid !== undefined && !settled.has(round.roundId))
        .map((round) => ({ roundId: BigInt(round.roundId), taskId: BigInt(round.taskId) }));
      const live = await answerer.tick(rounds);
      for (const round of rounds) if (!live.some((other) => other.roundId === round.roundId)) settled.add(round.roundId.toString());
      // Its share of the stakes of clients whose faults its answers exposed.
      await collectCredit();
    },
    (error) => logger.error("answering share-sum disputes failed this tick; trying again in 1 s", { error }),
  );
}
