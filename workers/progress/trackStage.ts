// A worker's step as a live progress line while it runs (masking, sharing, uploading, aggregating): the bar
// shows the elapsed time on a terminal and goes away when the step ends, whatever its outcome.
import type { ProgressBars } from "./createProgress";

export async function trackStage<T>(progress: ProgressBars | undefined, label: string, step: () => Promise<T>): Promise<T> {
  const bar = progress?.bar(label);
  try {
    return await step();
  } finally {
    bar?.done();
  }
}
