// `fedmash owner`: the task owner — chain settings, the task to create (mode, model, clients, phase durations,
// MASH or Shamir parameters, money, DP for the accounting) or continue, and how many rounds to run.
import type { ModelKind } from "../ml/modelLayout";
import { MODEL_KINDS } from "../ml/modelLayout";
import type { TaskSettings } from "../roles/runTask";
import { addressField, addressListField, choiceField, etherParser, integerField, textField, type FieldProblem } from "./fields";
import { dpSettingsOf, refineDp } from "./dpConfig";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { challengeWindowOption, DP_OPTIONS, GLOBAL_OPTIONS, MASH_OPTIONS, TERMS_OPTIONS, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";
import { refineFloor } from "./floorConfig";

/** FedmashShamir.MIN_SERVER_BOND: a smaller server bond is refused on-chain (ShamirServerBondTooSmall). */
const MIN_SERVER_BOND_WEI = 10n ** 16n;

function serverBondParser(text: string): bigint | FieldProblem {
  const wei = etherParser(text);
  if (typeof wei !== "bigint") return wei;
  return wei < MIN_SERVER_BOND_WEI ? { problem: "is below the contract's least server bond, 0.01 ETH", fix: "give 0.01 or more." } : wei;
}

export const OWNER_OPTIONS = {
  task: option({ value: "T", defaultText: "create a new task", description: "Continue this task instead of creating one", field: integerField(1) }),
  rounds: option({ value: "R", description: "Rounds to run", field: integerField(1, 1) }),
  mode: option({ value: "mash|plain|shamir", description: "Aggregation mode of a new task", field: choiceField(["mash", "plain", "shamir"], "mash") }),
  model: option({ value: "mlp|cnn", description: "Model of a new task", field: choiceField(MODEL_KINDS, "mlp") }),
  aggregator: option({ value: "ADDR", defaultText: "Hardhat test account 1", description: "The task's aggregator", field: addressField() }),
  "min-clients": option({ value: "M", defaultText: "4 mash, 3 shamir, 1 plain", description: "Clients a round needs", field: integerField(1) }),
  "max-clients": option({ value: "N", description: "Clients a round takes", field: integerField(1, 4) }),
  "join-seconds": option({ value: "S", description: "Joining phase length", field: integerField(1, 90) }),
  "submit-seconds": option({ value: "S", description: "Submission phase length", field: integerField(1, 120) }),
  "aggregate-seconds": option({ value: "S", description: "Aggregation phase length", field: integerField(1, 120) }),
  seed: option({ value: "S", description: "Initial model seed", field: integerField(0, 1) }),
  ...MASH_OPTIONS,
  ...TERMS_OPTIONS,
  ...challengeWindowOption(600),
  servers: option({ value: "ADDR,ADDR,...", defaultText: "none", description: "Shamir: the registered servers, in share order", field: addressListField() }),
  threshold: option({ value: "T", description: "Shamir: share-sums needed to reconstruct", field: integerField(2, 2) }),
  "server-bond": option({ value: "ETH", defaultText: "0.01 (the contract's least)", description: "Shamir: the bond each server must hold to post; a share-sum dispute slashes a lying server's", field: textField(serverBondParser) }),
  allow: option({
    value: "ADDR,ADDR,...",
    multiple: true,
    defaultText: "open admission",
    description: "Admit only these clients (the task becomes allowlist-only; repeat the flag or separate with commas); with --task, added to its list",
    field: addressListField(),
  }),
  "client-stake": option({
    value: "ETH",
    defaultText: "0 (new task), unchanged (--task)",
    description: "The stake each client must hold for the task to join (locked while it is in a round)",
    field: textField(etherParser),
  }),
  ...DP_OPTIONS,
  "expected-clients": option({ value: "N", defaultText: "--min-clients", description: "Clients distributed DP noise is split over (the clients' value)", field: integerField(1) }),
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface OwnerSettings {
  worker: WorkerSettings;
  taskId: bigint | undefined;
  rounds: number;
  /** The task's aggregator; undefined: Hardhat test account 1. */
  aggregator: string | undefined;
  settings: Omit<TaskSettings, "aggregator">;
  quiet: boolean;
}

export function ownerConfigSchema(cwd: string) {
  return optionsSchema(OWNER_OPTIONS)
    .superRefine((v, ctx) => {
      refineWorker(v, ctx);
      if (v.mode === "shamir" && v.task === undefined && v.servers.length < 2) {
        ctx.addIssue({ code: "custom", path: ["servers"], message: "names fewer than 2 servers, and --mode shamir needs at least 2", params: { fix: "pass --servers ADDR,ADDR,... with the registered servers' addresses in share order." } });
      }
      if (v.mode === "shamir" && v.threshold > Math.max(v.servers.length, 2)) {
        ctx.addIssue({ code: "custom", path: ["threshold"], message: `is above the ${v.servers.length} servers`, params: { fix: "give a threshold from 2 to the number of --servers." } });
      }
      if (v.task === undefined && v.mode !== "plain") refineFloor(v, v["max-clients"], ctx);
      refineDp(v, v.clip, ctx);
    })
    .transform((v): OwnerSettings => {
      const mode = v.mode;
      return {
        worker: workerConfigOf(v, "owner", cwd),
        taskId: v.task === undefined ? undefined : BigInt(v.task),
        rounds: v.rounds,
        aggregator: v.aggregator,
        settings: {
          mode,
          mash:
            mode === "mash"
              ? {
                  groupSize: v["group-size"],
                  maskGroup: v["mask-group"],
                  clip: v.clip,
                  scale: v.scale,
                  keyDurationSeconds: 60,
                  shuffleDurationSeconds: 90,
                  completionDurationSeconds: 120,
                }
              : undefined,
          shamir: mode === "shamir" ? { servers: v.servers, threshold: v.threshold, clip: v.clip, scale: v.scale, ...(v["server-bond"] !== undefined ? { serverBond: v["server-bond"] } : {}) } : undefined,
          terms: { aggregatorBond: v.bond, clientReward: v["client-reward"], aggregatorReward: v["aggregator-reward"], challengeDuration: BigInt(v["challenge-window"]) },
          dp: dpSettingsOf(v, v.clip),
          expectedClients: v["expected-clients"],
          modelKind: v.model as ModelKind,
          minClients: v["min-clients"] ?? (mode === "mash" ? 4 : mode === "shamir" ? 3 : 1),
          maxClients: v["max-clients"],
          minIncluded: mode === "plain" ? undefined : v["min-included"],
          joinDurationSeconds: v["join-seconds"],
          submitDurationSeconds: v["submit-seconds"],
          aggregateDurationSeconds: v["aggregate-seconds"],
          modelSeed: v.seed,
          admission: { allow: v.allow, clientStake: v["client-stake"] },
        },
        quiet: v.quiet,
      };
    });
}
