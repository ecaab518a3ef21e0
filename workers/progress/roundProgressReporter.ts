// The live line of a running round for `fedmash demo` and `fedmash owner`: its phase, who joined and submitted,
// and how long until the phase's deadline ("Submission ends in 12 s"), ticking every second between chain reads.
import type { Progress, ProgressBar } from "./createProgress";

export interface RoundProgressUpdate {
  round: number;
  /** The phase's name, e.g. "Submission". */
  phase: string;
  joined: number;
  submitted: number;
  /** Unix seconds of the phase's deadline; 0 when it has none (a finished round). */
  deadline: number;
}

export interface RoundProgressReporter {
  update(update: RoundProgressUpdate): void;
  close(): void;
}

const TERMINAL = new Set(["Finalized", "Failed"]);

/** "ends in 12 s", "ends in 2 min 5 s", "deadline passed 3 s ago (anyone may advance it)". */
export function deadlineText(phase: string, deadline: number, nowMs: number): string {
  if (deadline <= 0) return "";
  const left = Math.round(deadline - nowMs / 1000);
  const span = (s: number): string => (s >= 120 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`);
  return left >= 0 ? `${phase} ends in ${span(left)}` : `deadline passed ${span(-left)} ago (anyone may advance it)`;
}

export function createRoundProgressReporter(progress: Pick<Progress, "bar">, clients: number, now: () => number = Date.now): RoundProgressReporter {
  let bar: ProgressBar | undefined;
  let round = -1;
  let last: RoundProgressUpdate | undefined;
  const render = (): void => {
    if (!bar || !last) return;
    const countdown = deadlineText(last.phase, last.deadline, now());
    bar.update(last.submitted, `${countdown || last.phase} · joined ${last.joined}/${clients}`);
  };
  const ticker = setInterval(render, 1_000);
  ticker.unref?.();
  return {
    update(update) {
      if (update.round !== round) {
        bar?.done();
        round = update.round;
        bar = progress.bar(`round ${update.round} (submissions)`, clients);
      }
      last = update;
      if (TERMINAL.has(update.phase)) {
        bar?.done();
        bar = undefined;
        return;
      }
      render();
    },
    close() {
      clearInterval(ticker);
      bar?.done();
      bar = undefined;
    },
  };
}
