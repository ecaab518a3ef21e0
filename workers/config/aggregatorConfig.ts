// `fedmash aggregator`: the aggregator worker — chain and store settings, FedAvg weighting, the malicious demo,
// the Shamir share-sum grace period, and the clients' DP settings (distributed noise widens the sum's bound).
import type { DpSettings } from "../ml/dp/parseDpSettings";
import type { MaliciousAggregatorMode } from "../roles/runAggregator";
import { choiceField, integerField } from "./fields";
import { dpSettingsOf, refineDp } from "./dpConfig";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { DP_CLIP_OPTION, DP_OPTIONS, GLOBAL_OPTIONS, MALICIOUS_OPTION, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";

export const AGGREGATOR_OPTIONS = {
  weighting: option({ value: "samples|uniform", description: "FedAvg weights: by sample count or equal", field: choiceField(["samples", "uniform"], "samples") }),
  ...MALICIOUS_OPTION,
  "share-sum-grace": option({ value: "S", defaultText: "half the aggregate duration", description: "Shamir: seconds to keep waiting for the last share-sums once t are in", field: integerField(0) }),
  ...DP_OPTIONS,
  ...DP_CLIP_OPTION,
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface AggregatorSettings {
  worker: WorkerSettings;
  weighting: "samples" | "uniform";
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
        weighting: v.weighting,
        maliciousAggregator: v["malicious-aggregator"],
        shareSumGraceSeconds: v["share-sum-grace"],
        dp: dpSettingsOf(v, v.clip),
        quiet: v.quiet,
      }),
    );
}
