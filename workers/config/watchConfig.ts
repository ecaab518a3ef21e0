// `fedmash watch`: a MASH watcher on its own account — chain and store settings, the task whose rounds it watches, and
// the task's DP settings (the same --dp, --noise-multiplier, --clip the task's clients and aggregator run with): with
// distributed DP the clients' integer noise widens the bound of the sum, and a watcher that decoded without it could
// find a right sum undecodable.
import type { DpSettings } from "../ml/dp/parseDpSettings";
import { dpSettingsOf, refineDp } from "./dpConfig";
import { integerField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { DP_CLIP_OPTION, DP_OPTIONS, GLOBAL_OPTIONS, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";

export const WATCH_OPTIONS = {
  task: option({ value: "T", description: "The MASH task whose rounds it watches", field: integerField(1, 1) }),
  ...DP_OPTIONS,
  ...DP_CLIP_OPTION,
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface WatchSettings {
  worker: WorkerSettings;
  taskId: bigint;
  /** The task's DP settings (as its clients and aggregator run), or undefined without --dp. */
  dp: DpSettings | undefined;
  quiet: boolean;
}

export function watchConfigSchema(cwd: string) {
  return optionsSchema(WATCH_OPTIONS)
    .superRefine((v, ctx) => {
      refineWorker(v, ctx);
      refineDp(v, v.clip, ctx);
    })
    .transform((v): WatchSettings => ({ worker: workerConfigOf(v, `watcher-${v.task}`, cwd), taskId: BigInt(v.task), dp: dpSettingsOf(v, v.clip), quiet: v.quiet }));
}
