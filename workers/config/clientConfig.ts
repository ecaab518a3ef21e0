// `fedmash client`: one client worker — chain and store settings, its MNIST partition and local training, the
// task to follow, MASH and dropout demo settings, and DP.
import type { ClientTrainingConfig } from "../roles/createLocalTrainer";
import type { ClientFault } from "../roles/runClient";
import type { MaliciousClientMode } from "../roles/runMashClient";
import type { DpSettings } from "../ml/dp/parseDpSettings";
import { booleanField, choiceField, etherField, integerField } from "./fields";
import { dpSettingsOf, refineDp } from "./dpConfig";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { DP_CLIP_OPTION, DP_OPTIONS, GLOBAL_OPTIONS, MALICIOUS_CLIENT_MODES, PAILLIER_OPTION, TRAINING_OPTIONS, WORKER_OPTIONS } from "./sharedOptions";
import { refineWorker, workerConfigOf, type WorkerSettings } from "./workerConfigOf";

export const CLIENT_OPTIONS = {
  index: option({ value: "I", description: "This client's partition (0-based, below --clients)", field: integerField(0, 0) }),
  task: option({ value: "T", description: "The task to follow; its mode picks the protocol", field: integerField(1, 1) }),
  ...TRAINING_OPTIONS,
  backend: option({ value: "auto|tensorflow|wasm|cpu", description: "TF.js backend", field: choiceField(["auto", "tensorflow", "wasm", "cpu"], "auto") }),
  fault: option({ value: "none|corrupt-update|truncated-update|wrong-length", description: "Plain mode: post a bad update (demo of an excluded client)", field: choiceField(["none", "corrupt-update", "truncated-update", "wrong-length"], "none") }),
  ...PAILLIER_OPTION,
  "drop-at": option({ value: "none|shuffle|submit", description: "MASH: leave in the first round at this step (demo of a dropout)", field: choiceField(["none", "shuffle", "submit"], "none") }),
  "allow-insecure-mask-group": option({
    type: "boolean",
    description: "MASH: take part in a task whose mask group is paper-compat (80-bit, NOT secure: `npm run attack:mask` unmasks an update in seconds)",
    field: booleanField(),
  }),
  "drop-count": option({ value: "K", description: "MASH: how many group members (lowest addresses) leave with --drop-at", field: integerField(1, 1) }),
  "min-challenge-window": option({
    value: "S",
    description: "MASH: refuse a round whose challenge window is shorter (the time this client needs to fetch the vectors and recompute the sum)",
    field: integerField(5, 60),
  }),
  "malicious-client": option({
    value: "false-challenge|oversized-payload",
    defaultText: "off",
    description: "MASH demo adversary: challenge an honest aggregate, or submit a payload twice the task's size (refused on a task of another mode)",
    field: choiceField(MALICIOUS_CLIENT_MODES),
  }),
  "inconsistent-shares": option({
    type: "boolean",
    description:
      "Shamir demo adversary: hand the last server a share off the polynomial (coordinate 0, + 1) and commit to it; a share-sum dispute then convicts this client and its stake is forfeited",
    field: booleanField(),
  }),
  "max-stake": option({
    value: "ETH",
    description: "The most this client stakes for the task by itself when its owner requires a client stake (0: never; a larger stake refuses the round, StakeRequiredError)",
    field: etherField(0n),
  }),
  "withdraw-stake": option({
    value: "T",
    defaultText: "off",
    description: "Instead of running: send this account's whole stake for task T back, then exit (locked while it is in T's open round)",
    field: integerField(1),
  }),
  ...DP_OPTIONS,
  ...DP_CLIP_OPTION,
  "expected-clients": option({ value: "N", defaultText: "the task's min clients", description: "Clients distributed DP noise is split over", field: integerField(1) }),
  ...WORKER_OPTIONS,
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export interface ClientSettings {
  worker: WorkerSettings;
  taskId: bigint;
  training: ClientTrainingConfig;
  fault: ClientFault;
  paillierBits: 1024 | 2048;
  dropAt: "none" | "shuffle" | "submit";
  dropCount: number;
  allowInsecureMaskGroup: boolean;
  minChallengeWindow: number;
  /** Wei: the most this client keeps staked for the task (joinRound stakes up to it); 0 never stakes. */
  maxStake: bigint;
  /** Withdraw the whole stake for this task and exit instead of running; undefined: run. */
  withdrawStake: bigint | undefined;
  maliciousClient: MaliciousClientMode | undefined;
  /** Shamir demo adversary (--inconsistent-shares): shares off one polynomial at leaf 0, committed as handed out. */
  inconsistentShares: boolean;
  dp: DpSettings | undefined;
  expectedClients: number | undefined;
  quiet: boolean;
}

export function clientConfigSchema(cwd: string) {
  return optionsSchema(CLIENT_OPTIONS)
    .superRefine((v, ctx) => {
      refineWorker(v, ctx);
      if (v.index >= v.clients) ctx.addIssue({ code: "custom", path: ["index"], message: `must be below --clients ${v.clients}`, params: { fix: `give --index 0 to ${v.clients - 1}, or raise --clients.` } });
      refineDp(v, v.clip, ctx);
    })
    .transform(
      (v): ClientSettings => ({
        worker: workerConfigOf(v, `client-${v.index}`, cwd),
        taskId: BigInt(v.task),
        training: {
          index: v.index,
          numClients: v.clients,
          partition: v.partition,
          alpha: v.alpha,
          dataSeed: v.seed,
          samplesPerClient: v["samples-per-client"],
          epochs: v.epochs,
          batchSize: v["batch-size"],
          learningRate: v.lr,
          backend: v.backend,
        },
        fault: v.fault,
        paillierBits: v["paillier-bits"] === "1024" ? 1024 : 2048,
        dropAt: v["drop-at"],
        dropCount: v["drop-count"],
        allowInsecureMaskGroup: v["allow-insecure-mask-group"] === true,
        minChallengeWindow: v["min-challenge-window"],
        maxStake: v["max-stake"],
        withdrawStake: v["withdraw-stake"] === undefined ? undefined : BigInt(v["withdraw-stake"]),
        maliciousClient: v["malicious-client"],
        inconsistentShares: v["inconsistent-shares"] === true,
        dp: dpSettingsOf(v, v.clip),
        expectedClients: v["expected-clients"],
        quiet: v.quiet,
      }),
    );
}
