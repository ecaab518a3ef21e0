// `fedmash server`: a Shamir server worker — chain and store settings, its index (log name and state folder) and
// the dropout demo.
import { integerField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { GLOBAL_OPTIONS, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";

export const SERVER_OPTIONS = {
  index: option({ value: "J", description: "Names its log and default state folder (.fedmash/workers/server-J)", field: integerField(0, 0) }),
  "drop-in-round": option({ value: "R", defaultText: "never", description: "Stop once round R enters Aggregation (demo of a dropped server)", field: integerField(1) }),
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface ServerSettings {
  worker: WorkerSettings;
  dropInRound: number | undefined;
  quiet: boolean;
}

export function serverConfigSchema(cwd: string) {
  return optionsSchema(SERVER_OPTIONS)
    .superRefine((v, ctx) => refineWorker(v, ctx))
    .transform((v): ServerSettings => ({ worker: workerConfigOf(v, `server-${v.index}`, cwd), dropInRound: v["drop-in-round"], quiet: v.quiet }));
}
