// `fedmash watch`: the MASH watcher on its own account, for every round of one task. When a round's challenge window
// opens it runs watchRound (recompute the sum of the included vectors, challenge the first wrong leaf with the bond, or
// dispute a commitment no payload opens, which can outlast the window);
// when its own challenge proved fraud it claims what it is owed (its bond back and half the slash). The round loop
// persists the cursor and the rounds in the state folder, so a restarted watcher resumes.
import { BaseError } from "../errors";
import { integerNoiseBound } from "../ml/dp/integerNoiseBound";
import type { DpSettings } from "../ml/dp/parseDpSettings";
import { Mode } from "../protocol/enums";
import { routeWatcherEvent, watcherHandlers, watcherPendingAction, type WatcherAction, type WatcherRoundState } from "../protocol/watch/watcherMachine";
import { claimReward } from "./claimReward";
import { runRoundLoop, type RoundLoopHandle } from "./runRoundLoop";
import { watchRound } from "./watchRound";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** `fedmash watch` was pointed at a task that is not a MASH task (only MASH aggregates can be challenged). */
export class WatchTaskNotMashError extends BaseError {
  override name = "WatchTaskNotMashError" as const;
}

/** The pause before a failed watch is tried again: 1 s, doubling, at most 30 s. */
export function watchRetryDelayMs(attempt: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempt - 1), 30_000);
}

export interface RunWatcherParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  startBlock?: number;
  /** The task's DP settings (its clients' and aggregator's): distributed noise widens the bound of the sum. */
  dp?: DpSettings;
}

export async function runWatcher(parameters: RunWatcherParameters): Promise<RoundLoopHandle<WatcherRoundState>> {
  const { runtime, taskId } = parameters;
  const { logger } = runtime;
  const task = await runtime.coordinator.task(taskId);
  if (Number(task.config.mode) !== Mode.Mash) {
    throw new WatchTaskNotMashError(`Task ${taskId} is not a MASH task: only MASH aggregates are verified by fraud proofs.`, {
      details: "Shamir aggregates are checked by the clients' commitments; plain ones are not verified.",
    });
  }
  const self = runtime.connection.address;
  const dp = parameters.dp;
  const scale = Number(task.config.quantizationScale);
  const noiseBound = dp ? (count: number): number => integerNoiseBound({ settings: dp, scale, clients: count }) : undefined;
  logger.info("watching MASH rounds", { task: taskId, account: self, ...(dp ? { dp: dp.mechanism, noiseMultiplier: dp.noiseMultiplier, dpClip: dp.clip } : {}) });

  const perform = async (action: WatcherAction, round: WatcherRoundState): Promise<WatcherRoundState | void> => {
    if (action.type === "claim") {
      await claimReward(runtime, action.roundId);
      return watcherHandlers.confirmClaim(round);
    }
    // The bound the aggregator and the clients decode in: the task's, plus the DP noise of `count` clients (as the
    // MASH client's own watch does). Without it, a right paper-compat sum with noise could fail this watcher's
    // discrete log; watchRound then judges the posted value by the contract's rule, and disputes toward a leaf only
    // where no value is accepted at all, so an honest aggregator is never disputed for the watcher's narrower bound.
    const result = await watchRound({ runtime, roundId: action.roundId, noiseBound });
    if (result.status === "unverifiable") logger.warn("aggregate unverifiable: do not train on its model", { round: action.roundId, error: result.error });
    if (result.status === "challenged") {
      const recorded = watcherHandlers.recordWatch(round, result.status);
      return result.challenge.upheld ? watcherHandlers.recordOwnFraudProof(recorded) : recorded;
    }
    if (result.status === "disputed") {
      // An aggregate dispute (the payload did not open the commitment): a won one is this watcher's fraud proof.
      const recorded = watcherHandlers.recordWatch(round, result.status);
      return result.proven ? watcherHandlers.recordOwnFraudProof(recorded) : recorded;
    }
    return watcherHandlers.recordWatch(round, result.status);
  };

  return runRoundLoop<WatcherRoundState, WatcherAction>({
    runtime,
    startBlock: parameters.startBlock,
    initialTasks: [taskId.toString()],
    route: (state, event) => routeWatcherEvent(state.rounds, event, { taskId, address: self }),
    pendingAction: watcherPendingAction,
    actionKey: (action) => `${action.type}:${action.roundId}`,
    perform,
    onRoundChange: (round) => logger.debug("round stage", { round: round.roundId, stage: round.stage }),
    // A watch is never given up: a round that is wrong passes if nobody proves it. A failed one (an outage before the
    // dispute, which itself retries every step) is tried again with backoff; it ends by itself once the window
    // closed (watchRound then finds the round settled, or resumes this account's open dispute).
    maxActionAttempts: Number.POSITIVE_INFINITY,
    actionRetryDelayMs: watchRetryDelayMs,
  });
}
