// Drives one Shamir round through the real coordinator, FedmashShamir and verifier on the in-process Hardhat
// network, from opening to the claims: who joins, who never submits (and so is left out of the frozen set), which
// servers never post their share-sum, then Verification exactly as in a Mash round (driveVerification), with real
// BN254 commitments to random quantized updates whose exact sum is the aggregate. The contracts only store, hash
// or emit the manifest and share-sum CIDs, so no share is computed here: the gas depends on the CIDs' length, not
// on what they name. Every transaction's gas is logged by function name, as in driveMashRound.
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { FedmashShamir } from "../../typechain-types";
import { cidShaped } from "./cidShaped";
import {
  driveVerification,
  emptyVerificationResult,
  type VerificationBehaviour,
  type VerificationResult,
  type VerificationStop,
} from "./driveVerification";
import { Phase } from "./enums";
import { RoundDriverError } from "./roundDriverError";
import { startRoundDriver, type RoundDriverParameters } from "./startRoundDriver";

/** `aggregation`: the share-sums are posted and the aggregate is due; the later stops are driveVerification's. */
export type ShamirRoundStop = VerificationStop;

export interface ShamirRoundBehaviour extends VerificationBehaviour {
  /** Clients that join, in order; all the given clients by default. */
  joiners?: readonly HardhatEthersSigner[];
  /** How many joiners, the last ones, never submit: Submission runs to its deadline and leaves them out. */
  nonSubmitters?: number;
  /** Servers, by index in the task's order, that never post their share-sum. */
  silentServers?: readonly number[];
}

export interface DriveShamirRoundParameters extends RoundDriverParameters {
  shamir: FedmashShamir;
  /** The task's servers, in its order (`shamir.servers(taskId)`). */
  servers: readonly HardhatEthersSigner[];
  behaviour?: ShamirRoundBehaviour;
  /** The CID sent for a label ("manifest <address> round <id>", "share-sum <index> round <id>", …); shaped like
   * a CIDv1 by default. */
  cid?: (label: string) => string;
  until?: ShamirRoundStop;
}

export interface DriveShamirRoundReturnType extends VerificationResult {
  roundId: bigint;
  /** The coordinator's phase when the driver stopped. */
  phase: Phase;
  /** The frozen set: every client that submitted before Aggregation, in chain order. */
  included: HardhatEthersSigner[];
  /** Every submitted client's quantized update, by address. */
  updates: Map<string, Int32Array>;
  /** The servers whose share-sum is on-chain, in posting order. */
  shareSumPosters: HardhatEthersSigner[];
}

export async function driveShamirRound(parameters: DriveShamirRoundParameters): Promise<DriveShamirRoundReturnType> {
  const { coordinator, shamir, taskId, servers } = parameters;
  const behaviour = parameters.behaviour ?? {};
  const cid = parameters.cid ?? cidShaped;
  const taskServers = await shamir.servers(taskId);
  if (taskServers.join() !== servers.map((server) => server.address).join()) {
    throw new RoundDriverError("the servers are not the task's, in its order", `task ${taskId}: ${taskServers.join(", ")}`);
  }
  for (const index of behaviour.silentServers ?? []) {
    if (index >= servers.length) throw new RoundDriverError("a silent server does not exist", `server ${index} of ${servers.length}`);
  }
  const driver = await startRoundDriver({ ...parameters, cid });
  const { roundId, send, signerOf, advanceLate, phaseNow } = driver;
  const result: DriveShamirRoundReturnType = {
    ...emptyVerificationResult(driver.modelSize),
    roundId,
    phase: Phase.Joining,
    included: [],
    updates: driver.updates,
    shareSumPosters: [],
  };
  const stopped = async (): Promise<DriveShamirRoundReturnType> => ({ ...result, phase: await phaseNow() });

  // Joining: the join that fills the round starts Submission; otherwise the keeper does at the deadline.
  const joiners = behaviour.joiners ?? parameters.clients;
  await driver.joinAll(joiners, "join (last: starts submission)");
  if ((await phaseNow()) === Phase.Joining && (await advanceLate()) !== Phase.Submission) return stopped();

  // Submission: each submitter's CID is its share manifest's; the last joiner's submission freezes the set.
  const submitters = joiners.slice(0, joiners.length - (behaviour.nonSubmitters ?? 0));
  for (const [index, client] of submitters.entries()) {
    const name = index === joiners.length - 1 ? "submitUpdate (last: starts aggregation)" : "submitUpdate";
    await driver.submit(name, client, `manifest ${client.address} round ${roundId}`);
  }
  if ((await phaseNow()) === Phase.Submission && (await advanceLate()) !== Phase.Aggregation) return stopped();
  result.included = [...(await coordinator.includedClients(roundId))].map(signerOf);

  // Aggregation: each server that is not silent posts its share-sum.
  for (const [index, server] of servers.entries()) {
    if (behaviour.silentServers?.includes(index)) continue;
    const shareSumCid = cid(`share-sum ${index} round ${roundId}`);
    await ensureServerBond(shamir, parameters.taskId, server);
    const first = (await shamir.shareSumCount(roundId)) === 0n;
    await send(first ? "postShareSum (first)" : "postShareSum", shamir.connect(server).postShareSum(roundId, shareSumCid, ethers.id(shareSumCid)));
    result.shareSumPosters.push(server);
  }

  // Aggregation → Verification.
  Object.assign(result, await driveVerification(driver, { included: result.included, behaviour, until: parameters.until ?? "claimed" }));
  return stopped();
}

/**
 * Tops the server's bond for the task up to what the task requires, outside the gas records: a server deposits once
 * per task, not per round (FedmashShamir.depositServerBond).
 */
export async function ensureServerBond(shamir: FedmashShamir, taskId: bigint, server: HardhatEthersSigner): Promise<void> {
  const required = await shamir.serverBondOf(taskId);
  const { bond } = await shamir.bondOf(taskId, server.address);
  if (bond < required) await (await shamir.connect(server).depositServerBond(taskId, { value: required - bond })).wait();
}
