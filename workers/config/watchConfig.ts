// `fedmash watch`: a MASH watcher on its own account — chain and store settings and the task whose rounds it watches.
import { integerField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { GLOBAL_OPTIONS, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";

export const WATCH_OPTIONS = {
  task: option({ value: "T", description: "The MASH task whose rounds it watches", field: integerField(1, 1) }),
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface WatchSettings {
  worker: WorkerSettings;
  taskId: bigint;
  quiet: boolean;
}

export function watchConfigSchema(cwd: string) {
  return optionsSchema(WATCH_OPTIONS)
    .superRefine((v, ctx) => refineWorker(v, ctx))
    .transform((v): WatchSettings => ({ worker: workerConfigOf(v, `watcher-${v.task}`, cwd), taskId: BigInt(v.task), quiet: v.quiet }));
}
