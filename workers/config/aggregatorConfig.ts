// `fedmash aggregator`: the aggregator worker — chain and store settings, the tasks it accepts and the largest bond
// it risks on each, FedAvg weighting, the malicious demo, the Shamir share-sum grace period, and the clients' DP
// settings (distributed noise widens the sum's bound).
import type { DpSettings } from "../ml/dp/parseDpSettings";
import type { MaliciousAggregatorMode } from "../roles/runAggregator";
import { choiceField, etherField, etherParser, integerField, textField, type Field, type FieldProblem } from "./fields";
import { dpSettingsOf, refineDp } from "./dpConfig";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { DP_CLIP_OPTION, DP_OPTIONS, GLOBAL_OPTIONS, MALICIOUS_OPTION, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";

/** One `--accept-task` entry: the task, and its own bond cap (wei) if it gave one, else `--max-bond` applies. */
export interface AcceptedTaskEntry {
  taskId: bigint;
  maxBondWei: bigint | undefined;
}

/** `T[:ETH]` entries, comma-separated (a config file may give an array): "1", "1:0.5,2". */
export function parseAcceptedTasks(text: string): AcceptedTaskEntry[] | FieldProblem {
  const fix = "give task ids, each optionally with the largest bond in ETH it accepts, comma-separated, e.g. 1:0.5,2.";
  const entries: AcceptedTaskEntry[] = [];
  for (const item of text.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
    const [id = "", bond, extra] = item.split(":");
    if (extra !== undefined || !/^[1-9]\d*$/.test(id.trim())) return { problem: `holds "${item}", which is not T or T:ETH`, fix };
    const taskId = BigInt(id.trim());
    if (entries.some((entry) => entry.taskId === taskId)) return { problem: `names task ${taskId} twice`, fix };
    if (bond === undefined) {
      entries.push({ taskId, maxBondWei: undefined });
      continue;
    }
    const wei = etherParser(bond.trim());
    if (typeof wei !== "bigint") return { problem: `holds "${item}", whose bond ${wei.problem}`, fix };
    entries.push({ taskId, maxBondWei: wei });
  }
  return entries;
}

function acceptedTasksField(): Field<AcceptedTaskEntry[]> {
  return textField(parseAcceptedTasks, []);
}

/** The shortest MASH challenge window an aggregator accepts by default: the owner's default `--challenge-window`. */
export const DEFAULT_AGGREGATOR_MIN_CHALLENGE_WINDOW = 600;

/** The default cap of an accepted task that names no bond of its own: the owner's default `--bond`. */
export const DEFAULT_MAX_BOND_WEI = 10n ** 18n;

export const AGGREGATOR_OPTIONS = {
  "accept-task": option({
    value: "T[:ETH],…",
    defaultText: "none",
    description: "The tasks this aggregator serves, each with the largest bond it accepts (default --max-bond); every other task naming it is ignored",
    field: acceptedTasksField(),
  }),
  "max-bond": option({ value: "ETH", description: "The largest bond an --accept-task entry without its own accepts", field: etherField(DEFAULT_MAX_BOND_WEI) }),
  weighting: option({ value: "samples|uniform", description: "FedAvg weights: by sample count or equal", field: choiceField(["samples", "uniform"], "samples") }),
  "min-challenge-window": option({
    value: "S",
    description:
      "MASH: refuse (no bond locked) a round whose challenge window is shorter: each dispute step must be answered within one window, and a step missed, say while its transactions are kept out of blocks, slashes the bond",
    field: integerField(5, DEFAULT_AGGREGATOR_MIN_CHALLENGE_WINDOW),
  }),
  ...MALICIOUS_OPTION,
  "share-sum-grace": option({ value: "S", defaultText: "half the aggregate duration", description: "Shamir: seconds to keep waiting for the last share-sums once t are in", field: integerField(0) }),
  ...DP_OPTIONS,
  ...DP_CLIP_OPTION,
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface AggregatorSettings {
  worker: WorkerSettings;
  /** Task id (decimal) → the largest bond in wei the aggregator accepts for it; tasks not here are not served. */
  acceptedTasks: Map<string, bigint>;
  weighting: "samples" | "uniform";
  /** MASH: the shortest challenge window (seconds) it locks a bond in; shorter rounds are refused. */
  minChallengeWindow: number;
  maliciousAggregator: MaliciousAggregatorMode | undefined;
  shareSumGraceSeconds: number | undefined;
  dp: DpSettings | undefined;
  quiet: boolean;
}

export function aggregatorConfigSchema(cwd: string) {
  return optionsSchema(AGGREGATOR_OPTIONS)
    .superRefine((v, ctx) => {
      refineWorker(v, ctx);
      refineDp(v, v.clip, ctx);
    })
    .transform(
      (v): AggregatorSettings => ({
        worker: workerConfigOf(v, "aggregator", cwd),
        acceptedTasks: new Map(v["accept-task"].map((entry) => [entry.taskId.toString(), entry.maxBondWei ?? v["max-bond"]])),
        weighting: v.weighting,
        minChallengeWindow: v["min-challenge-window"],
        maliciousAggregator: v["malicious-aggregator"],
        shareSumGraceSeconds: v["share-sum-grace"],
        dp: dpSettingsOf(v, v.clip),
        quiet: v.quiet,
      }),
    );
}
