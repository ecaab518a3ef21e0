// Progress output for the CLI, without a dependency. On a terminal, live bars are redrawn in place at the bottom of
// stderr and any other line (a worker's log line, the demo's own lines on stdout) is printed above them; off a
// terminal (a pipe, a CI log) a bar prints a plain line at most every few seconds and when it ends; with `quiet`
// nothing is printed. The JSON log file is not touched: it is the logger's.

/** The part of a stream progress uses; tests pass a fake. */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface CreateProgressParameters {
  stream: ProgressStream;
  /** Default: stream.isTTY. */
  tty?: boolean;
  quiet?: boolean;
  /** Off a terminal: the least time between two lines of one bar (default 5 s). */
  lineIntervalMs?: number;
  /** On a terminal: the least time between two redraws (default 100 ms). */
  redrawIntervalMs?: number;
  now?: () => number;
  /**
   * On a terminal: streams whose other writers must not print through the bars (process.stderr for log lines,
   * process.stdout for results). Their writes are wrapped until close().
   */
  interleave?: ProgressStream[];
}

export interface ProgressBar {
  /** `done` of the bar's total (or a count without a total), with an optional detail ("epoch 1/2 · loss 0.31"). */
  update(done: number, detail?: string): void;
  /** Replaces the detail only (a stage's step, a countdown). */
  detail(text: string): void;
  /** Ends the bar; with a summary it leaves one line `label: summary`, without one it just disappears. */
  done(summary?: string): void;
}

/** What a worker role needs to show its stages: just the bars. */
export type ProgressBars = Pick<Progress, "bar">;

export interface Progress {
  readonly mode: "tty" | "lines" | "quiet";
  /** A live bar; `total` undefined for a stage without a count. */
  bar(label: string, total?: number): ProgressBar;
  /** A line that stays (printed above the bars on a terminal). */
  log(line: string): void;
  /** Removes the live bars and unwraps the interleaved streams. */
  close(): void;
}

interface BarState {
  label: string;
  total: number | undefined;
  done: number;
  detail: string;
  started: number;
  lastLine: number;
  lastLineText: string;
}

const BAR_WIDTH = 24;

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** One bar as text, e.g. `round 1 training [#########---------------]  38% 86/225 · epoch 1/1 · loss 0.42`. */
export function formatBarLine(bar: { label: string; total?: number; done: number; detail: string; elapsedMs: number }, columns = 100): string {
  let text: string;
  if (bar.total !== undefined && bar.total > 0) {
    const fraction = Math.min(1, Math.max(0, bar.done / bar.total));
    const filled = Math.round(fraction * BAR_WIDTH);
    text = `${bar.label} [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${bar.done}/${bar.total}${bar.detail ? ` · ${bar.detail}` : ""}`;
  } else {
    text = `${bar.label}${bar.detail ? ` · ${bar.detail}` : ""} · ${seconds(bar.elapsedMs)}`;
  }
  return text.length > columns - 1 ? `${text.slice(0, Math.max(0, columns - 2))}…` : text;
}

/** The line a bar prints off a terminal: the same as on one, without the drawn bar. */
function plainLine(bar: BarState, now: number): string {
  const count = bar.total !== undefined ? ` ${Math.floor((Math.min(bar.done, bar.total) / Math.max(1, bar.total)) * 100)}% (${bar.done}/${bar.total})` : "";
  return `${bar.label}:${count}${bar.detail ? ` ${bar.detail}` : ""} · ${seconds(now - bar.started)}`;
}

const QUIET_BAR: ProgressBar = { update: () => undefined, detail: () => undefined, done: () => undefined };

export function createProgress(parameters: CreateProgressParameters): Progress {
  const now = parameters.now ?? Date.now;
  const stream = parameters.stream;
  const mode = parameters.quiet ? "quiet" : (parameters.tty ?? stream.isTTY === true) ? "tty" : "lines";
  if (mode === "quiet") return { mode, bar: () => QUIET_BAR, log: () => undefined, close: () => undefined };

  const lineInterval = parameters.lineIntervalMs ?? 5_000;
  const redrawInterval = parameters.redrawIntervalMs ?? 100;
  const bars = new Set<BarState>();
  let write = (chunk: string): boolean => stream.write(chunk);
  let drawn = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  /** A foreign writer left a line unfinished: drawing now would overwrite it. */
  let openLine = false;
  const restores: (() => void)[] = [];

  const erase = (): void => {
    if (drawn > 0) write(`\r\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    lastDraw = now();
    erase();
    if (openLine) return;
    const columns = stream.columns ?? 100;
    const lines = [...bars].map((bar) => formatBarLine({ ...bar, elapsedMs: lastDraw - bar.started }, columns));
    if (lines.length) write(lines.map((line) => `${line}\n`).join(""));
    drawn = lines.length;
  };
  const scheduleDraw = (): void => {
    const wait = lastDraw + redrawInterval - now();
    if (wait <= 0) return draw();
    if (!timer) {
      timer = setTimeout(draw, wait);
      timer.unref?.();
    }
  };

  if (mode === "tty") {
    for (const target of new Set([stream, ...(parameters.interleave ?? [])])) {
      const original = target.write;
      const bound = original.bind(target) as (chunk: string, ...rest: unknown[]) => boolean;
      if (target === stream) write = (chunk) => bound(chunk);
      target.write = ((chunk: string, ...rest: unknown[]): boolean => {
        erase();
        const result = bound(chunk, ...rest);
        const text = typeof chunk === "string" ? chunk : String(chunk);
        openLine = text.length > 0 ? !text.endsWith("\n") : openLine;
        draw();
        return result;
      }) as ProgressStream["write"];
      restores.push(() => {
        target.write = original;
      });
    }
  }

  const log = (line: string): void => {
    if (mode === "tty") {
      erase();
      write(`${line}\n`);
      openLine = false;
      draw();
    } else {
      write(`${line}\n`);
    }
  };

  return {
    mode,
    log,
    bar(label, total) {
      const state: BarState = { label, total, done: 0, detail: "", started: now(), lastLine: now(), lastLineText: "" };
      bars.add(state);
      if (mode === "tty") scheduleDraw();
      const changed = (): void => {
        if (!bars.has(state)) return;
        if (mode === "tty") return scheduleDraw();
        const at = now();
        if (at - state.lastLine < lineInterval) return;
        const line = plainLine(state, at);
        if (line === state.lastLineText) return;
        state.lastLine = at;
        state.lastLineText = line;
        write(`${line}\n`);
      };
      return {
        update(done, detail) {
          state.done = done;
          if (detail !== undefined) state.detail = detail;
          changed();
        },
        detail(text) {
          state.detail = text;
          changed();
        },
        done(summary) {
          if (!bars.delete(state)) return;
          if (summary !== undefined) log(`${label}: ${summary}`);
          else if (mode === "tty") draw();
        },
      };
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      bars.clear();
      if (mode === "tty") erase();
      for (const restore of restores.splice(0)) restore();
    },
  };
}
