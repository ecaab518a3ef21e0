// The `fedmash` command line: the demo, one worker per role, and the crypto self-test. Flags override
// environment variables (RPC_URL, PRIVATE_KEY, IPFS_API_URL, FEDMASH_STORE_DIR), which override defaults.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { join, resolve } from "node:path";
import { BaseError } from "./errors";
import { DEFAULT_STORE_DIR } from "./storage/createStore";
import { DEFAULT_TRAINING } from "./ml/defaultTraining";
import { MODEL_KINDS, type ModelKind } from "./ml/modelLayout";
import type { WorkerConfig } from "./roles/openWorkerRuntime";
import type { ClientFault } from "./roles/runClient";
import type { DpSettings } from "./ml/dp/parseDpSettings";

export class CliUsageError extends BaseError {
  override name = "CliUsageError" as const;
}

const PROJECT_ROOT = resolve(__dirname, "..");

const HELP = `fedmash — privacy-preserving federated learning as a dApp

Usage: fedmash <command> [flags]

Commands
  demo         Run everything on one machine: Hardhat node, Ignition deploy, aggregator (+ servers) + one process per client.
               --mode mash|plain|shamir (mash)  --clients N (4)  --rounds R (3)  --model mlp|cnn (mlp)  --samples-per-client K (${DEFAULT_TRAINING.samplesPerClient})
               --epochs E (${DEFAULT_TRAINING.epochs})  --batch-size B (${DEFAULT_TRAINING.batchSize})  --lr L (${DEFAULT_TRAINING.learningRate})  --partition iid|dirichlet (iid)  --alpha A (0.5)
               --seed S (1)  --out DIR (runs/latest)  --faulty-client corrupt-update|truncated-update|wrong-length (plain)
               MASH: --group-size G (3)  --clip C (0.5)  --scale S (10000)  --paillier-bits 1024|2048 (2048)
                     --drop-clients K (0)  --drop-phase shuffle|submit (submit)
                     --bond ETH (1)  --client-reward ETH (0.01)  --aggregator-reward ETH (0.05)
                     --malicious-aggregator [consistent|inconsistent] (consistent when given without a value): the
                       aggregator publishes tampered aggregates; consistent posts matching batch sums (the contract
                       check fails, the bond is slashed), inconsistent posts the true ones (clients dispute)
               The MASH mask group is "paper-compat" (P = next_prime(2^80)): it reproduces the paper and is NOT secure.
               Shamir: --servers N (3)  --threshold T (2)  --drop-servers K (0): the last K server processes are
                     SIGKILLed once round 1 enters Aggregation (K <= N - T); --share-sum-grace S (10 with --drop-servers):
                     how long the aggregator waits for the last share-sums once T are in; --clip, --scale, money as MASH
               DP (every mode): --dp local|distributed  --noise-multiplier Z  --clip C (the L2 clip of the whole update;
                     in mash/shamir also the per-coordinate quantization clip)  --delta D (1e-5); the report gives (ε, δ)
  client       One client worker: joins rounds of --task, trains on its MNIST partition, submits updates.
               --index I --clients N (partition), --task T (1), training flags as for demo, --fault F (plain),
               --paillier-bits 1024|2048, --drop-at none|shuffle|submit with --drop-count K (mash: the K group members
               with the lowest addresses leave in the first round). The task's mode picks the protocol.
               DP: --dp local|distributed --noise-multiplier Z --clip C --delta D (1e-5) --expected-clients N (the
               task's min clients): N is what distributed noise is split over.
  aggregator   The aggregator worker: serves every task naming its account, averages and posts, keeps rounds moving.
               MASH and Shamir: bonds, posts the batch sums, settles and claims. --malicious-aggregator
               [consistent|inconsistent] (demo of a failing verification; consistent when given without a value).
               Shamir: --share-sum-grace S (half the aggregate duration): how long after Aggregation opens it keeps
               waiting for the last share-sums once t are in. DP: the clients' --dp --noise-multiplier --clip --delta
               (distributed noise widens the bound of the aggregate).
  server       A Shamir server: registers as a server with its own ECIES key, and in every round of the tasks that
               list it decrypts its shares of the submitted updates, adds them mod p and posts the share-sum.
               --index J (0) names its log and default state folder (.fedmash/workers/server-J).
  owner        Task owner: creates a task (or continues --task T) and runs --rounds R rounds, printing accuracy.
               Shamir: --servers ADDR,ADDR,... (registered servers, in share order) --threshold T (2)
               DP accounting: the clients' --dp --noise-multiplier --clip --delta --expected-clients N
               --mode mash|plain|shamir (mash)  MASH flags as for demo  --model mlp|cnn  --min-clients M (1)  --max-clients N (4)  --join-seconds (90)  --submit-seconds (120)
               --aggregate-seconds (120)  --seed S (1)  MASH money: --bond ETH (1)  --client-reward ETH (0.01)
               --aggregator-reward ETH (0.05); the owner funds rounds × (max clients × client reward + aggregator reward)
  selftest     Check the MASH crypto against known-answer vectors: --vectors FILE (../shared/testvectors/mash80.json)
  store-serve  Serve the embedded IPFS store over the Kubo RPC API (share one store between machines).

Worker flags (client, aggregator, server, owner)
  --rpc URL               JSON-RPC endpoint (env RPC_URL, default http://127.0.0.1:8545)
  --account I             Hardhat test account index (local chain 31337 only)
  --private-key HEX       Account key (env PRIVATE_KEY); required on any other chain
  --coordinator ADDR --registry ADDR   Contract addresses; default: read from the Ignition deployment
  --deployment-id ID      Ignition deployment folder (default chain-<chainId>)
  --store-dir DIR         Embedded IPFS store (env FEDMASH_STORE_DIR, default ${DEFAULT_STORE_DIR})
  --ipfs-api URL          Use a Kubo node instead (env IPFS_API_URL)
  --state-dir DIR         Keys and persisted protocol state (default .fedmash/workers/<role>[-index])
  --log-file FILE         JSON-lines log (default <state-dir>/worker.log.jsonl)
  --start-block B         First block to read on a fresh state (default 0)
`;

const WORKER_OPTIONS = {
  rpc: { type: "string" },
  account: { type: "string" },
  "private-key": { type: "string" },
  coordinator: { type: "string" },
  registry: { type: "string" },
  "deployment-id": { type: "string" },
  "store-dir": { type: "string" },
  "ipfs-api": { type: "string" },
  "state-dir": { type: "string" },
  "log-file": { type: "string" },
  "start-block": { type: "string" },
  quiet: { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

const MASH_OPTIONS = {
  "group-size": { type: "string" },
  clip: { type: "string" },
  scale: { type: "string" },
  "paillier-bits": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const DP_OPTIONS = {
  dp: { type: "string" },
  "noise-multiplier": { type: "string" },
  delta: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

/** The DP settings of --dp/--noise-multiplier/--clip/--delta, or undefined without --dp; a bad value is one line. */
async function dpSettings(values: { dp?: string; "noise-multiplier"?: string; delta?: string; clip?: string }): Promise<DpSettings | undefined> {
  if (values.dp === undefined) {
    if (values["noise-multiplier"] !== undefined || values.delta !== undefined) throw new CliUsageError("--noise-multiplier and --delta need --dp local|distributed.");
    return undefined;
  }
  const mechanism = oneOf("dp", values.dp, ["local", "distributed"], "distributed");
  if (values["noise-multiplier"] === undefined) throw new CliUsageError("--dp needs --noise-multiplier Z (the noise standard deviation in units of the clip).");
  if (values.clip === undefined) throw new CliUsageError("--dp needs --clip C (the L2 norm every update is clipped to).");
  const { parseDpSettings } = await import("./ml/dp/parseDpSettings");
  const { DpSettingsError } = await import("./ml/dp/errors");
  try {
    return parseDpSettings({ mechanism, noiseMultiplier: values["noise-multiplier"], clip: values.clip, delta: values.delta });
  } catch (error) {
    if (error instanceof DpSettingsError) throw new CliUsageError(error.shortMessage, { cause: error });
    throw error;
  }
}

function addressList(name: string, value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((item) => address(name, item.trim()) as string);
}

const TERMS_OPTIONS = {
  bond: { type: "string" },
  "client-reward": { type: "string" },
  "aggregator-reward": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const MALICIOUS_MODES = ["consistent", "inconsistent"] as const;

/** `--malicious-aggregator` may stand alone (meaning consistent); parseArgs wants a value, so supply it. */
function withMaliciousDefault(argv: string[]): string[] {
  return argv.flatMap((arg, i) => {
    if (arg !== "--malicious-aggregator") return [arg];
    const next = argv[i + 1];
    return next === undefined || next.startsWith("--") ? [arg, "consistent"] : [arg];
  });
}

function ether(name: string, value: string | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d{1,18})?$/.test(value)) throw new CliUsageError(`--${name} must be an amount of ETH ≥ 0 (up to 18 decimals), got "${value}".`);
  const [whole, fraction = ""] = value.split(".");
  return BigInt(whole!) * 10n ** 18n + BigInt(fraction.padEnd(18, "0"));
}

function verificationTerms(values: { bond?: string; "client-reward"?: string; "aggregator-reward"?: string }): { aggregatorBond: bigint; clientReward: bigint; aggregatorReward: bigint } {
  return {
    aggregatorBond: ether("bond", values.bond, 10n ** 18n),
    clientReward: ether("client-reward", values["client-reward"], 10n ** 16n),
    aggregatorReward: ether("aggregator-reward", values["aggregator-reward"], 5n * 10n ** 16n),
  };
}

function paillierBits(value: string | undefined, fallback: 1024 | 2048): 1024 | 2048 {
  return Number(oneOf("paillier-bits", value, ["1024", "2048"], String(fallback) as "1024" | "2048")) as 1024 | 2048;
}

const TRAINING_OPTIONS = {
  index: { type: "string" },
  clients: { type: "string" },
  "samples-per-client": { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  lr: { type: "string" },
  partition: { type: "string" },
  alpha: { type: "string" },
  seed: { type: "string" },
  backend: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>["values"] {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error), { details: "Run `fedmash --help` for the flags." });
  }
}

function integer(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) throw new CliUsageError(`--${name} must be an integer ≥ ${min}, got "${value}".`);
  return parsed;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new CliUsageError(`--${name} must be a positive number, got "${value}".`);
  return parsed;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new CliUsageError(`--${name} must be one of ${allowed.join(", ")}, got "${value}".`);
  return value as T;
}

function address(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new CliUsageError(`--${name} must be a 0x-prefixed 20-byte address, got "${value}".`);
  return value;
}

type WorkerValues = { [K in keyof typeof WORKER_OPTIONS]?: (typeof WORKER_OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

function workerConfig(values: WorkerValues, name: string, defaultStateDir: string): WorkerConfig & { startBlock: number } {
  const registry = address("registry", values.registry);
  const coordinator = address("coordinator", values.coordinator);
  if ((registry === undefined) !== (coordinator === undefined)) throw new CliUsageError("Pass both --registry and --coordinator, or neither.");
  const privateKey = values["private-key"] ?? process.env.PRIVATE_KEY;
  const accountIndex = values.account === undefined ? undefined : integer("account", values.account, 0);
  if (privateKey === undefined && accountIndex === undefined) {
    throw new CliUsageError("No account: pass --private-key (or PRIVATE_KEY), or --account I on a local Hardhat chain.");
  }
  const stateDir = resolve(values["state-dir"] ?? defaultStateDir);
  return {
    name,
    rpcUrl: values.rpc ?? process.env.RPC_URL ?? "http://127.0.0.1:8545",
    privateKey,
    accountIndex,
    addresses: registry && coordinator ? { registry, coordinator } : undefined,
    deploymentId: values["deployment-id"],
    projectRoot: process.cwd(),
    storeDir: resolve(values["store-dir"] ?? process.env.FEDMASH_STORE_DIR ?? DEFAULT_STORE_DIR),
    ipfsApiUrl: values["ipfs-api"],
    stateDir,
    logFile: values["log-file"],
    logToConsole: !values.quiet,
    startBlock: integer("start-block", values["start-block"], 0),
  };
}

/** Keeps a worker alive until SIGINT/SIGTERM, then stops it cleanly. */
async function serveUntilSignal(stop: () => Promise<void>): Promise<void> {
  await new Promise<void>((done) => {
    const onSignal = (): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      void stop().finally(done);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

async function commandDemo(argv: string[]): Promise<void> {
  const { runDemo, DEMO_DEFAULTS } = await import("./roles/runDemo");
  const v = parse(withMaliciousDefault(argv), {
    ...TRAINING_OPTIONS,
    mode: { type: "string" },
    rounds: { type: "string" },
    model: { type: "string" },
    out: { type: "string" },
    "faulty-client": { type: "string" },
    "deployment-id": { type: "string" },
    ...MASH_OPTIONS,
    "drop-clients": { type: "string" },
    "drop-phase": { type: "string" },
    ...TERMS_OPTIONS,
    "malicious-aggregator": { type: "string" },
    servers: { type: "string" },
    threshold: { type: "string" },
    "drop-servers": { type: "string" },
    "share-sum-grace": { type: "string" },
    ...DP_OPTIONS,
  });
  const maliciousAggregator =
    v["malicious-aggregator"] === undefined ? undefined : oneOf("malicious-aggregator", v["malicious-aggregator"], MALICIOUS_MODES, "consistent");
  const mode = oneOf("mode", v.mode, ["plain", "mash", "shamir"], DEMO_DEFAULTS.mode);
  const clients = integer("clients", v.clients, DEMO_DEFAULTS.clients, 1);
  const dropClients = integer("drop-clients", v["drop-clients"], DEMO_DEFAULTS.dropClients, 0);
  if (mode === "mash" && clients < 3) throw new CliUsageError("Mode mash needs --clients 3 or more (a holder and one group of at least 2).");
  if (mode === "shamir" && clients < 2) throw new CliUsageError("Mode shamir needs --clients 2 or more (the sum of one update is that update).");
  if (dropClients > 0 && mode !== "mash") throw new CliUsageError("--drop-clients applies to --mode mash.");
  if (dropClients >= clients) throw new CliUsageError(`--drop-clients ${dropClients} must be below --clients ${clients}.`);
  if (maliciousAggregator && mode === "plain") throw new CliUsageError("--malicious-aggregator applies to --mode mash or shamir (plain rounds are not verified).");
  const shamirOptions = {
    mode,
    servers: integer("servers", v.servers, DEMO_DEFAULTS.servers, 0),
    threshold: integer("threshold", v.threshold, DEMO_DEFAULTS.threshold, 0),
    dropServers: integer("drop-servers", v["drop-servers"], DEMO_DEFAULTS.dropServers, 0),
  };
  const { checkDemoOptions, DemoOptionsError } = await import("./roles/runDemo");
  try {
    checkDemoOptions(shamirOptions);
  } catch (error) {
    if (error instanceof DemoOptionsError) throw new CliUsageError(error.shortMessage);
    throw error;
  }
  if (mode !== "shamir" && (v.servers !== undefined || v.threshold !== undefined)) throw new CliUsageError("--servers and --threshold apply to --mode shamir.");
  // With DP, --clip is the L2 clip C of the whole update; an L2-clipped vector never exceeds C in any coordinate,
  // so the per-coordinate quantization clip is C too.
  const clip = positive("clip", v.clip, DEMO_DEFAULTS.clip);
  const dp = await dpSettings({ ...v, clip: String(clip) });
  const out = v.out ?? DEMO_DEFAULTS.outDir;
  const report = await runDemo({
    ...shamirOptions,
    shareSumGraceSeconds: v["share-sum-grace"] === undefined ? undefined : integer("share-sum-grace", v["share-sum-grace"], 0, 0),
    dp,
    clients,
    groupSize: integer("group-size", v["group-size"], DEMO_DEFAULTS.groupSize, 2),
    clip,
    scale: integer("scale", v.scale, DEMO_DEFAULTS.scale, 1),
    paillierBits: paillierBits(v["paillier-bits"], DEMO_DEFAULTS.paillierBits),
    dropClients,
    dropPhase: oneOf<"shuffle" | "submit">("drop-phase", v["drop-phase"], ["shuffle", "submit"], DEMO_DEFAULTS.dropPhase),
    rounds: integer("rounds", v.rounds, DEMO_DEFAULTS.rounds, 1),
    model: oneOf("model", v.model, MODEL_KINDS, DEMO_DEFAULTS.model),
    samplesPerClient: integer("samples-per-client", v["samples-per-client"], DEMO_DEFAULTS.samplesPerClient, 1),
    epochs: integer("epochs", v.epochs, DEMO_DEFAULTS.epochs, 1),
    batchSize: integer("batch-size", v["batch-size"], DEMO_DEFAULTS.batchSize, 1),
    learningRate: positive("lr", v.lr, DEMO_DEFAULTS.learningRate),
    partition: oneOf("partition", v.partition, ["iid", "dirichlet"], DEMO_DEFAULTS.partition),
    alpha: positive("alpha", v.alpha, DEMO_DEFAULTS.alpha),
    seed: integer("seed", v.seed, DEMO_DEFAULTS.seed),
    outDir: out,
    projectRoot: PROJECT_ROOT,
    deploymentId: v["deployment-id"],
    terms: verificationTerms(v),
    maliciousAggregator,
    faultyClient: v["faulty-client"] === undefined ? undefined : oneOf<ClientFault>("faulty-client", v["faulty-client"], ["corrupt-update", "truncated-update", "wrong-length"], "corrupt-update"),
    onLine: (line) => process.stdout.write(`${line}\n`),
  });
  const last = report.rounds.at(-1);
  const slashedRounds = report.rounds.filter((r) => BigInt(r.slashed) > 0n);
  if (maliciousAggregator) {
    // A demonstration of the failure, so the exit code stays 0; the outcome is spelled out instead.
    process.stdout.write(
      `\nMALICIOUS AGGREGATOR (${maliciousAggregator}): ${report.rounds.filter((r) => r.phase !== "Finalized").length} of ${report.rounds.length} rounds failed verification` +
        ` (${report.rounds.map((r) => `round ${r.round} ${r.verification.status}`).join(", ")}); bond slashed in ${slashedRounds.length} round(s)\n`,
    );
  }
  const { formatEpsilon } = await import("./roles/formatEpsilon");
  const privacy = last?.privacy ? ` · privacy (ε ${formatEpsilon(last.privacy.epsilon)}, δ ${last.privacy.delta}) after ${report.rounds.length} round(s)` : "";
  process.stdout.write(
    `\ndone in ${(report.totalMs / 1000).toFixed(1)} s · initial accuracy ${report.initialAccuracy.toFixed(4)} · final accuracy ${last?.accuracy?.toFixed(4) ?? "–"}${privacy} · report: ${join(out, "report.json")} and ${join(out, "report.md")}\n`,
  );
}

async function commandClient(argv: string[]): Promise<void> {
  const v = parse(argv, {
    ...WORKER_OPTIONS,
    ...TRAINING_OPTIONS,
    task: { type: "string" },
    fault: { type: "string" },
    "paillier-bits": { type: "string" },
    "drop-at": { type: "string" },
    "drop-count": { type: "string" },
    ...DP_OPTIONS,
    clip: { type: "string" },
    "expected-clients": { type: "string" },
  });
  const index = integer("index", v.index, 0);
  const dp = await dpSettings(v);
  const expectedClients = v["expected-clients"] === undefined ? undefined : integer("expected-clients", v["expected-clients"], 1, 1);
  const config = workerConfig(v, `client-${index}`, join(".fedmash", "workers", `client-${index}`));
  const numClients = integer("clients", v.clients, 4, 1);
  if (index >= numClients) throw new CliUsageError(`--index ${index} must be below --clients ${numClients}.`);
  const { openWorkerRuntime } = await import("./roles/openWorkerRuntime");
  const { runClient } = await import("./roles/runClient");
  const { runMashClient } = await import("./roles/runMashClient");
  const { runShamirClient } = await import("./roles/runShamirClient");
  const { Mode } = await import("./protocol/enums");
  const taskId = BigInt(integer("task", v.task, 1, 1));
  const dropAt = oneOf<"none" | "shuffle" | "submit">("drop-at", v["drop-at"], ["none", "shuffle", "submit"], "none");
  const fault = oneOf<ClientFault>("fault", v.fault, ["none", "corrupt-update", "truncated-update", "wrong-length"], "none");
  const bits = paillierBits(v["paillier-bits"], 2048);
  const { waitForTask } = await import("./roles/waitForTask");
  const runtime = await openWorkerRuntime(config);
  await waitForTask(runtime, taskId);
  const mode = Number((await runtime.coordinator.task(taskId)).config.mode);
  const training = {
      index,
      numClients,
      partition: oneOf("partition", v.partition, ["iid", "dirichlet"], "iid"),
      alpha: positive("alpha", v.alpha, 0.5),
      dataSeed: integer("seed", v.seed, 1),
      samplesPerClient: integer("samples-per-client", v["samples-per-client"], DEFAULT_TRAINING.samplesPerClient, 1),
      epochs: integer("epochs", v.epochs, DEFAULT_TRAINING.epochs, 1),
      batchSize: integer("batch-size", v["batch-size"], DEFAULT_TRAINING.batchSize, 1),
      learningRate: positive("lr", v.lr, DEFAULT_TRAINING.learningRate),
      backend: oneOf<"auto" | "tensorflow" | "wasm" | "cpu">("backend", v.backend, ["auto", "tensorflow", "wasm", "cpu"], "auto"),
  };
  const loop =
    mode === Mode.Mash
      ? await runMashClient({
          runtime,
          taskId,
          training,
          startBlock: config.startBlock,
          paillierBits: bits,
          dropAt,
          dropCount: integer("drop-count", v["drop-count"], 1, 1),
          onDrop: (where, roundId) => {
            runtime.logger.warn("dropping out as instructed (--drop-at)", { where, round: roundId });
            process.exit(0);
          },
          dp,
          expectedClients,
        })
      : mode === Mode.Shamir
        ? await runShamirClient({ runtime, taskId, training, startBlock: config.startBlock, dp, expectedClients })
        : await runClient({ runtime, taskId, startBlock: config.startBlock, fault, training, dp, expectedClients });
  await serveUntilSignal(async () => {
    await loop.stop();
    await runtime.close();
  });
}

async function commandAggregator(argv: string[]): Promise<void> {
  const v = parse(withMaliciousDefault(argv), {
    ...WORKER_OPTIONS,
    weighting: { type: "string" },
    "malicious-aggregator": { type: "string" },
    "share-sum-grace": { type: "string" },
    ...DP_OPTIONS,
    clip: { type: "string" },
  });
  const config = workerConfig(v, "aggregator", join(".fedmash", "workers", "aggregator"));
  const dp = await dpSettings(v);
  const maliciousAggregator =
    v["malicious-aggregator"] === undefined ? undefined : oneOf("malicious-aggregator", v["malicious-aggregator"], MALICIOUS_MODES, "consistent");
  const { openWorkerRuntime } = await import("./roles/openWorkerRuntime");
  const { runAggregator } = await import("./roles/runAggregator");
  const runtime = await openWorkerRuntime(config);
  const loop = await runAggregator({
    runtime,
    startBlock: config.startBlock,
    weighting: oneOf<"samples" | "uniform">("weighting", v.weighting, ["samples", "uniform"], "samples"),
    maliciousAggregator,
    dp,
    shareSumGraceSeconds: v["share-sum-grace"] === undefined ? undefined : integer("share-sum-grace", v["share-sum-grace"], 0, 0),
  });
  await serveUntilSignal(async () => {
    await loop.stop();
    await runtime.close();
  });
}

async function commandServer(argv: string[]): Promise<void> {
  const v = parse(argv, { ...WORKER_OPTIONS, index: { type: "string" }, "drop-in-round": { type: "string" } });
  const index = integer("index", v.index, 0);
  const config = workerConfig(v, `server-${index}`, join(".fedmash", "workers", `server-${index}`));
  const { openWorkerRuntime } = await import("./roles/openWorkerRuntime");
  const { runServer } = await import("./roles/runServer");
  const runtime = await openWorkerRuntime(config);
  const loop = await runServer({
    runtime,
    startBlock: config.startBlock,
    dropInRound: v["drop-in-round"] === undefined ? undefined : integer("drop-in-round", v["drop-in-round"], 1, 1),
  });
  await serveUntilSignal(async () => {
    await loop.stop();
    await runtime.close();
  });
}

async function commandOwner(argv: string[]): Promise<void> {
  const v = parse(argv, {
    ...WORKER_OPTIONS,
    task: { type: "string" },
    rounds: { type: "string" },
    model: { type: "string" },
    aggregator: { type: "string" },
    "min-clients": { type: "string" },
    "max-clients": { type: "string" },
    "join-seconds": { type: "string" },
    "submit-seconds": { type: "string" },
    "aggregate-seconds": { type: "string" },
    seed: { type: "string" },
    mode: { type: "string" },
    ...MASH_OPTIONS,
    ...TERMS_OPTIONS,
    servers: { type: "string" },
    threshold: { type: "string" },
    ...DP_OPTIONS,
    "expected-clients": { type: "string" },
  });
  const mode = oneOf<"plain" | "mash" | "shamir">("mode", v.mode, ["plain", "mash", "shamir"], "mash");
  const servers = addressList("servers", v.servers);
  if (mode === "shamir" && v.task === undefined && servers.length < 2) throw new CliUsageError("Mode shamir needs --servers ADDR,ADDR,... (at least 2 registered servers).");
  const dp = await dpSettings(v);
  const terms = verificationTerms(v);
  const config = workerConfig(v, "owner", join(".fedmash", "workers", "owner"));
  const { openWorkerRuntime } = await import("./roles/openWorkerRuntime");
  const { runTask } = await import("./roles/runTask");
  const { initBackend } = await import("./ml/initBackend");
  const { hardhatTestWallet } = await import("./chain/connectChain");
  const { formatEpsilon } = await import("./roles/formatEpsilon");
  const model = oneOf<ModelKind>("model", v.model, MODEL_KINDS, "mlp");
  const aggregator = address("aggregator", v.aggregator) ?? hardhatTestWallet(1).address;
  const maxClients = integer("max-clients", v["max-clients"], 4, 1);
  const runtime = await openWorkerRuntime(config);
  try {
    await initBackend({ model });
    const { taskId, rounds } = await runTask({
      runtime,
      taskId: v.task === undefined ? undefined : BigInt(integer("task", v.task, 1, 1)),
      rounds: integer("rounds", v.rounds, 1, 1),
      settings: {
        mode,
        mash:
          mode === "mash"
            ? {
                groupSize: integer("group-size", v["group-size"], 3, 2),
                clip: positive("clip", v.clip, 0.5),
                scale: integer("scale", v.scale, 10_000, 1),
                keyDurationSeconds: 60,
                shuffleDurationSeconds: 90,
                completionDurationSeconds: 120,
              }
            : undefined,
        shamir:
          mode === "shamir"
            ? {
                servers,
                threshold: integer("threshold", v.threshold, 2, 2),
                clip: positive("clip", v.clip, 0.5),
                scale: integer("scale", v.scale, 10_000, 1),
              }
            : undefined,
        dp,
        expectedClients: v["expected-clients"] === undefined ? undefined : integer("expected-clients", v["expected-clients"], 1, 1),
        modelKind: model,
        aggregator,
        minClients: integer("min-clients", v["min-clients"], mode === "mash" ? 3 : mode === "shamir" ? 2 : 1, 1),
        maxClients,
        joinDurationSeconds: integer("join-seconds", v["join-seconds"], 90, 1),
        submitDurationSeconds: integer("submit-seconds", v["submit-seconds"], 120, 1),
        aggregateDurationSeconds: integer("aggregate-seconds", v["aggregate-seconds"], 120, 1),
        modelSeed: integer("seed", v.seed, 1),
        terms,
      },
      aggregatorWaitMs: 120_000,
      onTaskCreated: (id, cid) => void process.stdout.write(`task ${id} created with initial model ${cid}\n`),
      onRoundDone: (r) =>
        process.stdout.write(
          `round ${r.round} (id ${r.roundId}): ${r.phase}${r.failureReason ? ` (${r.failureReason})` : ""} accuracy ${r.accuracy?.toFixed(4) ?? "–"} model ${r.modelCid}` +
            `${r.verification.status === "none" ? "" : ` verification ${r.verification.status} gas ${r.verification.gasUsed ?? "–"} paid ${r.paid} wei slashed ${r.slashed} wei`}` +
            `${r.servers ? ` servers ${r.servers.filter((s) => s.posted).length}/${r.servers.length} posted, reconstructed from [${(r.reconstructedFrom ?? []).join(", ")}]` : ""}` +
            `${r.privacy ? ` ε ${formatEpsilon(r.privacy.epsilon)} (δ ${r.privacy.delta})` : ""}\n`,
        ),
    });
    process.stdout.write(`task ${taskId}: ${rounds.length} round(s) done\n`);
  } finally {
    await runtime.close();
  }
}

async function commandSelftest(argv: string[]): Promise<void> {
  const v = parse(argv, { vectors: { type: "string" } });
  const { runSelftest } = await import("./crypto/selftest");
  const result = await runSelftest({ vectorsPath: resolve(v.vectors ?? join(PROJECT_ROOT, "..", "shared", "testvectors", "mash80.json")) });
  // The last line is already the "N passed, N failed" summary.
  for (const line of result.lines) process.stdout.write(`${line}\n`);
  if (result.failed > 0) process.exitCode = 1;
}

async function commandStoreServe(argv: string[]): Promise<void> {
  process.argv = [process.argv[0] ?? "node", "store-serve", ...argv];
  await import("./storage/serveStoreRpcMain");
}

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  demo: commandDemo,
  client: commandClient,
  aggregator: commandAggregator,
  server: commandServer,
  owner: commandOwner,
  selftest: commandSelftest,
  "store-serve": commandStoreServe,
};

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP);
    return;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new CliUsageError(`Unknown command "${command}".`, { details: "Run `fedmash --help` for the commands." });
    await run(rest);
  } catch (error) {
    if (error instanceof BaseError) {
      process.stderr.write(`fedmash: ${error.name}: ${error.shortMessage}\n${error.details ? `  ${error.details}\n` : ""}`);
      if (process.env.FEDMASH_DEBUG) process.stderr.write(`${error.stack ?? ""}\n`);
    } else {
      process.stderr.write(`fedmash: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    }
    process.exitCode = error instanceof CliUsageError ? 2 : 1;
  }
}
