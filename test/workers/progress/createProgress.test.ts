// The CLI's progress output as a person sees it. On a terminal (a fake TTY stream, replayed through a tiny
// terminal model) live bars stay at the bottom, redraw in place, and lines from other writers appear above them;
// off a terminal a bar prints a plain line at most once per interval and when it ends; --quiet prints nothing.
import { expect } from "chai";
import { createProgress, formatBarLine, type ProgressStream } from "../../../workers/progress/createProgress";
import { createRoundProgressReporter, deadlineText } from "../../../workers/progress/roundProgressReporter";
import { trainingProgressReporter } from "../../../workers/progress/trainingProgressReporter";

class FakeStream implements ProgressStream {
  chunks: string[] = [];
  columns = 80;
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
}

/** The visible screen after replaying the output: text, \n, \r, ESC[nA (up), ESC[0J (clear to the end). */
function screen(output: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  let col = 0;
  for (let i = 0; i < output.length; i++) {
    const escape = /^\x1b\[(\d*)([AJ])/.exec(output.slice(i));
    if (escape) {
      if (escape[2] === "A") row = Math.max(0, row - Number(escape[1] || 1));
      else {
        lines[row] = lines[row]!.slice(0, col);
        lines.length = row + 1;
      }
      i += escape[0].length - 1;
    } else if (output[i] === "\n") {
      row++;
      col = 0;
      if (lines[row] === undefined) lines[row] = "";
    } else if (output[i] === "\r") col = 0;
    else {
      const line = lines[row]!.padEnd(col);
      lines[row] = line.slice(0, col) + output[i] + line.slice(col + 1);
      col++;
    }
  }
  return lines.at(-1) === "" ? lines.slice(0, -1) : lines;
}

describe("progress output", function () {
  describe("on a terminal", function () {
    it("redraws a bar in place and prints other lines above it", function () {
      const stderr = new FakeStream(true);
      const stdout = new FakeStream(true);
      let now = 0;
      const progress = createProgress({ stream: stderr, interleave: [stdout], redrawIntervalMs: 0, now: () => now });
      const bar = progress.bar("round 1 training", 10);
      bar.update(3, "epoch 1/1 · loss 0.900");
      now = 1_000;
      bar.update(5, "epoch 1/1 · loss 0.700");
      // A worker log line on stderr and a demo line on stdout, written by code that knows nothing of the bars.
      stderr.write("[client-0] joined round=1\n");
      expect(screen(stderr.chunks.join(""))).to.deep.equal(["[client-0] joined round=1", "round 1 training [############------------]  50% 5/10 · epoch 1/1 · loss 0.700"]);
      stdout.write("round 1: Submission\n");
      // The bar was taken off stderr before stdout wrote and put back after.
      expect(stderr.chunks.at(-1)).to.equal("round 1 training [############------------]  50% 5/10 · epoch 1/1 · loss 0.700\n");
      bar.done("trained in 1.0 s");
      expect(screen(stderr.chunks.join(""))).to.deep.equal(["[client-0] joined round=1", "round 1 training: trained in 1.0 s"]);
      progress.close();
    });

    it("keeps several bars, one per line, and drops one without a trace when it ends without a summary", function () {
      const stderr = new FakeStream(true);
      const progress = createProgress({ stream: stderr, redrawIntervalMs: 0, now: () => 2_500 });
      const masking = progress.bar("round 2 masking");
      const sharing = progress.bar("round 2 sharing to 3 servers", 3);
      sharing.update(1);
      expect(screen(stderr.chunks.join(""))).to.deep.equal(["round 2 masking · 0.0 s", "round 2 sharing to 3 servers [########----------------]  33% 1/3"]);
      masking.done();
      expect(screen(stderr.chunks.join(""))).to.deep.equal(["round 2 sharing to 3 servers [########----------------]  33% 1/3"]);
      progress.close();
      expect(screen(stderr.chunks.join(""))).to.deep.equal([]);
    });

    it("redraws at most once per interval, and restores the streams' write on close", function () {
      const stderr = new FakeStream(true);
      const original = stderr.write;
      let now = 0;
      const progress = createProgress({ stream: stderr, redrawIntervalMs: 100, now: () => now });
      const bar = progress.bar("upload", 100);
      const writesAfterStart = stderr.chunks.length;
      for (let i = 1; i <= 50; i++) bar.update(i);
      expect(stderr.chunks.length).to.equal(writesAfterStart);
      now = 150;
      bar.update(51);
      expect(screen(stderr.chunks.join(""))).to.deep.equal(["upload [############------------]  51% 51/100"]);
      progress.close();
      expect(stderr.write).to.equal(original);
    });
  });

  describe("off a terminal", function () {
    it("prints a bar's line at most once per interval and its summary when it ends", function () {
      const stream = new FakeStream(false);
      let now = 0;
      const progress = createProgress({ stream, lineIntervalMs: 5_000, now: () => now });
      const bar = progress.bar("round 1 training", 200);
      for (let i = 1; i <= 150; i++) {
        now = i * 30;
        bar.update(i, "epoch 1/1");
      }
      // 4.5 s of updates: one line, at 5.0 s (update 167 would be the next).
      expect(stream.chunks).to.deep.equal([]);
      now = 5_000;
      bar.update(160, "epoch 1/1");
      now = 6_000;
      bar.update(170, "epoch 1/1");
      bar.done("done");
      expect(stream.chunks).to.deep.equal(["round 1 training: 80% (160/200) epoch 1/1 · 5.0 s\n", "round 1 training: done\n"]);
      expect(progress.mode).to.equal("lines");
    });

    it("prints nothing at all with quiet", function () {
      const stream = new FakeStream(true);
      const progress = createProgress({ stream, quiet: true });
      progress.bar("x", 2).update(1);
      progress.log("a line");
      progress.close();
      expect(stream.chunks).to.deep.equal([]);
      expect(progress.mode).to.equal("quiet");
    });
  });

  it("formats a bar to the terminal's width", function () {
    expect(formatBarLine({ label: "round 3 training", total: 4, done: 1, detail: "epoch 1/2", elapsedMs: 0 }, 100)).to.equal("round 3 training [######------------------]  25% 1/4 · epoch 1/2");
    expect(formatBarLine({ label: "round 3 masking 101770 coordinates", done: 0, detail: "", elapsedMs: 12_345 }, 100)).to.equal("round 3 masking 101770 coordinates · 12 s");
    expect(formatBarLine({ label: "x".repeat(50), total: 2, done: 2, detail: "", elapsedMs: 0 }, 40)).to.have.length(39);
  });

  it("counts down to a phase's deadline and says when it passed", function () {
    expect(deadlineText("Submission", 1_000, 988_000)).to.equal("Submission ends in 12 s");
    expect(deadlineText("Joining", 1_000, 1_000_000 - 150_000)).to.equal("Joining ends in 2 min 30 s");
    expect(deadlineText("Aggregation", 1_000, 1_003_000)).to.equal("deadline passed 3 s ago (anyone may advance it)");
    expect(deadlineText("Finalized", 0, 5)).to.equal("");
  });

  it("shows a running round as submissions of clients with its phase and countdown, and ends it when the round ends", function () {
    const stream = new FakeStream(true);
    stream.columns = 120;
    const progress = createProgress({ stream, redrawIntervalMs: 0, now: () => 0 });
    const rounds = createRoundProgressReporter(progress, 4, () => 990_000);
    rounds.update({ round: 1, phase: "Submission", joined: 4, submitted: 1, deadline: 1_000 });
    expect(screen(stream.chunks.join(""))).to.deep.equal(["round 1 (submissions) [######------------------]  25% 1/4 · Submission ends in 10 s · joined 4/4"]);
    rounds.update({ round: 1, phase: "Aggregation", joined: 4, submitted: 4, deadline: 0 });
    expect(screen(stream.chunks.join(""))).to.deep.equal(["round 1 (submissions) [########################] 100% 4/4 · Aggregation · joined 4/4"]);
    rounds.update({ round: 1, phase: "Finalized", joined: 4, submitted: 4, deadline: 0 });
    expect(screen(stream.chunks.join(""))).to.deep.equal([]);
    rounds.close();
    progress.close();
  });

  it("turns trainLocal's batches into one bar per round", function () {
    const events: string[] = [];
    const fake = {
      bar: (label: string, total?: number) => {
        events.push(`bar ${label} ${total}`);
        return { update: (done: number, detail?: string) => void events.push(`${done} ${detail}`), detail: () => undefined, done: () => void events.push("done") };
      },
    };
    const report = trainingProgressReporter(fake);
    for (let epoch = 1; epoch <= 2; epoch++) for (let batch = 1; batch <= 2; batch++) report({ epoch, epochs: 2, batch, batchesPerEpoch: 2, loss: 1 / (epoch * batch) }, "7");
    report({ epoch: 1, epochs: 1, batch: 1, batchesPerEpoch: 1, loss: 0.25 }, "8");
    expect(events).to.deep.equal([
      "bar round 7 training 4",
      "1 epoch 1/2 · loss 1.000",
      "2 epoch 1/2 · loss 0.500",
      "3 epoch 2/2 · loss 0.500",
      "4 epoch 2/2 · loss 0.250",
      "done",
      "bar round 8 training 1",
      "1 epoch 1/1 · loss 0.250",
      "done",
    ]);
  });
});
