// `fedmash watch`: the MASH watcher on its own account, for every round of one task. When a round's challenge window
// opens it runs watchRound (recompute the sum of the included vectors, challenge the first wrong leaf with the bond, or
// dispute a commitment no payload opens, which can outlast the window);
// when its own challenge proved fraud it claims what it is owed (its bond back and half the slash). The round loop
// persists the cursor and the rounds in the state folder, so a restarted watcher resumes.
import { BaseError } from "../errors";
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

export interface RunWatcherParameters {
  runtime: WorkerRuntime;
  taskId: bigint;
  startBlock?: number;
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
  logger.info("watching MASH rounds", { task: taskId, account: self });

  const perform = async (action: WatcherAction, round: WatcherRoundState): Promise<WatcherRoundState | void> => {
    if (action.type === "claim") {
      await claimReward(runtime, action.roundId);
      return watcherHandlers.confirmClaim(round);
    }
    // No noiseBound: a task's DP settings are not on-chain (each client and the aggregator take them from their own
    // configuration), so the aggregator's bound cannot be derived here. None is needed for the verdict: the contract
    // only checks |G| ≤ G_max (rlwr-2048: 2^28 − 1, which watchRound decodes in; paper-compat: 2^31 − 1), and where
    // paper-compat's discrete log over the task's bound N·round(c·S) fails, watchRound checks the posted value
    // against the product (2^G ≡ Π y) over that whole range, exactly as the contract does. A discrete-log search
    // over the whole range instead would cost up to 2^31 / 2^17 giant steps per coordinate.
    const result = await watchRound({ runtime, roundId: action.roundId });
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
  });
}
