// The main job, end to end on one machine: start a Hardhat node, deploy with Ignition, start the aggregator, in
// Shamir mode one process per server, and one OS process per client, run R rounds as the task owner, and write
// report.json, report.md and its plot report-accuracy.svg. In MASH and Shamir mode every round is verified on-chain; `maliciousAggregator` runs
// the aggregator as a cheat to show the check fail; `dropServers` SIGKILLs that many servers once round 1 enters
// Aggregation; `dp` makes every client privatize its updates and the report account the privacy spent.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { formatEther } from "ethers";
import { join, resolve } from "node:path";
import { startHardhatNode, type HardhatNodeHandle } from "../chain/startHardhatNode";
import { deployWithIgnition } from "../chain/deployWithIgnition";
import { hardhatTestWallet } from "../chain/connectChain";
import { enumName, Phase, Role } from "../protocol/enums";
import { initBackend } from "../ml/initBackend";
import type { ModelKind } from "../ml/modelLayout";
import { DEFAULT_TRAINING } from "../ml/defaultTraining";
import { BaseError } from "../errors";
import { openWorkerRuntime, type WorkerRuntime } from "./openWorkerRuntime";
import { DEFAULT_VERIFICATION_TERMS, runTask, type RoundReport, type VerificationTerms } from "./runTask";
import { describeAdmission, type AdmissionReport } from "../protocol/admission";
import type { MaliciousAggregatorMode } from "./runAggregator";
import type { MaliciousClientMode } from "./runMashClient";
import { INCONSISTENT_SHARES_CLIENT_STAKE } from "../config/demoConfig";
import { spawnWorker, type WorkerProcess } from "./spawnWorker";
import type { ClientFault } from "./runClient";
import type { DpSettings } from "../ml/dp/parseDpSettings";
import { renderReportMarkdown } from "./renderReportMarkdown";
import { renderReportPlot, REPORT_PLOT_FILE } from "../report/renderReportPlot";
import type { FedmashAddresses } from "../chain/loadDeployment";
import { formatEpsilon } from "./formatEpsilon";
import { waitForRegistration } from "./waitForRegistration";
import { sleep } from "../retry";
import { checkMaskSettings } from "../crypto/mask/checkMaskSettings";
import { integerNoiseBound } from "../ml/dp/integerNoiseBound";
import { MaskSettingsUnsupportedError } from "../crypto/mask/errors";
import { DEFAULT_MASK_GROUP, describeMaskGroup, MASK_GROUP_INFO, maskGroupInfo, type MaskGroupId, type MaskGroupInfo } from "../crypto/mask/maskGroup";

export class DemoWorkerExitedError extends BaseError {
  override name = "DemoWorkerExitedError" as const;
}

export class DemoOptionsError extends BaseError {
  override name = "DemoOptionsError" as const;
}

export type DemoMode = "plain" | "mash" | "shamir";

/** The MASH client adversaries, and Shamir's client that hands out inconsistent shares (`fedmash client --inconsistent-shares`). */
export type DemoMaliciousClientMode = MaliciousClientMode | "inconsistent-shares";

export interface DemoOptions {
  mode: DemoMode;
  /** MASH: members per group (the paper's 3, the fewest allowed), per-coordinate clip c and quantization scale S. */
  groupSize: number;
  /** MASH: the group the masks live in; "paper-compat" reproduces the paper and is NOT secure. */
  maskGroup: MaskGroupId;
  /** MASH and Shamir: the fewest updates a round may sum; undefined: the contract's max(3, minClients). */
  minIncluded?: number;
  clip: number;
  scale: number;
  paillierBits: 1024 | 2048;
  /** MASH: how many client processes drop out, and where. */
  dropClients: number;
  dropPhase: "shuffle" | "submit";
  /** Shamir: n server processes and the threshold t; clip and scale are the task's, as in MASH. */
  servers: number;
  threshold: number;
  /** Shamir: how many servers (the last ones) are SIGKILLed once round 1 enters Aggregation; at most n − t. */
  dropServers: number;
  /** Shamir: how long the aggregator waits for the last share-sums once t are in (default: half the aggregate duration). */
  shareSumGraceSeconds?: number;
  /** Differential privacy for every client (any mode); the report then carries (ε, δ) per round. */
  dp?: DpSettings;
  clients: number;
  rounds: number;
  model: ModelKind;
  samplesPerClient: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  partition: "iid" | "dirichlet";
  alpha: number;
  seed: number;
  outDir: string;
  projectRoot: string;
  /** Adds one extra client that posts a deliberately bad update. */
  faultyClient?: ClientFault;
  /** MASH: the task's bond and rewards (wei). */
  terms: VerificationTerms;
  /** Who may join: "allowlist" (default) admits exactly the demo's client accounts; "open" anyone registered as a client. */
  admission?: "allowlist" | "open";
  /** Wei each client must stake for the task (0: none); the demo's clients stake it themselves (--max-stake). */
  clientStake?: bigint;
  /** MASH demo of a fraud proof (Shamir: of a failing verification): the aggregator cheats this way in every round. */
  maliciousAggregator?: MaliciousAggregatorMode;
  /** MASH: the shortest challenge window the demo's clients accept (--min-challenge-window); default 5. */
  minChallengeWindow?: number;
  /** Demo adversary among the clients: client 0 cheats this way in every round (MASH modes, or Shamir's inconsistent-shares). */
  maliciousClient?: DemoMaliciousClientMode;
  /** Shamir demo adversary among the servers: the last server posts a wrong share-sum in every round. */
  maliciousServer?: "wrong-share-sum";
  /** Ignition deployment id, so concurrent runs (tests) do not share a folder. */
  deploymentId?: string;
  /** Print progress lines (the CLI does; tests do not). */
  onLine?: (line: string) => void;
  /**
   * Called once the contracts are deployed, before any worker starts: where the chain is, so a caller can follow it
   * (the round explorer of `fedmash demo --serve`, the explorer's browser test). Awaited.
   */
  onChainReady?: (chain: DemoChain) => void | Promise<void>;
  /** Each change of a round's phase or counts, with the phase's deadline: the CLI's live progress line. */
  onRoundProgress?: (progress: DemoRoundProgress) => void;
}

export interface DemoChain {
  rpcUrl: string;
  addresses: FedmashAddresses;
  deploymentId: string;
}

export interface DemoRoundProgress {
  round: number;
  /** The phase's name, e.g. "Submission". */
  phase: string;
  joined: number;
  submitted: number;
  /** Unix seconds of the phase's deadline on the chain; 0 once the round is over. */
  deadline: number;
  /** Client processes in the run (the faulty one included). */
  clients: number;
}

export interface DemoReport {
  mode: string;
  /** Test accuracy of the initial model, before round 1. */
  initialAccuracy: number;
  model: string;
  clients: number;
  chainId: number;
  rpcUrl: string;
  /** The embedded store's folder (where every CID of the report lives), unless `ipfs.kind` is "kubo". */
  storeDir: string;
  ipfs: { kind: "embedded" | "kubo"; location: string };
  taskId: string;
  contracts: Record<string, string>;
  /** MASH: the group the masks live in, as the task names it on-chain, with its estimated security. */
  maskGroup?: MaskGroupInfo;
  /** Who could join the task's rounds (FedmashVerifier.Admission); absent in reports written before it existed. */
  admission?: AdmissionReport;
  settings: Record<string, number | string>;
  rounds: RoundReport[];
  totalMs: number;
}

const OWNER_ACCOUNT = 0;
const AGGREGATOR_ACCOUNT = 1;
const FIRST_CLIENT_ACCOUNT = 2;

function waitForWorkers(runtime: WorkerRuntime, accounts: string[], role: Role, workers: WorkerProcess[], timeoutMs: number): Promise<void> {
  return waitForRegistration({
    runtime,
    accounts,
    role,
    timeoutMs,
    check: () => {
      // A crash (V8 abort, OOM kill) ends the process by a signal, with exitCode still null.
      const dead = workers.find((w) => w.process.exitCode !== null || w.process.signalCode !== null);
      if (dead) {
        const how = dead.process.signalCode !== null ? `signal ${dead.process.signalCode}` : `code ${dead.process.exitCode}`;
        throw new DemoWorkerExitedError(`A worker process (pid ${dead.process.pid}) exited during start-up (${how}).`, { details: "See its log under <out>/logs/." });
      }
    },
    onTimeout: () => new DemoWorkerExitedError(`Workers did not register within ${timeoutMs / 1000} s.`, { details: "See <out>/logs/." }),
  });
}

/**
 * Before the workers are stopped: wait (at most `timeoutMs`) until every worker still running has handled the chain
 * up to `block`, so the last round's settlement, claims and refusals are in their logs. Each worker's state file
 * holds the last block it fully handled.
 */
async function waitForWorkersToCatchUp(workers: { process: WorkerProcess; stateDir: string }[], block: number, timeoutMs: number): Promise<void> {
  const cursor = (stateDir: string): number => {
    const file = join(stateDir, "state.json");
    if (!existsSync(file)) return -1;
    try {
      return (JSON.parse(readFileSync(file, "utf8")) as { cursor?: number }).cursor ?? -1;
    } catch {
      return -1;
    }
  };
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(250)) {
    if (workers.every((w) => w.process.process.exitCode !== null || cursor(w.stateDir) >= block)) return;
  }
}

/** Refuses demo settings that cannot work, with a one-line message (before anything is started). */
export function checkDemoOptions(
  options: Pick<DemoOptions, "mode" | "servers" | "threshold" | "dropServers"> & Partial<Pick<DemoOptions, "maskGroup" | "clients" | "clip" | "scale" | "faultyClient" | "dp" | "maliciousClient">>,
): void {
  if (options.mode === "mash" && options.clients !== undefined) {
    // Refused before anything starts: settings the mask group could not aggregate exactly (docs/MASKING.md).
    try {
      const clients = options.clients + (options.faultyClient ? 1 : 0);
      const scale = options.scale ?? DEMO_DEFAULTS.scale;
      checkMaskSettings({
        maskGroup: options.maskGroup ?? DEFAULT_MASK_GROUP,
        maxClients: clients,
        clip: options.clip ?? DEMO_DEFAULTS.clip,
        scale,
        noiseBound: options.dp ? integerNoiseBound({ settings: options.dp, scale, clients }) : 0,
      });
    } catch (error) {
      if (error instanceof MaskSettingsUnsupportedError) throw new DemoOptionsError(`${error.shortMessage} ${error.details ?? ""}`.trim(), { cause: error });
      throw error;
    }
  }
  if (options.mode !== "shamir") {
    if (options.dropServers > 0) throw new DemoOptionsError("--drop-servers applies to --mode shamir.");
    return;
  }
  if (!Number.isInteger(options.servers) || options.servers < 2 || options.servers > 16) throw new DemoOptionsError(`--servers must be between 2 and 16, got ${options.servers}.`);
  if (!Number.isInteger(options.threshold) || options.threshold < 2 || options.threshold > options.servers) {
    throw new DemoOptionsError(`--threshold must be between 2 and --servers ${options.servers}, got ${options.threshold}.`);
  }
  if (options.maliciousClient === "inconsistent-shares" && (options.dropServers > 0 || options.servers <= options.threshold)) {
    throw new DemoOptionsError(
      `--malicious-client inconsistent-shares needs the last server to post and more than --threshold ${options.threshold} share-sums for a dispute: give --servers ${options.threshold + 2} and no --drop-servers.`,
    );
  }
  if (options.dropServers > options.servers - options.threshold) {
    throw new DemoOptionsError(
      `--drop-servers ${options.dropServers} would leave ${options.servers - options.dropServers} of ${options.servers} servers, below --threshold ${options.threshold}: at most ${options.servers - options.threshold} may drop.`,
    );
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  checkDemoOptions(options);
  const started = Date.now();
  const say = options.onLine ?? (() => undefined);
  const outDir = resolve(options.outDir);
  const logsDir = join(outDir, "logs");
  const storeDir = join(outDir, "ipfs");
  const workersDir = join(outDir, "workers");
  // A run starts from a fresh chain, so old worker state and logs would only mislead.
  rmSync(logsDir, { recursive: true, force: true });
  rmSync(workersDir, { recursive: true, force: true });
  mkdirSync(logsDir, { recursive: true });

  const workers: WorkerProcess[] = [];
  /** The long-running workers and their state folders, to let them catch up before they are stopped. */
  const following: { process: WorkerProcess; stateDir: string }[] = [];
  let node: HardhatNodeHandle | undefined;
  let owner: WorkerRuntime | undefined;
  const deploymentId = options.deploymentId ?? "demo";
  try {
    say(`starting a Hardhat node…`);
    const nodeLog: string[] = [];
    node = await startHardhatNode({ projectRoot: options.projectRoot, onOutput: (c) => nodeLog.push(c) });
    say(`chain ready at ${node.rpcUrl}; deploying with Ignition (deployment id ${deploymentId})…`);
    const addresses = await deployWithIgnition({ rpcUrl: node.rpcUrl, chainId: 31337n, projectRoot: options.projectRoot, deploymentId, reset: true });
    say(`deployed FedmashRegistry ${addresses.registry}, FedmashCoordinator ${addresses.coordinator}, FedmashVerifier ${addresses.verifier}, FedmashShamir ${addresses.shamir}`);
    await options.onChainReady?.({ rpcUrl: node.rpcUrl, addresses, deploymentId });

    // Every setting a worker needs is one of these flags: a worker must not also read the user's fedmash.json.
    const common = ["--config", "none", "--rpc", node.rpcUrl, "--registry", addresses.registry, "--coordinator", addresses.coordinator, "--store-dir", storeDir];
    owner = await openWorkerRuntime({
      name: "owner",
      rpcUrl: node.rpcUrl,
      accountIndex: OWNER_ACCOUNT,
      addresses,
      projectRoot: options.projectRoot,
      storeDir,
      stateDir: join(workersDir, "owner"),
      logFile: join(logsDir, "owner.jsonl"),
      logToConsole: false,
    });
    const backend = await initBackend({ model: options.model });
    const startBlock = await owner.connection.provider.getBlockNumber();

    const aggregatorAddress = hardhatTestWallet(AGGREGATOR_ACCOUNT).address;
    const shareSumGrace = options.shareSumGraceSeconds ?? (options.dropServers > 0 ? 10 : undefined);
    // The aggregator serves only the tasks it accepted, with the largest bond it risks: the demo's task is the next
    // one created on this fresh deployment, at the demo's bond.
    const demoTaskId = (await owner.coordinator.taskCount()) + 1n;
    const aggregator = spawnWorker({
      projectRoot: options.projectRoot,
      args: [
        "aggregator", ...common,
        "--account", String(AGGREGATOR_ACCOUNT),
        "--state-dir", join(workersDir, "aggregator"),
        "--log-file", join(logsDir, "aggregator.jsonl"),
        "--start-block", String(startBlock),
        // The cap is a budget over the task: the demo's aggregator risks its bond in every round (the
        // --malicious-aggregator demo is slashed in each one).
        "--accept-task", `${demoTaskId}:${formatEther(options.terms.aggregatorBond * BigInt(options.rounds))}`,
        // A local automining chain answers a dispute step in well under a second, so the demo's short windows are safe.
        "--min-challenge-window", "5",
        ...(options.maliciousAggregator ? ["--malicious-aggregator", options.maliciousAggregator] : []),
        ...(options.dp ? ["--dp", options.dp.mechanism, "--noise-multiplier", String(options.dp.noiseMultiplier), "--clip", String(options.dp.clip), "--delta", String(options.dp.delta)] : []),
        // A killed server never comes back: the demo waits 10 s for it instead of half the aggregate duration.
        ...(shareSumGrace !== undefined ? ["--share-sum-grace", String(shareSumGrace)] : []),
      ],
      outputFile: join(logsDir, "aggregator.out"),
    });
    workers.push(aggregator);
    following.push({ process: aggregator, stateDir: join(workersDir, "aggregator") });
    say(`aggregator process started (${aggregatorAddress}); waiting for it to register…`);
    if (options.maliciousAggregator) {
      say(
        options.mode === "mash"
          ? `!! the aggregator is MALICIOUS (${options.maliciousAggregator}): it publishes tampered aggregates; ${
              options.maliciousAggregator === "consistent"
                ? "expect every round to be proven wrong by a watcher (AggregateFraudProven, bond slashed)"
                : "its aggregateHash commits a tampered sum its payload does not open: expect the watchers to dispute it and prove the fraud (AggregateFraudProven, bond slashed)"
            }`
          : `!! the aggregator is MALICIOUS (${options.maliciousAggregator}): it publishes tampered aggregates; expect every verified round to fail`,
      );
    }
    if (options.maliciousClient === "inconsistent-shares") {
      const stake = options.clientStake ?? 0n;
      say(
        `!! client 0 is MALICIOUS (inconsistent-shares): it hands server ${options.servers - 1} a share off its polynomial (coordinate 0) and commits to it; expect the share-sums to disagree at leaf 0, ` +
          `the aggregator's share-sum dispute to end in a client fault, client 0 proven faulty from the servers' answers and its ${formatEther(stake)} ETH stake forfeited (half to the aggregator, which proves it, half shared by the servers that answered, the remainder of the division burned)` +
          `${options.servers - options.threshold >= 2 ? ", and the round reconstructed from the other servers" : `; with ${options.servers} servers for t = ${options.threshold} the round cannot route around the bad share-sum (it takes t + 2) and fails`}` +
          `. Every client stakes ${formatEther(stake)} ETH (--client-stake, ${formatEther(INCONSISTENT_SHARES_CLIENT_STAKE)} by default with this adversary); client 0 is off the allowlist afterwards, so a later round waits out Joining without it`,
      );
    } else if (options.maliciousClient) {
      say(
        `!! client 0 is MALICIOUS (${options.maliciousClient}): ${
          options.maliciousClient === "false-challenge"
            ? "it challenges every honest aggregate; expect its 0.01 ETH bond burned and the rounds to pass"
            : "it submits a masked payload twice the task's size; expect the holder (or the aggregator) to refuse it and the rounds to fail at the deadline, nobody slashed"
        }`,
      );
    }
    if (options.mode === "shamir" && options.maliciousServer) {
      say(
        `!! server ${options.servers - options.dropServers - 1} is MALICIOUS (${options.maliciousServer}): its share-sums are off by one; expect the aggregator to open a share-sum dispute, the server's bond slashed (half to the aggregator, half burned) and the round reconstructed from the others`,
      );
    }
    await waitForWorkers(owner, [aggregatorAddress], Role.Aggregator, workers, 120_000);

    const totalClients = options.clients + (options.faultyClient ? 1 : 0);
    const mash = options.mode === "mash";
    const shamir = options.mode === "shamir";
    const dpArgs = options.dp
      ? ["--dp", options.dp.mechanism, "--noise-multiplier", String(options.dp.noiseMultiplier), "--clip", String(options.dp.clip), "--delta", String(options.dp.delta)]
      : [];

    // Shamir: the servers register before the task names them; they take the accounts after the clients'.
    const serverAccounts = shamir ? Array.from({ length: options.servers }, (_, j) => FIRST_CLIENT_ACCOUNT + totalClients + j) : [];
    const serverAddresses = serverAccounts.map((account) => hardhatTestWallet(account).address);
    const serverProcesses: WorkerProcess[] = [];
    const firstDropped = options.servers - options.dropServers;
    for (const [j, account] of serverAccounts.entries()) {
      const server = spawnWorker({
        projectRoot: options.projectRoot,
        args: [
          "server", ...common,
          "--account", String(account),
          "--index", String(j),
          "--state-dir", join(workersDir, `server-${j}`),
          "--log-file", join(logsDir, `server-${j}.jsonl`),
          "--start-block", String(startBlock),
          // The dropped servers also stop themselves when round 1 opens Aggregation, so none can post first.
          ...(j >= firstDropped ? ["--drop-in-round", "1"] : []),
          // The lying server is the last one that is not dropped.
          ...(options.maliciousServer && j === firstDropped - 1 ? ["--wrong-share-sum"] : []),
        ],
        outputFile: join(logsDir, `server-${j}.out`),
      });
      workers.push(server);
      serverProcesses.push(server);
      following.push({ process: server, stateDir: join(workersDir, `server-${j}`) });
    }
    if (shamir) {
      say(`${options.servers} Shamir server processes started (threshold ${options.threshold}${options.dropServers ? `; the last ${options.dropServers} will be killed once round 1 enters Aggregation` : ""}); waiting for them to register…`);
      await waitForWorkers(owner, serverAddresses, Role.Server, workers, 120_000);
    }
    let serversDropped = false;
    const dropServers = (): void => {
      if (serversDropped || options.dropServers === 0) return;
      serversDropped = true;
      for (const server of serverProcesses.slice(firstDropped)) server.process.kill("SIGKILL");
      say(`!! killed ${options.dropServers} server process(es) (SIGKILL): server ${Array.from({ length: options.dropServers }, (_, k) => firstDropped + k).join(", ")} will never post`);
    };
    // Dropouts cost a deadline each time; shorter windows keep the demo quick without racing the honest clients.
    const dropping = mash && options.dropClients > 0;
    const clientAddresses = Array.from({ length: totalClients }, (_, i) => hardhatTestWallet(FIRST_CLIENT_ACCOUNT + i).address);
    const trainingSeconds = options.model === "cnn" ? Math.ceil(options.samplesPerClient * options.epochs * 0.08) + 60 : 120;
    const clientStake = options.clientStake ?? 0n;
    const { taskId, rounds, initialAccuracy, admission } = await runTask({
      runtime: owner,
      rounds: options.rounds,
      settings: {
        mode: options.mode,
        modelKind: options.model,
        aggregator: aggregatorAddress,
        minClients: mash ? 4 : shamir ? 3 : 1,
        maxClients: totalClients,
        minIncluded: options.minIncluded,
        // After a dropout every later round waits out Joining for the clients that left: clients join within a second.
        joinDurationSeconds: dropping ? 15 : 90,
        submitDurationSeconds: dropping ? Math.min(trainingSeconds, 45) : trainingSeconds,
        // A malicious client's run: when the oversized payload is the holder's, the aggregator refuses it and the round
        // waits out this deadline instead (aggregating 4 clients takes seconds): 25 s, so the adversary rows end quickly.
        aggregateDurationSeconds: mash && options.maliciousClient ? 25 : 120,
        modelSeed: options.seed,
        terms: options.terms,
        // The safe default: the demo knows its clients, so nobody else's accounts (Sybils) can fill its rounds.
        admission: { allow: (options.admission ?? "allowlist") === "allowlist" ? clientAddresses : [], clientStake },
        shamir: shamir ? { servers: serverAddresses, threshold: options.threshold, clip: options.clip, scale: options.scale } : undefined,
        dp: options.dp,
        expectedClients: totalClients,
        mash: mash
          ? {
              groupSize: options.groupSize,
              maskGroup: options.maskGroup,
              clip: options.clip,
              scale: options.scale,
              keyDurationSeconds: 60,
              shuffleDurationSeconds: dropping ? 30 : 90,
              // The holder completes within seconds of the members' submissions (it trained meanwhile); an oversized
              // payload makes it refuse, and the round then waits out this deadline: 25 s, not the training time.
              completionDurationSeconds: options.maliciousClient ? 25 : trainingSeconds,
            }
          : undefined,
      },
      onAdmission: (policy) => say(`admission: ${describeAdmission(policy)}`),
      onTaskCreated: async (createdTaskId) => {
        say(
          `task ${createdTaskId} created (mode ${options.mode}${mash ? `, mask group ${maskGroupLabel(options.maskGroup)}; groups of ${options.groupSize}, clip ${options.clip}, scale ${options.scale}` : ""}${
            shamir ? `, ${options.threshold}-of-${options.servers} Shamir over p = 2^31 − 1, clip ${options.clip}, scale ${options.scale}` : ""
          }${options.dp ? `, DP ${options.dp.mechanism} σ ${options.dp.noiseMultiplier} C ${options.dp.clip} δ ${options.dp.delta}` : ""}); starting ${options.clients} client processes${options.faultyClient ? ` + 1 faulty (${options.faultyClient})` : ""}${dropping ? `, ${options.dropClients} of which drop out at ${options.dropPhase}` : ""}…`,
        );
        for (let i = 0; i < totalClients; i++) {
          const faulty = options.faultyClient && i === options.clients;
          const client = spawnWorker({
            projectRoot: options.projectRoot,
            args: [
              "client",
              ...common,
              "--task", String(createdTaskId),
              "--account", String(FIRST_CLIENT_ACCOUNT + i),
              "--index", String(faulty ? 0 : i),
              "--clients", String(options.clients),
              "--samples-per-client", String(options.samplesPerClient),
              "--epochs", String(options.epochs),
              "--batch-size", String(options.batchSize),
              "--lr", String(options.learningRate),
              "--partition", options.partition,
              "--alpha", String(options.alpha),
              "--seed", String(options.seed),
              "--state-dir", join(workersDir, `client-${i}`),
              "--log-file", join(logsDir, `client-${i}.jsonl`),
              "--start-block", String(startBlock),
              ...(faulty ? ["--fault", options.faultyClient as string] : []),
              ...(clientStake > 0n ? ["--max-stake", formatEther(clientStake)] : []),
              ...(mash ? ["--paillier-bits", String(options.paillierBits), "--min-challenge-window", String(options.minChallengeWindow ?? 5)] : []),
              ...(mash && options.maliciousClient && options.maliciousClient !== "inconsistent-shares" && i === 0 ? ["--malicious-client", options.maliciousClient] : []),
              ...(shamir && options.maliciousClient === "inconsistent-shares" && i === 0 ? ["--inconsistent-shares"] : []),
              // The demo's user chose the group: its clients take part even in paper-compat.
              ...(mash && !MASK_GROUP_INFO[options.maskGroup].secure ? ["--allow-insecure-mask-group"] : []),
              ...(dropping ? ["--drop-at", options.dropPhase, "--drop-count", String(options.dropClients)] : []),
              ...(options.dp ? [...dpArgs, "--expected-clients", String(totalClients)] : []),
            ],
            outputFile: join(logsDir, `client-${i}.out`),
          });
          workers.push(client);
          following.push({ process: client, stateDir: join(workersDir, `client-${i}`) });
        }
        await waitForWorkers(owner as WorkerRuntime, clientAddresses, Role.Client, workers, 180_000);
        say(`all ${totalClients} clients registered`);
      },
      onProgress: (p) => {
        if (p.round === 1 && p.phase === Phase.Aggregation) dropServers();
        say(`round ${p.round}: ${String(enumName(Phase, p.phase))} · joined ${p.joined}/${totalClients} · submitted ${p.submitted}`);
        options.onRoundProgress?.({ round: p.round, phase: String(enumName(Phase, p.phase)), joined: p.joined, submitted: p.submitted, deadline: Number(p.deadline), clients: totalClients });
      },
      onRoundDone: (r) => say(roundSummary(r)),
    });
    await waitForWorkersToCatchUp(following, await owner.connection.provider.getBlockNumber(), 15_000);

    const report: DemoReport = {
      mode: options.mode,
      initialAccuracy,
      model: options.model,
      clients: options.clients,
      chainId: Number(owner.connection.chainId),
      rpcUrl: node.rpcUrl,
      storeDir,
      ipfs: owner.store.kind === "kubo" ? { kind: "kubo", location: process.env.IPFS_API_URL ?? "" } : { kind: "embedded", location: storeDir },
      taskId: taskId.toString(),
      ...(mash ? { maskGroup: maskGroupInfo(MASK_GROUP_INFO[options.maskGroup]) } : {}),
      admission,
      contracts: {
        FedmashRegistry: addresses.registry,
        FedmashCoordinator: addresses.coordinator,
        FedmashVerifier: addresses.verifier,
        ...(shamir ? { FedmashShamir: addresses.shamir } : {}),
      },
      settings: {
        backend,
        samplesPerClient: options.samplesPerClient,
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        partition: options.partition,
        alpha: options.alpha,
        seed: options.seed,
        faultyClient: options.faultyClient ?? "none",
        ...(mash
          ? {
              maskGroup: maskGroupLabel(options.maskGroup),
              minIncluded: options.minIncluded ?? "max(3, minClients)",
              groupSize: options.groupSize,
              clip: options.clip,
              scale: options.scale,
              paillierBits: options.paillierBits,
              dropClients: options.dropClients,
              dropPhase: options.dropPhase,
              bondEth: formatEther(options.terms.aggregatorBond),
              clientRewardEth: formatEther(options.terms.clientReward),
              aggregatorRewardEth: formatEther(options.terms.aggregatorReward),
              challengeWindowSeconds: Number(options.terms.challengeDuration),
              maliciousAggregator: options.maliciousAggregator ?? "none",
              maliciousClient: options.maliciousClient ?? "none",
            }
          : {}),
        ...(shamir
          ? {
              servers: options.servers,
              threshold: options.threshold,
              field: "p = 2^31 - 1",
              clip: options.clip,
              scale: options.scale,
              dropServers: options.dropServers,
              maliciousServer: options.maliciousServer ?? "none",
              maliciousClient: options.maliciousClient ?? "none",
              clientStakeEth: formatEther(clientStake),
              bondEth: formatEther(options.terms.aggregatorBond),
              clientRewardEth: formatEther(options.terms.clientReward),
              aggregatorRewardEth: formatEther(options.terms.aggregatorReward),
              maliciousAggregator: options.maliciousAggregator ?? "none",
            }
          : {}),
        ...(options.dp ? { dp: options.dp.mechanism, noiseMultiplier: options.dp.noiseMultiplier, dpClip: options.dp.clip, delta: options.dp.delta } : {}),
      },
      rounds,
      totalMs: Date.now() - started,
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "report.json"), JSON.stringify(report, null, 2) + "\n");
    writeFileSync(join(outDir, "report.md"), renderReportMarkdown(report));
    writeFileSync(join(outDir, REPORT_PLOT_FILE), renderReportPlot(report));
    writeFileSync(join(logsDir, "hardhat-node.log"), nodeLog.join(""));
    return report;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await owner?.close();
    await node?.stop();
  }
}

/** One progress line per round; a failed verification says so, with the slashed bond; Shamir and DP add their facts. */
export function roundSummary(r: RoundReport): string {
  const servers = r.servers
    ? ` · servers ${r.servers.filter((s) => s.posted).length}/${r.servers.length} posted${r.reconstructedFrom?.length ? `, reconstructed from [${r.reconstructedFrom.join(", ")}]` : ""}${
        r.inconsistentServers?.length ? `, INCONSISTENT [${r.inconsistentServers.join(", ")}]` : ""
      }`
    : "";
  // In MASH epsilon is against the holder's view of the smallest group; the aggregator-only figure is shown when it differs.
  const aggregatorOnly = r.privacy?.epsilonAggregator !== undefined && r.privacy.epsilonAggregator !== r.privacy.epsilon ? `, ${formatEpsilon(r.privacy.epsilonAggregator)} against the aggregator alone` : "";
  const privacy = r.privacy ? ` · ε ${formatEpsilon(r.privacy.epsilon)} (δ ${r.privacy.delta}, this round ${formatEpsilon(r.privacy.epsilonRound)}${aggregatorOnly})` : "";
  // MASH rounds are checked by fraud proofs (no commitments); Shamir rounds by the clients' commitments.
  const challenges = r.challenges.length
    ? `, ${r.challenges
        .map((c) =>
          c.kind === "dispute" && c.coordinate === undefined && c.leafIndex === undefined
            ? `dispute ${c.upheld ? "won" : "lost"} (${c.end})`
            : `${c.kind === "dispute" ? `dispute ${c.upheld ? "won" : "lost"}: ` : ""}${c.upheld
              ? `challenge upheld at coordinate ${c.coordinate} (gas ${c.gasUsed})`
              : `challenge rejected at leaf ${c.leafIndex} (gas ${c.gasUsed})`}`,
        )
        .join(", ")}`
    : "";
  // An upheld challenge is the settling transaction: its gas is shown with it.
  const settleGas = r.verification.gasUsed === null || r.challenges.some((c) => c.upheld) ? "" : `, settle gas ${r.verification.gasUsed}`;
  // A round that failed before its aggregate ran no verification ("released": its reserve went back to the pool).
  const verification =
    r.verification.status === "none" || r.verification.status === "released"
      ? ""
      : r.holder !== undefined
        ? ` · verification ${r.verification.status} (${r.verification.included} included${challenges}${settleGas})`
        : ` · verification ${r.verification.status} (${r.verification.committed}/${r.verification.included} committed${settleGas})`;
  // A client's stake is forfeited (a proven fault), every other party's bond slashed.
  const slashed = r.slashedParties.filter((s) => s.role !== "client");
  const forfeited = r.slashedParties.filter((s) => s.role === "client");
  const slashedParties =
    (slashed.length ? ` · slashed ${slashed.map((s) => `${s.role} ${s.address.slice(0, 8)}… ${formatEther(s.wei)} ETH (${s.reason})`).join(", ")}` : "") +
    forfeited.map((s) => ` · client ${s.address.slice(0, 8)}… forfeited ${formatEther(s.wei)} ETH (${s.reason})`).join("");
  if (r.phase === "Finalized" && r.failureReason === "AggregateUnusable") {
    // Finalized on-chain, but its aggregate does not open its commitment (MASH: the unprovable inconsistent case).
    return `round ${r.round} finalized in ${(r.durationMs / 1000).toFixed(1)} s, but its aggregate is unusable (it does not open its on-chain commitment; the clients refuse its model)${verification}${slashedParties}${
      r.paid !== "0" ? ` · paid ${formatEther(r.paid)} ETH` : ""
    }`;
  }
  if (r.phase === "Finalized") {
    return `round ${r.round} finalized in ${(r.durationMs / 1000).toFixed(1)} s · test accuracy ${(r.accuracy ?? 0).toFixed(4)} · loss ${(r.loss ?? 0).toFixed(4)} · included ${r.included.length}${
      r.excluded.length ? ` · excluded ${r.excluded.map((e) => `${e.client.slice(0, 8)}… (${e.reason})`).join(", ")}` : ""
    }${servers}${verification}${slashedParties}${r.paid !== "0" ? ` · paid ${formatEther(r.paid)} ETH` : ""}${privacy}`;
  }
  return `round ${r.round} failed: ${r.failureReason}${servers}${verification}${slashedParties}${privacy}`;
}

/** How the demo names a mask group: with its bits, and paper-compat always with its warning. */
function maskGroupLabel(id: MaskGroupId): string {
  return describeMaskGroup(MASK_GROUP_INFO[id]);
}

export const DEMO_DEFAULTS = {
  mode: "mash" as DemoMode,
  groupSize: 3,
  maskGroup: DEFAULT_MASK_GROUP as MaskGroupId,
  clip: 0.5,
  scale: 10_000,
  paillierBits: 2048 as 1024 | 2048,
  dropClients: 0,
  dropPhase: "submit" as "shuffle" | "submit",
  servers: 3,
  threshold: 2,
  dropServers: 0,
  clients: 4,
  rounds: 3,
  model: "mlp" as ModelKind,
  samplesPerClient: DEFAULT_TRAINING.samplesPerClient,
  epochs: DEFAULT_TRAINING.epochs,
  batchSize: DEFAULT_TRAINING.batchSize,
  learningRate: DEFAULT_TRAINING.learningRate,
  partition: "iid" as const,
  alpha: 0.5,
  seed: 1,
  outDir: "runs/latest",
  // The demo's challenge window is short, so its rounds stay quick (fedmash owner defaults to 600 s).
  terms: { ...DEFAULT_VERIFICATION_TERMS, challengeDuration: 8n },
  minChallengeWindow: 5,
  admission: "allowlist" as "allowlist" | "open",
  clientStake: 0n,
};
