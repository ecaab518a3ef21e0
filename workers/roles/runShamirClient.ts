// The client worker of Shamir mode: joins its task's rounds (after checking the round's input model, as every
// verified mode does), trains, optionally privatizes (L2 clip and Gaussian noise; distributed noise goes on the
// quantized integers so only the reconstructed sum carries all of it), quantizes with the task's clip and scale,
// splits every coordinate into n Shamir shares over p = 2^31 - 1, encrypts share j to server j's registry key,
// stores each share and a manifest of their CIDs and of the roots of the plaintext shares in server order, and
// submits the manifest under the commitment keccak256(manifest hash ‖ shareRootsHash(roots)) (fedmash/shamir-commit/v1,
// crypto/commit/shamirCommitments.ts), which a server's share-sum dispute opens. The quantized update
// is kept in the state folder before the submission, since the Verification commitment must be to exactly what
// was shared. Verification is the MASH client's: check the aggregate against T, commit, claim.
import { getAddress, getBytes } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { BaseError } from "../errors";
import { Phase, Role, VerificationOutcome } from "../protocol/enums";
import { lossToFixed } from "../protocol/events";
import {
  routeShamirClientEvent,
  shamirClientHandlers,
  shamirClientPendingAction,
  type ShamirClientAction,
  type ShamirClientRoundState,
} from "../protocol/shamir/clientMachine";
import type { ModelKind } from "../ml/modelLayout";
import type { DpSettings } from "../ml/dp/parseDpSettings";
import { integerNoiseBound } from "../ml/dp/integerNoiseBound";
import { quantize } from "../crypto/quantize";
import { shareVector } from "../crypto/shamir/shareVector";
import { tamperLastShare } from "../protocol/shamir/tamperShares";
import { shamirFieldBound } from "../crypto/shamir/shamirFieldBound";
import { retry } from "../retry";
import { fetchPayload } from "../storage/fetchPayload";
import { modelByteLimit } from "./payloadLimits";
import type { ProgressBars } from "../progress/createProgress";
import { PayloadKind } from "../storage/payloadFormat";
import { MODEL_TENSOR, expectFlat, flatTensor } from "./modelPayloads";
import { ensureRegistered, loadOrCreateEciesKeys } from "./ensureRegistered";
import { joinRound } from "./joinRound";
import { createLocalTrainer, type ClientTrainingConfig } from "./createLocalTrainer";
import { runRoundLoop, type RoundLoopHandle } from "./runRoundLoop";
import { CLIENT_DRAW_GRACE } from "../protocol/keeper";
import { claimReward } from "./claimReward";
import { createInputModelGate } from "./createInputModelGate";
import { verifyAndCommit } from "./verifyAndCommit";
import { privatizeDelta, privatizeQuantized } from "./privatizeUpdate";
import { quantizedUpdatePath, writeQuantizedUpdate } from "./quantizedUpdateFile";
import { storeShareSubmission } from "./storeShareSubmission";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class ShamirClientPhaseError extends BaseError {
  override name = "ShamirClientPhaseError" as const;
}

export interface RunShamirClientParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  training: ClientTrainingConfig;
  startBlock?: number;
  /** Differential privacy of this client's updates (worker-side: the contract does not know it). */
  dp?: DpSettings;
  /** N, the clients distributed noise is split over; default the task's minClients. */
  expectedClients?: number;
  /** Live lines for sharing and uploading (the CLI's progress). */
  progress?: ProgressBars;
  /** The most wei this client keeps staked for the task (--max-stake): joinRound stakes up to it when the task asks; 0 never. */
  maxStake?: bigint;
  /**
   * Demo only (--inconsistent-shares): the last server's share is moved off the polynomial at coordinate 0 before the
   * roots are committed (tamperLastShare), so that server sums it, the share-sums disagree at leaf 0, and the dispute
   * that follows convicts this client (its stake is forfeited).
   */
  inconsistentShares?: boolean;
}

export async function runShamirClient(parameters: RunShamirClientParameters): Promise<RoundLoopHandle<ShamirClientRoundState>> {
  const { runtime, taskId, training, dp } = parameters;
  const { logger, coordinator, shamir } = runtime;
  const stateDir = runtime.config.stateDir;
  await ensureRegistered(runtime, Role.Client, loadOrCreateEciesKeys(stateDir));

  const task = await retry(() => coordinator.task(taskId));
  const modelKind = task.config.modelKind as ModelKind;
  const modelSize = Number(task.config.modelSize);
  const clip = Number(task.config.clipMillionths) / 1e6;
  const scale = Number(task.config.quantizationScale);
  const expectedClients = parameters.expectedClients ?? Number(task.config.minClients);
  const servers = (await retry(() => shamir.servers(taskId))).map((s) => getAddress(s));
  const threshold = Number(await retry(() => shamir.threshold(taskId)));
  // Server keys are read once: a server that rotates its key mid-task would need a restart of its clients.
  const serverKeys = await Promise.all(servers.map(async (server) => getBytes((await retry(() => runtime.registry.participant(server))).encryptionKey)));
  // The field must hold the largest aggregate this task can produce, DP noise included; refuse to share otherwise.
  const fieldBound = shamirFieldBound({ clients: Number(task.config.maxClients), clip, scale, noiseBound: dp ? integerNoiseBound({ settings: dp, scale, clients: expectedClients }) : 0 });
  const trainer = await createLocalTrainer(modelKind, training);
  const self = getAddress(runtime.connection.address);
  logger.info("Shamir client ready", {
    task: taskId,
    model: modelKind,
    backend: trainer.backend,
    samples: trainer.samples,
    clip,
    scale,
    servers: servers.length,
    threshold,
    fieldBound,
    ...(dp ? { dp: dp.mechanism, noiseMultiplier: dp.noiseMultiplier, dpClip: dp.clip, delta: dp.delta, expectedClients } : {}),
  });
  const modelGate = createInputModelGate({ runtime, taskId, modelSize, scale, mode: "shamir" });

  const trainAndSubmit = async (roundId: bigint, round: ShamirClientRoundState): Promise<string> => {
    const global = flatTensor(await fetchPayload(runtime.store, round.modelCid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize), { maxBytes: modelByteLimit(modelSize) }));
    const result = await trainer.train(global, roundId.toString());
    const delta = dp ? privatizeDelta(result.delta, { dp, clients: expectedClients, secure: true }) : result.delta;
    const quantized = dp ? privatizeQuantized(quantize(delta, { clip, scale }), { dp, clients: expectedClients, scale }) : quantize(delta, { clip, scale });
    // Before the submission: the commitment in Verification must be to exactly this vector.
    writeQuantizedUpdate(quantizedUpdatePath(stateDir, roundId), quantized);
    const started = Date.now();
    const honestShares = shareVector(quantized, { servers: servers.length, threshold });
    const shares = parameters.inconsistentShares ? tamperLastShare(honestShares) : honestShares;
    if (parameters.inconsistentShares) {
      logger.warn("MALICIOUS CLIENT: the last server's share is off the polynomial at coordinate 0, and committed as such (--inconsistent-shares)", { round: roundId, server: servers.length - 1 });
    }
    const sharing = parameters.progress?.bar(`round ${roundId} sharing to ${servers.length} servers`, servers.length);
    const manifest = await storeShareSubmission({
      store: runtime.store,
      roundId,
      shares,
      serverKeys,
      manifest: { roundId: roundId.toString(), round: round.index, client: self, modelKind, modelSize, threshold, servers, numSamples: result.numSamples, loss: result.loss },
      onShareStored: (stored) => sharing?.update(stored, "encrypted and uploaded"),
    }).finally(() => sharing?.done());
    const shareMs = Date.now() - started;
    await sendTransaction(runtime.connection.signer, {
      action: `submitUpdate(round ${roundId}, shares)`,
      send: () => coordinator.submitUpdate(roundId, manifest.cid, manifest.contentHash, BigInt(result.numSamples), lossToFixed(result.loss)),
    });
    logger.info("shares submitted", { round: roundId, manifest: manifest.cid, servers: servers.length, threshold, loss: Number(result.loss.toFixed(4)), trainMs: result.durationMs, shareMs });
    return manifest.cid;
  };

  const perform = async (action: ShamirClientAction, round: ShamirClientRoundState): Promise<ShamirClientRoundState | void> => {
    const roundId = action.roundId;
    switch (action.type) {
      case "join": {
        if (!(await coordinator.hasJoined(roundId, self))) {
          const refusal = await modelGate.refusal(roundId, round.modelCid);
          if (refusal) return shamirClientHandlers.refuseModel(round, refusal.reason);
        }
        const joined = await joinRound({ runtime, taskId, roundId, maxStake: parameters.maxStake });
        if (joined === "refused") return shamirClientHandlers.refuseModel(round, "not-admitted");
        return joined === "joined" ? shamirClientHandlers.confirmJoin(round) : shamirClientHandlers.missJoin(round);
      }
      case "train-and-submit": {
        const existing = await coordinator.submission(roundId, self);
        if (existing.submitted) return shamirClientHandlers.confirmSubmission(round, existing.cid);
        if (Number(await coordinator.phase(roundId)) !== Phase.Submission) throw new ShamirClientPhaseError(`Round ${roundId} is not in Submission.`);
        return shamirClientHandlers.confirmSubmission(round, await trainAndSubmit(roundId, round));
      }
      case "verify-and-commit": {
        const result = await verifyAndCommit({ runtime, modelSize, ...action });
        if (result.status === "settled") return;
        if (result.status === "refused") return shamirClientHandlers.refuseAggregate(round);
        return shamirClientHandlers.confirmCommitment(round);
      }
      case "claim":
        await claimReward(runtime, roundId);
        return shamirClientHandlers.confirmClaim(round);
    }
  };

  return runRoundLoop<ShamirClientRoundState, ShamirClientAction>({
    runtime,
    startBlock: parameters.startBlock,
    initialTasks: [taskId.toString()],
    route: (state, event) => {
      const next = routeShamirClientEvent(state.rounds, event, { address: self, taskId });
      // A round this client helped verify that did not pass: its new model is never trained on.
      if (next?.outcome !== undefined && event.type === "VerificationSettled" && next.outcome !== VerificationOutcome.Passed && next.newModelCid) {
        modelGate.refuseUnverified(next.roundId, next.newModelCid, next.outcome);
      }
      return next;
    },
    pendingAction: shamirClientPendingAction,
    // Backs the keepers up: records a verification seed nobody recorded (after a longer grace), so an aggregator
    // cannot make the round end SeedExpired just because the owner's loop is offline. (No draw in Shamir rounds.)
    keeper: { drawGrace: CLIENT_DRAW_GRACE },
    actionKey: (action) => `${action.type}:${action.roundId}`,
    perform,
    onRoundChange: (round) => logger.debug("round stage", { round: round.roundId, stage: round.stage }),
  });
}
