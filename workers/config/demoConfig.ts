// `fedmash demo`: every setting of the one-machine run, its defaults (DEMO_DEFAULTS, kept equal by a test so this
// file need not load the demo's heavy modules just to print help) and the checks between them.
import { formatEther } from "ethers";
import type { DemoOptions } from "../roles/runDemo";
import type { ClientFault } from "../roles/runClient";
import { MODEL_KINDS } from "../ml/modelLayout";
import { booleanField, choiceField, deploymentIdField, etherParser, hostField, integerField, pathField, textField } from "./fields";
import { dpSettingsOf, refineDp } from "./dpConfig";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { refineFloor } from "./floorConfig";
import { challengeWindowOption, DEMO_MALICIOUS_CLIENT_MODES, DP_OPTIONS, GLOBAL_OPTIONS, MALICIOUS_OPTION, MASH_OPTIONS, PAILLIER_OPTION, TERMS_OPTIONS, TRAINING_OPTIONS } from "./sharedOptions";

/** The client stake the demo asks with --malicious-client inconsistent-shares unless --client-stake is given. */
export const INCONSISTENT_SHARES_CLIENT_STAKE = 5n * 10n ** 16n;

export const DEMO_OPTIONS = {
  mode: option({ value: "mash|plain|shamir", description: "Aggregation mode", field: choiceField(["mash", "plain", "shamir"], "mash") }),
  ...TRAINING_OPTIONS,
  rounds: option({ value: "R", description: "Rounds", field: integerField(1, 3) }),
  model: option({ value: "mlp|cnn", description: "mlp 784-128-10, or RustFL's SimpleCNN (cpu backend, slow)", field: choiceField(MODEL_KINDS, "mlp") }),
  out: option({ value: "DIR", description: "Where report.json, report.md, report-accuracy.svg, the store and the logs go", field: pathField("runs/latest") }),
  "deployment-id": option({ value: "ID", defaultText: "demo", description: "Ignition deployment id of the demo's chain", field: deploymentIdField() }),
  "faulty-client": option({
    value: "corrupt-update|truncated-update|wrong-length",
    defaultText: "none",
    description: "Plain mode: one extra client posts a bad update",
    field: choiceField(["corrupt-update", "truncated-update", "wrong-length"]),
  }),
  ...MASH_OPTIONS,
  ...PAILLIER_OPTION,
  "drop-clients": option({ value: "K", description: "MASH: K group members leave in round 1", field: integerField(0, 0) }),
  "drop-phase": option({ value: "shuffle|submit", description: "MASH: where they leave", field: choiceField(["shuffle", "submit"], "submit") }),
  ...TERMS_OPTIONS,
  admission: option({
    value: "allowlist|open",
    description: "Who may join: an allowlist of exactly the demo's clients, or open admission (anyone registered as a client, Sybils included)",
    field: choiceField(["allowlist", "open"], "allowlist"),
  }),
  "client-stake": option({
    value: "ETH",
    defaultText: `0 (${formatEther(INCONSISTENT_SHARES_CLIENT_STAKE)} with --malicious-client inconsistent-shares)`,
    description: "The stake each client must hold for the task; the demo's clients stake it themselves (their --max-stake)",
    field: textField(etherParser),
  }),
  ...challengeWindowOption(8),
  "min-challenge-window": option({ value: "S", description: "MASH: the shortest challenge window the demo's clients accept", field: integerField(5, 5) }),
  ...MALICIOUS_OPTION,
  "malicious-client": option({
    value: "false-challenge|oversized-payload|inconsistent-shares",
    defaultText: "off",
    description:
      "Client 0 cheats. MASH: it challenges an honest aggregate (its bond burned), or submits a payload twice the task's size (the round fails, nobody is slashed). Shamir: inconsistent-shares hands the last server a share off its polynomial; the share-sum dispute convicts it and its stake is forfeited",
    field: choiceField(DEMO_MALICIOUS_CLIENT_MODES),
  }),
  "malicious-server": option({
    value: "wrong-share-sum",
    defaultText: "off",
    description: "Shamir: the last server not dropped adds 1 to its share-sums; a share-sum dispute slashes its bond and the round goes on without it",
    field: choiceField(["wrong-share-sum"] as const),
  }),
  servers: option({ value: "N", defaultText: "3 (T + 2 with --malicious-client inconsistent-shares)", description: "Shamir: server processes", field: integerField(0) }),
  threshold: option({ value: "T", defaultText: "2", description: "Shamir: share-sums needed to reconstruct", field: integerField(0) }),
  "drop-servers": option({ value: "K", description: "Shamir: the last K servers are SIGKILLed once round 1 enters Aggregation", field: integerField(0, 0) }),
  "share-sum-grace": option({ value: "S", defaultText: "10 with --drop-servers, else half the aggregate duration", description: "Shamir: seconds the aggregator waits for the last share-sums once T are in", field: integerField(0) }),
  ...DP_OPTIONS,
  serve: option({ type: "boolean", description: "Also serve the round explorer page while the demo runs", field: booleanField() }),
  port: option({ value: "P", description: "Round explorer port (with --serve; 0 = any free port)", field: integerField(0, 8088, 65_535) }),
  host: option({ value: "H", description: "Round explorer address (with --serve)", field: hostField("127.0.0.1") }),
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export type DemoSettings = Omit<DemoOptions, "projectRoot" | "onLine" | "onChainReady" | "onRoundProgress"> & {
  serve: boolean;
  port: number;
  host: string;
  quiet: boolean;
};

export const demoConfigSchema = optionsSchema(DEMO_OPTIONS)
  .superRefine((v, ctx) => {
    const need = (path: string, message: string, fix: string): void => ctx.addIssue({ code: "custom", path: [path], message, params: { fix } });
    if (v.mode === "mash" && v.clients < 4) need("clients", "is below 4, the fewest --mode mash can run (a holder and one group of at least 3)", "give --clients 4 or more, or use --mode plain.");
    if (v.mode === "shamir" && v.clients < 3) need("clients", "is below 3, the fewest updates --mode shamir sums (with two, each client could subtract its own update from the sum)", "give --clients 3 or more.");
    if (v.mode !== "plain") refineFloor(v, v.clients, ctx);
    if (v["drop-clients"] > 0 && v.mode !== "mash") need("drop-clients", "applies to --mode mash only", "leave out --drop-clients, or use --mode mash.");
    if (v["drop-clients"] >= v.clients) need("drop-clients", `must be below --clients ${v.clients}`, "drop fewer clients than there are.");
    if (v["malicious-aggregator"] !== undefined && v.mode === "plain") need("malicious-aggregator", "applies to --mode mash or shamir (plain rounds are not verified)", "use --mode mash or shamir.");
    const maliciousClient = v["malicious-client"];
    const inconsistentShares = maliciousClient === "inconsistent-shares";
    if (maliciousClient !== undefined && !inconsistentShares && v.mode !== "mash") need("malicious-client", "applies to --mode mash only", "use --mode mash, or --malicious-client inconsistent-shares with --mode shamir.");
    if (inconsistentShares && v.mode !== "shamir") need("malicious-client", "applies to --mode shamir only", "use --mode shamir, or --malicious-client false-challenge|oversized-payload with --mode mash.");
    if (inconsistentShares && v.mode === "shamir") {
      // The bad share goes to the last server: it must post, and the dispute needs more than t live share-sums.
      const servers = v.servers ?? (v.threshold ?? 2) + 2;
      if (v["drop-servers"] > 0) need("malicious-client", "hands its bad share to the last server, which --drop-servers kills, so nobody could see it", "leave out --drop-servers.");
      if (v["malicious-server"] !== undefined) need("malicious-client", "and --malicious-server both aim at the last server, whose slash would hide the client's fault", "use one of them.");
      if (servers <= (v.threshold ?? 2)) need("malicious-client", `needs more servers than --threshold ${v.threshold ?? 2}: a share-sum dispute needs more than t share-sums`, `give --servers ${(v.threshold ?? 2) + 2} (t + 2 also lets the round reconstruct around the bad share).`);
    }
    if (v["malicious-server"] !== undefined && v.mode !== "shamir") need("malicious-server", "applies to --mode shamir only", "use --mode shamir, or leave out --malicious-server.");
    // A dispute needs more than t live share-sums: with n = t the lying server's sum cannot be told from the others'.
    if (v["malicious-server"] !== undefined && (v.servers ?? 3) - v["drop-servers"] <= (v.threshold ?? 2)) need("malicious-server", "needs more live servers than the threshold", "use --servers above --threshold plus --drop-servers.");
    if (v["min-challenge-window"] > v["challenge-window"]) {
      need("min-challenge-window", `is above --challenge-window ${v["challenge-window"]}: every client would refuse every round`, `give --min-challenge-window ${v["challenge-window"]} or less, or a longer --challenge-window.`);
    }
    if (v.mode !== "shamir" && v.servers !== undefined) need("servers", "applies to --mode shamir only", "use --mode shamir, or leave out --servers.");
    if (v.mode !== "shamir" && v.threshold !== undefined) need("threshold", "applies to --mode shamir only", "use --mode shamir, or leave out --threshold.");
    refineDp(v, v.clip, ctx);
  })
  .transform(
    (v): DemoSettings => ({
      mode: v.mode,
      clients: v.clients,
      rounds: v.rounds,
      model: v.model,
      samplesPerClient: v["samples-per-client"],
      epochs: v.epochs,
      batchSize: v["batch-size"],
      learningRate: v.lr,
      partition: v.partition,
      alpha: v.alpha,
      seed: v.seed,
      outDir: v.out,
      deploymentId: v["deployment-id"],
      faultyClient: v["faulty-client"] as ClientFault | undefined,
      groupSize: v["group-size"],
      maskGroup: v["mask-group"],
      minIncluded: v["min-included"],
      // With DP, --clip is the L2 clip C of the whole update; an L2-clipped vector never exceeds C in any
      // coordinate, so the per-coordinate quantization clip is C too.
      clip: v.clip,
      scale: v.scale,
      paillierBits: v["paillier-bits"] === "1024" ? 1024 : 2048,
      dropClients: v["drop-clients"],
      dropPhase: v["drop-phase"],
      admission: v.admission,
      // The adversary's stake is what its proven fault forfeits: without one there is nothing to show.
      clientStake: v["client-stake"] ?? (v["malicious-client"] === "inconsistent-shares" ? INCONSISTENT_SHARES_CLIENT_STAKE : 0n),
      terms: { aggregatorBond: v.bond, clientReward: v["client-reward"], aggregatorReward: v["aggregator-reward"], challengeDuration: BigInt(v["challenge-window"]) },
      minChallengeWindow: v["min-challenge-window"],
      maliciousAggregator: v["malicious-aggregator"],
      maliciousClient: v["malicious-client"],
      maliciousServer: v["malicious-server"],
      // t + 2 live share-sums let the round reconstruct around the one the bad share spoils (t + 2e for e wrong ones).
      servers: v.servers ?? (v["malicious-client"] === "inconsistent-shares" ? (v.threshold ?? 2) + 2 : 3),
      threshold: v.threshold ?? 2,
      dropServers: v["drop-servers"],
      shareSumGraceSeconds: v["share-sum-grace"],
      dp: dpSettingsOf(v, v.clip),
      serve: v.serve,
      port: v.port,
      host: v.host,
      quiet: v.quiet,
    }),
  );
