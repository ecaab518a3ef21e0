// Local training as a live bar per round: batches done of epochs × batches, the epoch and the last batch's loss,
// fed by trainLocal's onProgress through the client's trainer.
import type { TrainLocalProgress } from "../ml/trainLocal";
import type { ProgressBar, ProgressBars } from "./createProgress";

/** `roundKey` is what the trainer trains for (the round id); a new key starts a new bar. */
export type TrainingProgressCallback = (progress: TrainLocalProgress, roundKey: string) => void;

export function trainingProgressReporter(progress: ProgressBars): TrainingProgressCallback {
  let current: { key: string; bar: ProgressBar } | undefined;
  return (p, roundKey) => {
    const total = p.epochs * p.batchesPerEpoch;
    const done = (p.epoch - 1) * p.batchesPerEpoch + p.batch;
    if (current === undefined || current.key !== roundKey || done === 1) {
      current?.bar.done();
      current = { key: roundKey, bar: progress.bar(`round ${roundKey} training`, total) };
    }
    current.bar.update(done, `epoch ${p.epoch}/${p.epochs} · loss ${Number.isFinite(p.loss) ? p.loss.toFixed(3) : "–"}`);
    if (done >= total) {
      current.bar.done();
      current = undefined;
    }
  };
}
