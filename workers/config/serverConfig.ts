// `fedmash server`: a Shamir server worker — chain and store settings, its index (log name and state folder) and
// the bond it accepts, and the dropout demo.
import { booleanField, etherField, integerField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { GLOBAL_OPTIONS, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";

/** 0.1 ETH: ten times FedmashShamir.MIN_SERVER_BOND, the bond a task asks when its owner set none. */
export const DEFAULT_SERVER_MAX_BOND_WEI = 10n ** 17n;

export const SERVER_OPTIONS = {
  index: option({ value: "J", description: "Names its log and default state folder (.fedmash/workers/server-J)", field: integerField(0, 0) }),
  "max-bond": option({ value: "ETH", description: "The largest bond a task may ask of this server; it tops up to the task's bond (at least 0.01) and withholds from tasks asking more", field: etherField(DEFAULT_SERVER_MAX_BOND_WEI) }),
  "wrong-share-sum": option({ type: "boolean", description: "Demo of a lying server: adds 1 to coordinate 0 of every share-sum it posts (a share-sum dispute slashes its bond)", field: booleanField() }),
  "drop-in-round": option({ value: "R", defaultText: "never", description: "Stop once round R enters Aggregation (demo of a dropped server)", field: integerField(1) }),
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface ServerSettings {
  worker: WorkerSettings;
  dropInRound: number | undefined;
  /** Demo only: post every share-sum off by one at coordinate 0. */
  wrongShareSum: boolean;
  /** The most wei of bond this server posts for one task. */
  maxBondWei: bigint;
  quiet: boolean;
}

export function serverConfigSchema(cwd: string) {
  return optionsSchema(SERVER_OPTIONS)
    .superRefine((v, ctx) => refineWorker(v, ctx))
    .transform((v): ServerSettings => ({ worker: workerConfigOf(v, `server-${v.index}`, cwd), dropInRound: v["drop-in-round"], maxBondWei: v["max-bond"], wrongShareSum: v["wrong-share-sum"], quiet: v.quiet }));
}
