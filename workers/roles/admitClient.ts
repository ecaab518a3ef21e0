// A client's admission to a task, before it joins a round: it reads the task's policy (FedmashVerifier.admission)
// and its own standing, and joins, stakes the difference first (within its --max-stake), or refuses the round with
// a one-line named error that says the fix: NotAdmittedError (an allowlist-only task that does not list it) or
// StakeRequiredError (a stake above --max-stake). A join the coordinator still refuses (VerifierNotAdmitted, e.g.
// the owner changed the allowlist meanwhile) becomes the same errors (notAdmittedFromRevert). Nothing is ever
// withdrawn automatically: the stake stays until the client asks (withdrawClientStake, `fedmash client --withdraw-stake T`).
import { formatEther } from "ethers";
import { BaseError } from "../errors";
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { decideAdmission, type AdmissionPolicy, type AdmissionStanding } from "../protocol/admission";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** The task is allowlist-only and does not list this account: it may not join. */
export class NotAdmittedError extends BaseError {
  override name = "NotAdmittedError" as const;
  constructor(
    readonly taskId: bigint,
    readonly account: string,
  ) {
    super(`Task ${taskId} admits only the accounts its owner allowed, and ${account} is not one of them: not joining. Fix: ask the task's owner to allow it (fedmash owner --task ${taskId} --allow ${account}), or use an allowed account.`);
  }
}

/** The task requires a stake this client does not hold and may not make by itself (above its --max-stake). */
export class StakeRequiredError extends BaseError {
  override name = "StakeRequiredError" as const;
  constructor(
    readonly taskId: bigint,
    readonly account: string,
    readonly requiredStake: bigint,
    readonly staked: bigint,
    readonly maxStake: bigint,
  ) {
    super(
      `Task ${taskId} requires a stake of ${formatEther(requiredStake)} ETH to join; ${account} has ${formatEther(staked)} ETH staked and its --max-stake is ${formatEther(maxStake)} ETH: not joining. ` +
        `Fix: run the client with --max-stake ${formatEther(requiredStake)} (it stakes the difference itself), or stake by hand (FedmashVerifier.stake(${taskId}) with ${formatEther(requiredStake - staked)} ETH).`,
    );
  }
}

export type AdmissionRefusedError = NotAdmittedError | StakeRequiredError;

/** The stake cannot be withdrawn yet: the client is in the task's open round (VerifierStakeLocked). */
export class StakeLockedError extends BaseError {
  override name = "StakeLockedError" as const;
}

export interface AdmitClientParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  /** The most wei this client keeps staked for the task; 0 never stakes. */
  maxStake: bigint;
}

/** Admitted (after staking `staked` wei, 0 when nothing was needed), or refused with the named error. */
export type AdmitClientReturnType = { admitted: true; staked: bigint } | { admitted: false; error: AdmissionRefusedError };

export async function readAdmissionPolicy(runtime: Pick<WorkerRuntime, "verifier">, taskId: bigint): Promise<AdmissionPolicy> {
  const policy = await runtime.verifier.admission(taskId);
  return { allowlistOnly: policy.allowlistOnly, clientStake: policy.clientStake };
}

export async function admitClient(parameters: AdmitClientParameters): Promise<AdmitClientReturnType> {
  const { runtime, taskId, maxStake } = parameters;
  const { verifier } = runtime;
  const self = runtime.connection.address;
  const policy = await readAdmissionPolicy(runtime, taskId);
  // Open admission (the zero policy) needs nothing more.
  if (!policy.allowlistOnly && policy.clientStake === 0n) return { admitted: true, staked: 0n };
  const [allowed, staked] = await Promise.all([verifier.isAllowed(taskId, self), verifier.stakeOf(taskId, self)]);
  const standing: AdmissionStanding = { allowed, staked };
  const decision = decideAdmission(policy, standing, maxStake);
  switch (decision.action) {
    case "join":
      return { admitted: true, staked: 0n };
    case "refuse":
      return {
        admitted: false,
        error: decision.reason === "not-allowed" ? new NotAdmittedError(taskId, self) : new StakeRequiredError(taskId, self, policy.clientStake, staked, maxStake),
      };
    case "stake": {
      // One attempt only: a resend after a lost receipt would stake twice, past --max-stake (second audit, MEDIUM 2).
      // On any failure the stake is read back; if it landed, that is all that was wanted, and if not, the join step
      // is retried and decides again from the chain.
      const target = staked + decision.amount;
      await sendTransaction(runtime.connection.signer, {
        action: `stake(task ${taskId})`,
        attempts: 1,
        send: () => verifier.stake(taskId, { value: decision.amount }),
      }).catch(async (error: unknown) => {
        if ((await verifier.stakeOf(taskId, self)) >= target) return;
        throw error;
      });
      runtime.logger.info("staked for the task", { task: taskId, stakedEth: formatEther(decision.amount), totalEth: formatEther(policy.clientStake) });
      return { admitted: true, staked: decision.amount };
    }
  }
}

/** The coordinator's VerifierNotAdmitted(taskId, account, allowed, staked, requiredStake) as the named error; else undefined. */
export function notAdmittedFromRevert(error: unknown, maxStake: bigint): AdmissionRefusedError | undefined {
  if (!(error instanceof ChainRevertError) || error.errorName !== "VerifierNotAdmitted") return undefined;
  const [taskId, account, allowed, staked, requiredStake] = error.errorArgs;
  if (typeof taskId !== "bigint" || typeof account !== "string" || typeof staked !== "bigint" || typeof requiredStake !== "bigint") return undefined;
  // `allowed` alone cannot tell an allowlist-only task (not listed) from an open one (nobody is listed): a short stake
  // is named first, since it is the one the revert proves.
  void allowed;
  return staked < requiredStake ? new StakeRequiredError(taskId, account, requiredStake, staked, maxStake) : new NotAdmittedError(taskId, account);
}

/**
 * Sends this client's whole stake for the task back (withdrawStake); resolves the wei withdrawn, 0 when nothing was
 * staked. While the client is in the task's open round the stake is locked: StakeLockedError, with the round.
 */
export async function withdrawClientStake(runtime: WorkerRuntime, taskId: bigint): Promise<bigint> {
  const { verifier } = runtime;
  const staked = await verifier.stakeOf(taskId, runtime.connection.address);
  if (staked === 0n) {
    runtime.logger.info("nothing staked for the task", { task: taskId });
    return 0n;
  }
  try {
    await sendTransaction(runtime.connection.signer, { action: `withdrawStake(task ${taskId})`, send: () => verifier.withdrawStake(taskId, staked) });
  } catch (error) {
    if (error instanceof ChainRevertError && error.errorName === "VerifierStakeLocked") {
      const roundId = error.errorArgs[2];
      throw new StakeLockedError(`The stake of ${runtime.connection.address} for task ${taskId} is locked while it is in round ${String(roundId)}.`, {
        details: `run fedmash client --withdraw-stake ${taskId} again once round ${String(roundId)} is finalized or failed.`,
        cause: error,
      });
    }
    throw error;
  }
  runtime.logger.info("stake withdrawn", { task: taskId, eth: formatEther(staked) });
  return staked;
}
