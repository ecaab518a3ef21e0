// The event loop every role shares: replay the coordinator's events from the persisted cursor, route each one
// through the role's pure state machine, persist, then perform whatever side effect each round's stage still
// owes. A worker restarted at any point resumes from the file: the cursor says what it has seen, the stages
// say what it still has to do.
import { join } from "node:path";
import { watchCoordinatorEvents } from "../chain/watchCoordinatorEvents";
import type { CoordinatorEvent } from "../protocol/events";
import { isAdvanceDue, type DrawGrace } from "../protocol/keeper";
import { isTerminalPhase, Phase, type Mode } from "../protocol/enums";
import { sendTransaction } from "../chain/sendTransaction";
import { sleep } from "../retry";
import { readStateFile, writeStateFile } from "./stateFile";
import { settleVerificationIfDue } from "./settleVerificationIfDue";
import { createDrawPoker } from "./createDrawPoker";
import { recordSeedIfDue } from "./recordSeedIfDue";
import { CLIENT_SEED_GRACE_BLOCKS, KEEPER_SEED_GRACE_BLOCKS } from "../protocol/seedRecordDue";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface RoundLoopState<R> {
  /** Last block whose events were fully handled. */
  cursor: number;
  rounds: Record<string, R>;
  /** Task ids this worker serves. */
  tasks: string[];
  /** Aggregation mode of each served task (from TaskCreated), for roles that serve several modes. */
  taskModes?: Record<string, number>;
}

export interface RunRoundLoopParameters<R extends { roundId: string }, A> {
  runtime: WorkerRuntime;
  /** Block to start from on a first run (a later run resumes from the stored cursor). */
  startBlock?: number;
  initialTasks?: readonly string[];
  /** Lets a role learn tasks from events (e.g. TaskCreated naming it as aggregator). */
  observe?: (state: RoundLoopState<R>, event: CoordinatorEvent) => void;
  route: (state: RoundLoopState<R>, event: CoordinatorEvent) => R | undefined;
  pendingAction: (round: R) => A | undefined;
  /** Performs an action; may return the round's next state (e.g. when the chain says it is too late). */
  perform: (action: A, round: R) => Promise<R | void>;
  actionKey: (action: A) => string;
  /**
   * true (the aggregator's duty): call `advance` on this worker's non-terminal rounds once their deadline passed
   * (`settle` in Verification), and on a Mash round in Grouping until its groups are drawn.
   * Both record a verification seed that T or the first commitment did not store in time (recordSeedIfDue; the
   * client after CLIENT_SEED_GRACE_BLOCKS), and settle a round whose seed expired unrecorded (SeedExpired).
   * `{ drawGrace }` (a MASH client): only the draw, and only once nobody drew it within the grace
   * (isGracedDrawPokeDue), so that one honest participant is enough for a round to be drawn before its draw block's
   * hash expires (DrawExpired), while in a normal round the owner's and the aggregator's pokes are the only ones.
   */
  keeper?: boolean | { drawGrace: DrawGrace };
  /** Called after any round state changes (progress output, tests). */
  onRoundChange?: (round: R) => void;
  /** How many times an action is tried before it is given up (default 4); per action when a function. */
  maxActionAttempts?: number | ((action: A) => number);
  /**
   * How long to wait before trying a failed action again, by its failure count (undefined, the default: at the next
   * check, 0.5 s). With it a role can keep trying an action that must not be given up (a watch, whose dispute a
   * cheating round would otherwise escape) without hammering the node.
   */
  actionRetryDelayMs?: (attempt: number, action: A) => number | undefined;
}

export interface RoundLoopHandle<R> {
  state(): RoundLoopState<R>;
  stop(): Promise<void>;
}

/**
 * The loop's handle with `tick` run about every `intervalMs` beside it until the handle is stopped (the disputes a
 * role answers or closes between its rounds' actions); a tick that throws is reported to `onError` and tried again.
 */
export function withTicker<R>(loop: RoundLoopHandle<R>, tick: () => Promise<void>, onError: (error: unknown) => void, intervalMs = 1_000): RoundLoopHandle<R> {
  let stopped = false;
  const ticking = (async () => {
    while (!stopped) {
      try {
        await tick();
      } catch (error) {
        onError(error);
      }
      await sleep(intervalMs).catch(() => undefined);
    }
  })();
  return {
    state: () => loop.state(),
    stop: async () => {
      stopped = true;
      await loop.stop();
      await ticking;
    },
  };
}

export function roundLoopStatePath(runtime: WorkerRuntime): string {
  return join(runtime.config.stateDir, "state.json");
}

function isTerminalStage(stage: unknown): boolean {
  return stage === "finalized" || stage === "failed" || stage === "left-out" || stage === "refused";
}

export function runRoundLoop<R extends { roundId: string; stage: string }, A>(parameters: RunRoundLoopParameters<R, A>): RoundLoopHandle<R> {
  const { runtime } = parameters;
  const statePath = roundLoopStatePath(runtime);
  const state = readStateFile<RoundLoopState<R>>(statePath, {
    cursor: (parameters.startBlock ?? 0) - 1,
    rounds: {},
    tasks: [...(parameters.initialTasks ?? [])],
  });
  for (const task of parameters.initialTasks ?? []) if (!state.tasks.includes(task)) state.tasks.push(task);
  const inFlight = new Set<string>();
  const attempts = new Map<string, number>();
  /** When a failed action may be tried again (ms since the epoch), with actionRetryDelayMs. */
  const notBefore = new Map<string, number>();
  const maxAttemptsOf = (action: A): number => {
    const max = parameters.maxActionAttempts ?? 4;
    return typeof max === "function" ? max(action) : max;
  };
  let stopped = false;

  const persist = (): void => writeStateFile(statePath, state);

  const setRound = (round: R): void => {
    state.rounds[round.roundId] = round;
    parameters.onRoundChange?.(round);
  };

  const kick = (): void => {
    for (const round of Object.values(state.rounds)) {
      const action = parameters.pendingAction(round);
      if (action === undefined) continue;
      const key = parameters.actionKey(action);
      const maxAttempts = maxAttemptsOf(action);
      if (inFlight.has(key) || (attempts.get(key) ?? 0) >= maxAttempts || (notBefore.get(key) ?? 0) > Date.now()) continue;
      inFlight.add(key);
      parameters
        .perform(action, round)
        .then((next) => {
          // The result was computed from the round as it was when the action started; if events moved the round
          // to another stage meanwhile, they are newer than this result, which would otherwise turn the round
          // back (and the new stage's own pending action takes over).
          if (next && state.rounds[round.roundId]?.stage === round.stage) {
            setRound(next);
            persist();
          }
        })
        .catch((error: unknown) => {
          const attempt = (attempts.get(key) ?? 0) + 1;
          attempts.set(key, attempt);
          const delayMs = parameters.actionRetryDelayMs?.(attempt, action);
          if (delayMs !== undefined) notBefore.set(key, Date.now() + delayMs);
          runtime.logger.warn("action failed", { action: key, attempt, error, ...(delayMs !== undefined && attempt < maxAttempts ? { retryInMs: delayMs } : {}) });
          if (attempt >= maxAttempts) runtime.logger.error("action abandoned", { action: key });
        })
        .finally(() => {
          inFlight.delete(key);
          const wait = Math.max(500, (notBefore.get(key) ?? 0) - Date.now());
          if (!stopped) setTimeout(kick, wait).unref();
        });
    }
  };

  const unwatch = watchCoordinatorEvents({
    provider: runtime.connection.provider,
    coordinatorAddress: runtime.addresses.coordinator,
    coordinatorInterface: runtime.coordinator.interface,
    verifierAddress: runtime.addresses.verifier,
    verifierInterface: runtime.verifier.interface,
    shamirAddress: runtime.addresses.shamir,
    shamirInterface: runtime.shamir.interface,
    fromBlock: state.cursor + 1,
    onEvents: async (events, toBlock) => {
      for (const event of events) {
        parameters.observe?.(state, event);
        const next = parameters.route(state, event);
        if (next) setRound(next);
      }
      state.cursor = toBlock;
      persist();
      kick();
    },
    onError: (error) => runtime.logger.warn("event polling failed", { error }),
  });

  let keeperDone: Promise<void> = Promise.resolve();
  if (parameters.keeper) {
    const drawOnly = parameters.keeper !== true;
    const pokeDraw = createDrawPoker({ runtime, grace: parameters.keeper === true ? undefined : parameters.keeper.drawGrace });
    keeperDone = (async () => {
      while (!stopped) {
        for (const round of Object.values(state.rounds)) {
          if (stopped || isTerminalStage(round.stage)) continue;
          try {
            const view = await runtime.coordinator.round(BigInt(round.roundId));
            const phase = Number(view.phase) as Phase;
            if (isTerminalPhase(phase)) continue;
            const now = BigInt(Math.floor(Date.now() / 1000));
            if (phase === Phase.Verification) {
              // Keep the seeds readable on any block time (the clients only back the keepers up, after a longer grace).
              const seedGrace = drawOnly ? CLIENT_SEED_GRACE_BLOCKS : KEEPER_SEED_GRACE_BLOCKS;
              const seedStep = await recordSeedIfDue(runtime, BigInt(round.roundId), seedGrace);
              if (!drawOnly && seedStep !== "settled") await settleVerificationIfDue(runtime, BigInt(round.roundId), now);
            } else if (await pokeDraw(BigInt(round.roundId), Number(view.mode) as Mode, phase)) {
              runtime.logger.debug("poked the draw of the groups", { round: round.roundId });
            } else if (!drawOnly && isAdvanceDue({ phase, deadline: view.deadline, now })) {
              await sendTransaction(runtime.connection.signer, {
                action: `advance(round ${round.roundId})`,
                send: () => runtime.coordinator.advance(BigInt(round.roundId)),
              });
              runtime.logger.info("advanced a phase whose deadline passed", { round: round.roundId, phase });
            }
          } catch (error) {
            runtime.logger.debug("keeper check failed", { round: round.roundId, error });
          }
        }
        await sleep(1_000).catch(() => undefined);
      }
    })();
  }

  kick();
  return {
    state: () => state,
    stop: async () => {
      stopped = true;
      unwatch();
      await keeperDone;
    },
  };
}
