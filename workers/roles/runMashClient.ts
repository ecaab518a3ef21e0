// The client worker of MASH mode: joins, and then plays the role the contract gave it for the round. As a group
// member it takes its turn in the seed shuffle, then trains, quantizes, masks with its seed and submits the
// masked vector; as the total-sum holder it posts a fresh Paillier key, later decrypts the included groups'
// sums, sets its seed to minus their total and submits its own masked update. Everything a step produces at
// random (keys, shuffle output) is written to the state folder before it is sent, so a restart resends it; so is
// the quantized update. Its submission's contentHash commits the payload hash and the masked vector's Merkle root.
// In Verification (the challenge window) an included client watches the round (watchRound: recompute the sum of the
// included vectors, challenge the first wrong leaf with the bond), settles it once the window closed, and claims
// what the outcome pays it. Before joining any round it checks the round's input model (checkInputModel) and
// refuses, without joining or training, a model that is not verified, and a round whose challenge window is shorter
// than its --min-challenge-window (ChallengeWindowTooShortError).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AbiCoder, getBytes, hexlify, keccak256 } from "ethers";
import { BaseError } from "../errors";
import { sendTransaction } from "../chain/sendTransaction";
import { Phase, Role, VerificationOutcome } from "../protocol/enums";
import { CLIENT_DRAW_GRACE } from "../protocol/keeper";
import { lossToFixed } from "../protocol/events";
import {
  mashClientHandlers,
  mashClientPendingAction,
  routeMashClientEvent,
  type MashClientAction,
  type MashClientRoundState,
} from "../protocol/mash/clientMachine";
import type { ModelKind } from "../ml/modelLayout";
import { quantize } from "../crypto/quantize";
import { parseDpSettings, type DpSettings } from "../ml/dp/parseDpSettings";
import { privatizeDelta, privatizeQuantized } from "./privatizeUpdate";
import { getMaskGroup } from "../crypto/mask/getMaskGroup";
import { describeMaskGroup, type MaskGroup } from "../crypto/mask/maskGroup";
import { maskContext } from "../protocol/mash/maskContext";
import { checkHolderSeed } from "../protocol/mash/checkHolderSeed";
import { maskGroupIdOf } from "../protocol/maskGroupCode";
import { effectiveMinIncluded } from "../protocol/minIncluded";
import { generatePaillierKeyPair } from "../crypto/paillier/generatePaillierKeyPair";
import { serializePaillierPrivateKey } from "../crypto/paillier/serializePaillierPrivateKey";
import { deserializePaillierPrivateKey } from "../crypto/paillier/deserializePaillierPrivateKey";
import { encodePaillierPublicKey } from "../crypto/paillier/encodePaillierPublicKey";
import { decodePaillierPublicKey } from "../crypto/paillier/decodePaillierPublicKey";
import type { PaillierKeyBits } from "../crypto/paillier/types";
import { createNthPowerPool, type NthPowerPool } from "../crypto/paillier/nthPowerPool";
import { processShuffleStep } from "../crypto/shuffle/processShuffleStep";
import { finishGroupSum } from "../crypto/shuffle/finishGroupSum";
import { completeHolderSeed } from "../crypto/shuffle/completeHolderSeed";
import { encodeShuffleMessage } from "../crypto/shuffle/encodeShuffleMessage";
import { decodeShuffleMessage } from "../crypto/shuffle/decodeShuffleMessage";
import { encodeGroupSumMessage } from "../crypto/shuffle/encodeGroupSumMessage";
import { decodeGroupSumMessage } from "../crypto/shuffle/decodeGroupSumMessage";
import type { ShuffleGroup } from "../crypto/shuffle/types";
import { validateShuffleGroup } from "../crypto/shuffle/validateShuffleGroup";
import { HEADER_BYTES } from "../crypto/shuffle/wireFormat";
import { paillierCiphertextBytes } from "../crypto/paillier/types";
import { resolvePostedMessage, toPostableMessage } from "../storage/storedMessages";
import { fetchPayload } from "../storage/fetchPayload";
import { modelByteLimit } from "./payloadLimits";
import { fetchMaskedVectors } from "./fetchMaskedVectors";
import { putPayload } from "../storage/putPayload";
import type { ProgressBars } from "../progress/createProgress";
import { trackStage } from "../progress/trackStage";
import { PayloadKind } from "../storage/payloadFormat";
import { MODEL_TENSOR, expectFlat, flatTensor, maskedPayload } from "./modelPayloads";
import { ensureRegistered, loadOrCreateEciesKeys } from "./ensureRegistered";
import { joinRound } from "./joinRound";
import { createLocalTrainer, type ClientTrainingConfig } from "./createLocalTrainer";
import { runRoundLoop, type RoundLoopHandle } from "./runRoundLoop";
import { readStateFile, writeStateFile } from "./stateFile";
import { claimReward } from "./claimReward";
import { loadOrPrepareUpdate, type PreparedUpdate } from "./preparedUpdateFile";
import { integerNoiseBound } from "../ml/dp/integerNoiseBound";
import { aggregateBound } from "../crypto/quantize";
import { ShuffleGroupSumInvalidError } from "../crypto/shuffle/errors";
import { createInputModelGate } from "./createInputModelGate";
import { watchRound, type WatchRoundReturnType } from "./watchRound";
import { settleVerificationIfDue } from "./settleVerificationIfDue";
import { watchRetryDelayMs } from "./runWatcher";
import { ChainRevertError } from "../chain/errors";
import { maskedSubmissionCommitment } from "../crypto/commit/vectorCommitments";
import { sleep } from "../retry";
import type { MashWatchResult } from "../protocol/mash/clientMachine";
import type { WorkerRuntime } from "./openWorkerRuntime";

interface StoredHolderKey {
  publicKey: string;
  privateKey: unknown;
}

export class MashClientPhaseError extends BaseError {
  override name = "MashClientPhaseError" as const;
}

/** Where a demo makes a client vanish, to show that only its group is lost. */
export type MashDropPoint = "none" | "shuffle" | "submit";

export interface RunMashClientParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  training: ClientTrainingConfig;
  startBlock?: number;
  paillierBits?: PaillierKeyBits;
  dropAt?: MashDropPoint;
  /**
   * How many clients drop in the task's first round: the `dropCount` group members with the lowest addresses.
   * Every client applies the same rule to the on-chain grouping, so exactly that many drop and never the holder.
   */
  dropCount?: number;
  /** Called instead of performing the step when the client is told to drop out there (the CLI exits). */
  onDrop?: (where: MashDropPoint, roundId: bigint) => never;
  /** Differential privacy: L2 clip + noise (docs/PRIVACY.md); none when absent. */
  dp?: DpSettings;
  /** N for distributed noise: each client adds 1/N of the noise variance; defaults to the task's minClients. */
  expectedClients?: number;
  /** Live lines for masking and uploading (the CLI's progress). */
  progress?: ProgressBars;
  /** Take part in a paper-compat task (80-bit, NOT secure); refused otherwise (MaskGroupInsecureError). */
  allowInsecureMaskGroup?: boolean;
  /**
   * The shortest challenge window (seconds) this client accepts: it needs that long to fetch the included vectors
   * and recompute the sum. A round whose terms give less is refused before joining (ChallengeWindowTooShortError).
   * Default 60.
   */
  minChallengeWindow?: number;
  /**
   * Demo only. "false-challenge": challenges an honest aggregate (rejected, its bond burned, the round passes).
   * "oversized-payload": submits a masked payload twice the task's cap (the aggregator refuses it unread, posts
   * nothing, and the round fails AggregatorMissing with nobody slashed).
   */
  maliciousClient?: MaliciousClientMode;
  /** The most wei this client keeps staked for the task (--max-stake): joinRound stakes up to it when the task asks; 0 never. */
  maxStake?: bigint;
}

/** A round whose challenge window is shorter than this client needs to watch it; it does not join. */
export class ChallengeWindowTooShortError extends BaseError {
  override name = "ChallengeWindowTooShortError" as const;
}

/** Demo adversaries among the clients: see RunMashClientParameters.maliciousClient. */
export type MaliciousClientMode = "false-challenge" | "oversized-payload";

/** The demo's oversized payload is this many times the task's masked-vector cap: refused unread, yet cheap to make. */
const OVERSIZED_PAYLOAD_FACTOR = 2;

/** Seconds after the challenge window before a client settles, so the aggregator's and the owner's settle land first. */
const CLIENT_SETTLE_GRACE_SECONDS = 2;

/** A task whose mask group does not protect the updates, refused unless the client opted in. */
export class MaskGroupInsecureError extends BaseError {
  override name = "MaskGroupInsecureError" as const;
}


/** The masked vector repeated to `factor` times its length (the demo's oversized payload). */
function padMasked(masked: Uint32Array, factor: number): Uint32Array {
  const out = new Uint32Array(masked.length * factor);
  for (let k = 0; k < factor; k++) out.set(masked, k * masked.length);
  return out;
}

/** Binds every onion layer to this chain, contract, round and group, so layers cannot be replayed elsewhere. */
export function shuffleSessionId(chainId: bigint, coordinator: string, roundId: bigint, groupIndex: number): Uint8Array {
  return getBytes(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint256", "uint256"], [chainId, coordinator, roundId, groupIndex])));
}


export async function runMashClient(parameters: RunMashClientParameters): Promise<RoundLoopHandle<MashClientRoundState>> {
  const { runtime, taskId, training } = parameters;
  const { logger, coordinator } = runtime;
  const stateDir = runtime.config.stateDir;
  const eciesKeys = loadOrCreateEciesKeys(stateDir);
  await ensureRegistered(runtime, Role.Client, eciesKeys);

  const task = await coordinator.task(taskId);
  const modelKind = task.config.modelKind as ModelKind;
  const modelSize = Number(task.config.modelSize);
  const clip = Number(task.config.clipMillionths) / 1e6;
  const scale = Number(task.config.quantizationScale);
  const group: MaskGroup = getMaskGroup(maskGroupIdOf(task.config.maskGroup));
  if (!group.secure && !parameters.allowInsecureMaskGroup) {
    throw new MaskGroupInsecureError(`Task ${taskId} masks in ${describeMaskGroup(group)}: its masked updates can be unmasked from public data.`, {
      details: "Pass --allow-insecure-mask-group to take part anyway (reproducing the paper), or join a task on rlwr-2048.",
    });
  }
  const maxInlineMessageBytes = Number(await coordinator.MAX_MESSAGE_BYTES());
  const trainer = await createLocalTrainer(modelKind, training);
  // Checked before the first round, so bad settings stop the worker with a DpSettingsError instead of a round.
  const dp = parameters.dp === undefined ? undefined : parseDpSettings(parameters.dp);
  const dpClients = parameters.expectedClients ?? Number(task.config.minClients);
  const minIncluded = effectiveMinIncluded(task.config);
  const minChallengeWindow = parameters.minChallengeWindow ?? 60;
  logger.info("mash client ready", { task: taskId, model: modelKind, backend: trainer.backend, samples: trainer.samples, clip, scale, maskGroup: describeMaskGroup(group), ...(dp ? { dp: dp.mechanism, noiseMultiplier: dp.noiseMultiplier, dpClip: dp.clip, dpClients } : {}) });
  const self = runtime.connection.address;
  const holderKeyFile = (roundId: bigint): string => join(stateDir, `paillier-round-${roundId}.json`);

  /** Trained once per round, then read back on every retry or restart (loadOrPrepareUpdate says why). */
  const preparedUpdate = (roundId: bigint, round: MashClientRoundState): Promise<PreparedUpdate> =>
    loadOrPrepareUpdate(stateDir, roundId, modelSize, async () => {
      const global = flatTensor(await fetchPayload(runtime.store, round.modelCid, undefined, expectFlat(PayloadKind.Model, MODEL_TENSOR, modelSize), { maxBytes: modelByteLimit(modelSize) }));
      const result = await trainer.train(global, roundId.toString());
      const delta = dp ? privatizeDelta(result.delta, { dp, clients: dpClients, secure: true }) : result.delta;
      const rounded = quantize(delta, { clip, scale });
      // Distributed noise goes on the integers before they are written and masked: the Verification commitments
      // must cover the noised vector that was actually masked, or an honest client's commitment would not add up.
      const quantized = dp ? privatizeQuantized(rounded, { dp, clients: dpClients, scale }) : rounded;
      return { quantized, numSamples: result.numSamples, loss: result.loss, trainMs: result.durationMs };
    });

  const submitMasked = async (roundId: bigint, round: MashClientRoundState, seed: unknown): Promise<string> => {
    const result = await preparedUpdate(roundId, round);
    const quantized = result.quantized;
    const masked = await trackStage(parameters.progress, `round ${roundId} masking ${quantized.length} coordinates`, () =>
      group.mask({ quantized, seed, context: maskContext(runtime.connection.chainId, runtime.addresses.coordinator, roundId) }),
    );
    // Demo adversary: a vector padded to twice the task's masked size (the aggregator's cap refuses it unread).
    const oversized = parameters.maliciousClient === "oversized-payload";
    const vector = oversized ? padMasked(masked, OVERSIZED_PAYLOAD_FACTOR) : masked;
    const elements = vector.length / group.limbsPerElement;
    const stored = await trackStage(parameters.progress, `round ${roundId} uploading the masked update`, () =>
      putPayload(
        runtime.store,
        maskedPayload(vector, elements, group.limbsPerElement, { round: round.index, roundId: round.roundId, modelKind, numSamples: result.numSamples, loss: result.loss, maskGroup: group.id }),
      ),
    );
    if (oversized) logger.warn("MALICIOUS CLIENT: submitting an oversized masked payload", { round: roundId, elements, taskElements: modelSize });
    // The contentHash commits the payload's hash and the masked vector's Merkle root (fraud proofs open its leaves).
    const contentHash = maskedSubmissionCommitment(stored.contentHash, vector, group.limbsPerElement);
    await sendTransaction(runtime.connection.signer, {
      action: `submitUpdate(round ${roundId}, masked)`,
      send: () => coordinator.submitUpdate(roundId, stored.cid, contentHash, BigInt(result.numSamples), lossToFixed(result.loss)),
    });
    logger.info("masked update submitted", { round: roundId, cid: stored.cid, loss: Number(result.loss.toFixed(4)), trainMs: result.trainMs });
    return stored.cid;
  };

  /** Before its own update goes public, the holder checks its seed against the members' vectors (checkHolderSeed). */
  const checkHolderSeedCancels = async (roundId: bigint, members: readonly string[], holderSeed: unknown): Promise<void> => {
    // Each capped at a masked vector's exact size, 4 at a time; an unusable one is named (MashContributionInvalidError)
    // and the holder does not complete: the round could not aggregate without it anyway.
    const submissions = await Promise.all(
      members.map(async (member) => {
        const submission = await coordinator.submission(roundId, member);
        return { client: member, cid: submission.cid, contentHash: submission.contentHash };
      }),
    );
    const vectors = await fetchMaskedVectors({
      store: runtime.store,
      roundId,
      contributors: submissions,
      modelSize,
      limbsPerElement: group.limbsPerElement,
      onUnusable: (client, cid, reason) => logger.error("an included member's masked update is unusable: the holder does not complete", { round: roundId, client, cid, reason }),
    });
    const count = vectors.length + 1;
    const noise = dp ? integerNoiseBound({ settings: dp, scale, clients: count }) : 0;
    await checkHolderSeed({
      group,
      memberVectors: vectors,
      holderSeed,
      coordinates: modelSize,
      context: maskContext(runtime.connection.chainId, runtime.addresses.coordinator, roundId),
      bound: aggregateBound(count, clip, scale) + Math.ceil(noise),
      roundId,
    });
  };

  const shuffleGroupOf = async (roundId: bigint, info: NonNullable<MashClientRoundState["group"]>, holderKeyHex: string): Promise<ShuffleGroup> => {
    const keys = await Promise.all(info.members.map(async (member) => getBytes((await runtime.registry.participant(member)).encryptionKey)));
    const holderPublicKey = decodePaillierPublicKey({ bytes: getBytes(holderKeyHex) });
    if (group.secure && holderPublicKey.bits < 2048) {
      // The group sums travel under this key: below 2048 bits it is the weak link (docs/MASKING.md, "Security").
      logger.warn("the holder's Paillier key is below 2048 bits: the group sums it protects are weaker than the mask", { round: roundId, bits: holderPublicKey.bits });
    }
    return {
      groupIndex: info.index,
      sessionId: shuffleSessionId(runtime.connection.chainId, runtime.addresses.coordinator, roundId, info.index),
      memberPublicKeys: keys,
      holderPublicKey,
      seedPlaintexts: {
        count: group.seedPlaintexts.plaintextCount(holderPublicKey.bits),
        bound: group.seedPlaintexts.sumBound(1, holderPublicKey.bits) + 1n,
      },
    };
  };

  const chosenToDrop = async (where: MashDropPoint, roundId: bigint, round: MashClientRoundState): Promise<boolean> => {
    if (parameters.dropAt !== where || !parameters.onDrop || round.index !== 1) return false;
    const holder = (await coordinator.mashRound(roundId)).holder.toLowerCase();
    const members = (await coordinator.participants(roundId)).map((a) => a.toLowerCase()).filter((a) => a !== holder).sort();
    return members.slice(0, parameters.dropCount ?? 1).includes(self.toLowerCase());
  };

  /** paper-compat's discrete-log search widens by the clients' integer DP noise; the watch and the gate use the same. */
  const watchNoiseBound = dp ? (count: number) => integerNoiseBound({ settings: dp, scale, clients: count }) : undefined;
  const modelGate = createInputModelGate({
    runtime,
    taskId,
    modelSize,
    scale,
    mode: "mash",
    // A round that passed unchallenged proves nothing by itself: the sum is recomputed before its model is trained on
    // unless this client's own watch did it during the window (second audit, HIGH 1).
    verifyAggregate: async (producedBy) => {
      const result = await watchRound({
        runtime,
        roundId: BigInt(producedBy),
        noiseBound: watchNoiseBound,
        afterWindow: true,
      });
      if (result.status === "verified") return "verified";
      if (result.status === "unverifiable") return { refused: result.error.shortMessage };
      if (result.status === "closed") return { refused: `its verification did not pass (stage ${result.stage})` };
      if (result.status === "disputed") return { refused: "its committed sum is not the sum of the included vectors" };
      return { refused: `its sum is wrong at coordinate ${result.wrong.coordinate}` };
    },
  });

  const shuffleOutFile = (roundId: bigint | string): string => join(stateDir, `shuffle-round-${roundId}.json`);
  /**
   * Precomputed Paillier randomness for the round's shuffle step, by round: rⁿ does not depend on the seed, so
   * the fill starts as soon as the round is "shuffling" with the holder's key known, and runs while this member
   * waits for its predecessor. A member needs one rⁿ per seed plaintext, the leader L times as many (its own
   * item and the re-randomization of the L − 1 it receives). Dropped, with what was not used, once the step is done
   * or the round moves on.
   */
  const shufflePools = new Map<string, NthPowerPool>();
  /** Rounds whose step was computed in this run: no second fill for them while the message is being stored. */
  const shuffleComputed = new Set<string>();
  const tendShufflePool = (round: MashClientRoundState): void => {
    const id = String(round.roundId);
    const existing = shufflePools.get(id);
    if (round.stage !== "shuffling") {
      existing?.close();
      shufflePools.delete(id);
      return;
    }
    const info = round.group;
    if (existing || !info || !round.holderKey || shuffleComputed.has(id) || existsSync(shuffleOutFile(id))) return;
    let publicKey;
    try {
      publicKey = decodePaillierPublicKey({ bytes: getBytes(round.holderKey) });
    } catch {
      return; // The step itself reports a bad key.
    }
    const leader = info.position === info.members.length - 1;
    const count = group.seedPlaintexts.plaintextCount(publicKey.bits) * (leader ? info.members.length : 1);
    const pool = createNthPowerPool({ publicKey });
    shufflePools.set(id, pool);
    logger.debug("precomputing shuffle randomness", { round: id, group: info.index, position: info.position, values: count });
    pool.fill(count).catch((error: unknown) => logger.warn("precomputing shuffle randomness failed; the step computes it", { round: id, error: String(error) }));
  };

  /**
   * The challenge window is open: watch the round (watchRound). A model whose aggregate is wrong or cannot be
   * checked is never trained on, whatever the round's outcome.
   */
  const performWatch = async (roundId: bigint, round: MashClientRoundState): Promise<MashClientRoundState> => {
    const result: WatchRoundReturnType = await watchRound({
      runtime,
      roundId,
      noiseBound: watchNoiseBound,
      falseChallenge: parameters.maliciousClient === "false-challenge",
    });
    let recorded: MashWatchResult = "verified";
    switch (result.status) {
      case "closed":
        // Settled before this client looked (or not yet open): the outcome event decides the round. Nothing was
        // recomputed, so the model gate recomputes the sum before anyone trains on this round's model.
        logger.info("challenge window closed before the watch: the sum is recomputed before its model is trained on", { round: roundId, stage: result.stage });
        return mashClientHandlers.recordWatch(round, "verified");
      case "verified":
        modelGate.markAggregateVerified(round.roundId);
        break;
      case "challenged":
        recorded = "challenged";
        break;
      case "disputed":
        // The committed sum is not the true one: never trained on, whoever wins the dispute.
        recorded = result.proven ? "challenged" : "wrong";
        break;
      case "wrong":
        recorded = "wrong";
        break;
      case "unverifiable":
        recorded = "unverifiable";
        logger.warn("aggregate unverifiable: not training on its model", { round: roundId, error: result.error });
        break;
    }
    if (recorded !== "verified" && round.newModelCid) {
      modelGate.refuseModel(round.roundId, round.newModelCid, recorded === "unverifiable" && result.status === "unverifiable" ? result.error.shortMessage : `this client found the aggregate wrong (${recorded}).`);
    }
    return mashClientHandlers.recordWatch(round, recorded);
  };

  /** Settles the round once its window closed (the aggregator and the owner usually do it first; a lost race is fine). */
  const performSettleWhenDue = async (roundId: bigint, deadline: number): Promise<void> => {
    const waitMs = (deadline + CLIENT_SETTLE_GRACE_SECONDS) * 1000 - Date.now();
    if (waitMs > 0) await sleep(Math.min(waitMs, 5_000));
    if (Date.now() < (deadline + CLIENT_SETTLE_GRACE_SECONDS) * 1000) return;
    try {
      await settleVerificationIfDue(runtime, roundId);
    } catch (error) {
      if (!(error instanceof ChainRevertError)) throw error;
      logger.debug("settle lost a race (someone settled first)", { round: roundId, error: error.shortMessage });
    }
    // The VerificationSettled event moves the round on; until then, check again shortly.
    await sleep(2_000);
  };

  const perform = async (action: MashClientAction, round: MashClientRoundState): Promise<MashClientRoundState | void> => {
    const roundId = action.roundId;
    switch (action.type) {
      case "join": {
        if (!(await coordinator.hasJoined(roundId, self))) {
          // The round's terms, fixed when it opened: the window this client would have to watch it in.
          const window = Number((await runtime.verifier.verification(roundId)).terms.challengeDuration);
          if (window < minChallengeWindow) {
            const error = new ChallengeWindowTooShortError(`Round ${roundId}: its challenge window is ${window} s, below this client's --min-challenge-window ${minChallengeWindow} s.`, {
              details: `not joining. Fix: the task owner sets a longer window (fedmash owner --challenge-window ${minChallengeWindow}), or this client accepts a shorter one (--min-challenge-window ${window}).`,
            });
            logger.error("refusing the round: its challenge window is too short to watch it", { round: roundId, challengeWindow: window, minimum: minChallengeWindow, error });
            return mashClientHandlers.refuseModel(round, "challenge-window-too-short");
          }
          const refusal = await modelGate.refusal(roundId, round.modelCid);
          if (refusal) return mashClientHandlers.refuseModel(round, refusal.reason);
        }
        const joined = await joinRound({ runtime, taskId, roundId, maxStake: parameters.maxStake });
        if (joined === "refused") return mashClientHandlers.refuseModel(round, "not-admitted");
        return joined === "joined" ? mashClientHandlers.confirmJoin(round) : mashClientHandlers.missJoin(round);
      }
      case "watch":
        return performWatch(roundId, round);
      case "settle-when-due":
        return performSettleWhenDue(roundId, action.deadline);
      case "verify-and-commit":
        // Shamir's duty; a MASH round never posts T.
        throw new MashClientPhaseError(`Round ${roundId}: a MASH round is verified by fraud proofs, not by batch sums.`);
      case "claim":
        await claimReward(runtime, roundId);
        return mashClientHandlers.confirmClaim(round);
      case "post-holder-key": {
        const keyFile = holderKeyFile(roundId);
        let stored: StoredHolderKey | undefined = readStateFile<StoredHolderKey | undefined>(keyFile, undefined);
        if (!stored) {
          const pair = await generatePaillierKeyPair({ bits: parameters.paillierBits });
          stored = { publicKey: hexlify(encodePaillierPublicKey({ publicKey: pair.publicKey })), privateKey: serializePaillierPrivateKey({ privateKey: pair.privateKey }) };
          // Persisted before posting: a restart must post the same key, or the holder could not decrypt the sums.
          writeStateFile(keyFile, stored);
        }
        const view = await coordinator.mashRound(roundId);
        if (view.holderKeyHash === keccak256(stored.publicKey)) return mashClientHandlers.confirmHolderKey(round, stored.publicKey);
        await sendTransaction(runtime.connection.signer, { action: `postHolderKey(round ${roundId})`, send: () => coordinator.postHolderKey(roundId, stored.publicKey) });
        logger.info("holder key posted", { round: roundId, bits: parameters.paillierBits ?? 2048 });
        return mashClientHandlers.confirmHolderKey(round, stored.publicKey);
      }
      case "shuffle-step": {
        const info = action.group;
        const groupView = await coordinator.group(roundId, info.index);
        if (Number(groupView.shuffleStep) > info.position || groupView.sumPosted) return mashClientHandlers.confirmShuffleStep(round);
        if (Number(await coordinator.phase(roundId)) !== Phase.Shuffle) throw new MashClientPhaseError(`Round ${roundId} is not in Shuffle.`);
        if (await chosenToDrop("shuffle", roundId, round)) parameters.onDrop?.("shuffle", roundId);
        const outFile = shuffleOutFile(roundId);
        const leader = info.position === info.members.length - 1;
        let out = readStateFile<{ bytes: string } | undefined>(outFile, undefined)?.bytes;
        if (!out) {
          const shuffleGroup = validateShuffleGroup({ group: await shuffleGroupOf(roundId, info, action.holderKey) });
          const sender = info.position - 1;
          // The exact size a message from the member before us has; a stored copy any larger is refused.
          const expectedBytes = HEADER_BYTES + (sender + 1) * shuffleGroup.itemLength(sender);
          const incoming = action.incoming
            ? decodeShuffleMessage({ bytes: await resolvePostedMessage(runtime.store, getBytes(action.incoming), { maxBytes: expectedBytes }) })
            : undefined;
          const plaintexts = group.seedPlaintexts.toPlaintexts(group.decodeSeed(action.seed), shuffleGroup.holderPublicKey.bits);
          const prepared = shufflePools.get(roundId.toString());
          const pool = prepared?.publicKey.n === shuffleGroup.holderPublicKey.n ? prepared : undefined;
          const started = performance.now();
          let message: Uint8Array;
          try {
            const step = processShuffleStep({ group: shuffleGroup, memberIndex: info.position, privateKey: eciesKeys.privateKey, plaintexts, incoming, pool });
            message = leader ? encodeGroupSumMessage({ message: finishGroupSum({ group: shuffleGroup, peeled: step }) }) : encodeShuffleMessage({ message: step });
          } finally {
            // Each rⁿ is used once: whatever is left is never handed out again.
            prepared?.close();
            shufflePools.delete(roundId.toString());
            shuffleComputed.add(roundId.toString());
          }
          logger.info("shuffle step computed", { round: roundId, group: info.index, position: info.position, ms: Math.round(performance.now() - started), ...(pool?.stats ?? { precomputed: 0 }) });
          // Stored before the state file names it, so a restart posts a pointer whose content exists.
          out = hexlify((await toPostableMessage(runtime.store, message, maxInlineMessageBytes)).onChain);
          writeStateFile(outFile, { bytes: out });
        }
        const bytes = out;
        await sendTransaction(runtime.connection.signer, {
          action: `${leader ? "postGroupSum" : "postShuffleMessage"}(round ${roundId}, group ${info.index})`,
          send: () => (leader ? coordinator.postGroupSum(roundId, bytes) : coordinator.postShuffleMessage(roundId, bytes)),
        });
        logger.info(leader ? "group sum posted" : "shuffle step posted", { round: roundId, group: info.index, position: info.position, bytes: (bytes.length - 2) / 2 });
        return mashClientHandlers.confirmShuffleStep(round);
      }
      case "train-and-submit": {
        const existing = await coordinator.submission(roundId, self);
        if (existing.submitted) return mashClientHandlers.confirmSubmission(round, existing.cid);
        if (Number(await coordinator.phase(roundId)) !== Phase.Submission) throw new MashClientPhaseError(`Round ${roundId} is not in Submission.`);
        if (await chosenToDrop("submit", roundId, round)) parameters.onDrop?.("submit", roundId);
        return mashClientHandlers.confirmSubmission(round, await submitMasked(roundId, round, group.decodeSeed(action.seed)));
      }
      case "holder-submit": {
        const existing = await coordinator.submission(roundId, self);
        if (existing.submitted) return mashClientHandlers.confirmHolderSubmission(round, existing.cid);
        if (Number(await coordinator.phase(roundId)) !== Phase.Completion) throw new MashClientPhaseError(`Round ${roundId} is not in Completion.`);
        const stored = readStateFile<StoredHolderKey | undefined>(holderKeyFile(roundId), undefined);
        if (!stored) throw new MashClientPhaseError(`The holder's Paillier key for round ${roundId} is missing from ${stateDir}.`);
        const privateKey = deserializePaillierPrivateKey({ serialized: stored.privateKey });
        const sumBytes = HEADER_BYTES + group.seedPlaintexts.plaintextCount(privateKey.publicKey.bits) * paillierCiphertextBytes(privateKey.publicKey);
        const views = await Promise.all(action.groupSums.map((g) => coordinator.group(roundId, g.groupIndex)));
        const groupSums = await Promise.all(
          action.groupSums.map(async (g, k) => {
            const message = decodeGroupSumMessage({ bytes: await resolvePostedMessage(runtime.store, getBytes(g.encryptedSum), { maxBytes: sumBytes }) });
            // The leader writes the index and the count into its message; the chain is what counts.
            const members = views[k]!.members.length;
            if (message.groupIndex !== g.groupIndex || message.memberCount !== members || keccak256(g.encryptedSum) !== views[k]!.sumHash) {
              throw new ShuffleGroupSumInvalidError(g.groupIndex, `the posted sum says group ${message.groupIndex} of ${message.memberCount}, the chain group ${g.groupIndex} of ${members} (or its hash differs)`);
            }
            return message;
          }),
        );
        // The floor: the holder never unmasks a sum of fewer updates than the task allows (its own counts).
        const included = groupSums.reduce((total, g) => total + g.memberCount, 0) + 1;
        if (included < minIncluded) {
          throw new MashClientPhaseError(`Round ${roundId} includes ${included} updates, below the task's floor of ${minIncluded}: the holder does not complete its seed.`);
        }
        const { holderSeed, includedClientCount } = completeHolderSeed({
          holderPrivateKey: privateKey,
          holderPublicKey: decodePaillierPublicKey({ bytes: getBytes(stored.publicKey) }),
          groupSums,
          codec: group.seedPlaintexts,
        });
        logger.info("holder seed completed", { round: roundId, groups: action.groupSums.length, includedClients: includedClientCount });
        await checkHolderSeedCancels(roundId, views.flatMap((view) => view.members), holderSeed);
        return mashClientHandlers.confirmHolderSubmission(round, await submitMasked(roundId, round, holderSeed));
      }
    }
  };

  return runRoundLoop<MashClientRoundState, MashClientAction>({
    runtime,
    startBlock: parameters.startBlock,
    initialTasks: [taskId.toString()],
    route: (state, event) => {
      const next = routeMashClientEvent(state.rounds, event, { address: self, taskId, freshSeed: () => group.encodeSeed(group.randomSeed()) });
      if (next) tendShufflePool(next);
      // A round this client helped verify that did not pass: its new model is never trained on.
      if (next?.outcome !== undefined && event.type === "VerificationSettled" && next.outcome !== VerificationOutcome.Passed && next.newModelCid) {
        modelGate.refuseUnverified(next.roundId, next.newModelCid, next.outcome);
      }
      return next;
    },
    pendingAction: mashClientPendingAction,
    actionKey: (action) => `${action.type}:${action.roundId}`,
    // The watch (and the aggregate dispute it may play) is never given up: a wrong round nobody proves passes. A failed
    // one is tried again with backoff; it ends by itself once the window closed.
    maxActionAttempts: (action) => (action.type === "watch" ? Number.POSITIVE_INFINITY : 4),
    actionRetryDelayMs: (attempt, action) => (action.type === "watch" ? watchRetryDelayMs(attempt) : undefined),
    perform,
    // The draw is the owner's and the aggregator's to poke; a client pokes it only when they let the grace pass, so
    // that one honest participant gets the round drawn before its draw block's hash expires (DrawExpired).
    keeper: { drawGrace: CLIENT_DRAW_GRACE },
    onRoundChange: (round) => logger.debug("round stage", { round: round.roundId, stage: round.stage }),
  });
}
