// The main job, end to end on one machine: start a Hardhat node, deploy with Ignition, start the aggregator and
// one OS process per client, run R rounds as the task owner, and write report.json and report.md. In MASH mode
// every round is verified on-chain; `maliciousAggregator` runs the aggregator as a cheat to show the check fail.
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
import type { MaliciousAggregatorMode } from "./runAggregator";
import { spawnWorker, type WorkerProcess } from "./spawnWorker";
import type { ClientFault } from "./runClient";
import { renderReportMarkdown } from "./renderReportMarkdown";
import { waitForRegistration } from "./waitForRegistration";
import { sleep } from "../retry";

export class DemoWorkerExitedError extends BaseError {
  override name = "DemoWorkerExitedError" as const;
}

export interface DemoOptions {
  mode: "plain" | "mash";
  /** MASH: members per group (the paper's 3), per-coordinate clip c and quantization scale S. */
  groupSize: number;
  clip: number;
  scale: number;
  paillierBits: 1024 | 2048;
  /** MASH: how many client processes drop out, and where. */
  dropClients: number;
  dropPhase: "shuffle" | "submit";
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
  /** MASH demo of a failing verification: the aggregator cheats this way in every round. */
  maliciousAggregator?: MaliciousAggregatorMode;
  /** Ignition deployment id, so concurrent runs (tests) do not share a folder. */
  deploymentId?: string;
  /** Print progress lines (the CLI does; tests do not). */
  onLine?: (line: string) => void;
}

export interface DemoReport {
  mode: string;
  model: string;
  clients: number;
  chainId: number;
  rpcUrl: string;
  /** The embedded store's folder (where every CID of the report lives), unless `ipfs.kind` is "kubo". */
  storeDir: string;
  ipfs: { kind: "embedded" | "kubo"; location: string };
  taskId: string;
  contracts: Record<string, string>;
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
      const dead = workers.find((w) => w.process.exitCode !== null);
      if (dead) throw new DemoWorkerExitedError(`A worker process exited during start-up (code ${dead.process.exitCode}).`, { details: "See its log under <out>/logs/." });
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

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
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
    say(`deployed FedmashRegistry ${addresses.registry}, FedmashCoordinator ${addresses.coordinator}, FedmashVerifier ${addresses.verifier}`);

    const common = ["--rpc", node.rpcUrl, "--registry", addresses.registry, "--coordinator", addresses.coordinator, "--store-dir", storeDir];
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
    const aggregator = spawnWorker({
      projectRoot: options.projectRoot,
      args: [
        "aggregator", ...common,
        "--account", String(AGGREGATOR_ACCOUNT),
        "--state-dir", join(workersDir, "aggregator"),
        "--log-file", join(logsDir, "aggregator.jsonl"),
        "--start-block", String(startBlock),
        ...(options.maliciousAggregator ? ["--malicious-aggregator", options.maliciousAggregator] : []),
      ],
      outputFile: join(logsDir, "aggregator.out"),
    });
    workers.push(aggregator);
    following.push({ process: aggregator, stateDir: join(workersDir, "aggregator") });
    say(`aggregator process started (${aggregatorAddress}); waiting for it to register…`);
    if (options.maliciousAggregator) {
      say(`!! the aggregator is MALICIOUS (${options.maliciousAggregator}): it publishes tampered aggregates; expect every verified round to fail`);
    }
    await waitForWorkers(owner, [aggregatorAddress], Role.Aggregator, workers, 120_000);

    const totalClients = options.clients + (options.faultyClient ? 1 : 0);
    const mash = options.mode === "mash";
    // Dropouts cost a deadline each time; shorter windows keep the demo quick without racing the honest clients.
    const dropping = mash && options.dropClients > 0;
    const clientAddresses = Array.from({ length: totalClients }, (_, i) => hardhatTestWallet(FIRST_CLIENT_ACCOUNT + i).address);
    const trainingSeconds = options.model === "cnn" ? Math.ceil(options.samplesPerClient * options.epochs * 0.08) + 60 : 120;
    const { taskId, rounds } = await runTask({
      runtime: owner,
      rounds: options.rounds,
      settings: {
        mode: options.mode,
        modelKind: options.model,
        aggregator: aggregatorAddress,
        minClients: mash ? 3 : 1,
        maxClients: totalClients,
        joinDurationSeconds: dropping ? 30 : 90,
        submitDurationSeconds: dropping ? Math.min(trainingSeconds, 45) : trainingSeconds,
        aggregateDurationSeconds: 120,
        modelSeed: options.seed,
        terms: options.terms,
        mash: mash
          ? {
              groupSize: options.groupSize,
              clip: options.clip,
              scale: options.scale,
              keyDurationSeconds: 60,
              shuffleDurationSeconds: dropping ? 30 : 90,
              completionDurationSeconds: trainingSeconds,
            }
          : undefined,
      },
      onTaskCreated: async (createdTaskId) => {
        say(
          `task ${createdTaskId} created (mode ${options.mode}${mash ? `, mask group paper-compat: 80-bit, NOT secure; groups of ${options.groupSize}, clip ${options.clip}, scale ${options.scale}` : ""}); starting ${options.clients} client processes${options.faultyClient ? ` + 1 faulty (${options.faultyClient})` : ""}${dropping ? `, ${options.dropClients} of which drop out at ${options.dropPhase}` : ""}…`,
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
              ...(mash ? ["--paillier-bits", String(options.paillierBits)] : []),
              ...(dropping ? ["--drop-at", options.dropPhase, "--drop-count", String(options.dropClients)] : []),
            ],
            outputFile: join(logsDir, `client-${i}.out`),
          });
          workers.push(client);
          following.push({ process: client, stateDir: join(workersDir, `client-${i}`) });
        }
        await waitForWorkers(owner as WorkerRuntime, clientAddresses, Role.Client, workers, 180_000);
        say(`all ${totalClients} clients registered`);
      },
      onProgress: (p) => say(`round ${p.round}: ${String(enumName(Phase, p.phase))} · joined ${p.joined}/${totalClients} · submitted ${p.submitted}`),
      onRoundDone: (r) => say(roundSummary(r)),
    });
    await waitForWorkersToCatchUp(following, await owner.connection.provider.getBlockNumber(), 15_000);

    const report: DemoReport = {
      mode: options.mode,
      model: options.model,
      clients: options.clients,
      chainId: Number(owner.connection.chainId),
      rpcUrl: node.rpcUrl,
      storeDir,
      ipfs: owner.store.kind === "kubo" ? { kind: "kubo", location: process.env.IPFS_API_URL ?? "" } : { kind: "embedded", location: storeDir },
      taskId: taskId.toString(),
      contracts: { FedmashRegistry: addresses.registry, FedmashCoordinator: addresses.coordinator, FedmashVerifier: addresses.verifier },
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
              maskGroup: "paper-compat (80-bit, not secure)",
              groupSize: options.groupSize,
              clip: options.clip,
              scale: options.scale,
              paillierBits: options.paillierBits,
              dropClients: options.dropClients,
              dropPhase: options.dropPhase,
              bondEth: formatEther(options.terms.aggregatorBond),
              clientRewardEth: formatEther(options.terms.clientReward),
              aggregatorRewardEth: formatEther(options.terms.aggregatorReward),
              maliciousAggregator: options.maliciousAggregator ?? "none",
            }
          : {}),
      },
      rounds,
      totalMs: Date.now() - started,
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "report.json"), JSON.stringify(report, null, 2) + "\n");
    writeFileSync(join(outDir, "report.md"), renderReportMarkdown(report));
    writeFileSync(join(logsDir, "hardhat-node.log"), nodeLog.join(""));
    return report;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await owner?.close();
    await node?.stop();
  }
}

/** One progress line per round; a failed verification says so, with the slashed bond. */
export function roundSummary(r: RoundReport): string {
  const verification =
    r.verification.status === "none"
      ? ""
      : ` · verification ${r.verification.status} (${r.verification.committed}/${r.verification.included} committed${r.verification.disputes ? `, ${r.verification.disputes} disputes` : ""}${
          r.verification.gasUsed === null ? "" : `, settle gas ${r.verification.gasUsed}`
        })`;
  if (r.phase === "Finalized") {
    return `round ${r.round} finalized in ${(r.durationMs / 1000).toFixed(1)} s · test accuracy ${(r.accuracy ?? 0).toFixed(4)} · loss ${(r.loss ?? 0).toFixed(4)} · included ${r.included.length}${
      r.excluded.length ? ` · excluded ${r.excluded.map((e) => `${e.client.slice(0, 8)}… (${e.reason})`).join(", ")}` : ""
    }${verification}${r.paid !== "0" ? ` · paid ${formatEther(r.paid)} ETH` : ""}`;
  }
  const slashed = BigInt(r.slashed) > 0n ? ` · verification ${r.verification.status}, aggregator slashed ${formatEther(r.slashed)} ETH` : "";
  return `round ${r.round} failed: ${r.failureReason}${slashed || verification}`;
}

export const DEMO_DEFAULTS = {
  mode: "mash" as "plain" | "mash",
  groupSize: 3,
  clip: 0.5,
  scale: 10_000,
  paillierBits: 2048 as 1024 | 2048,
  dropClients: 0,
  dropPhase: "submit" as "shuffle" | "submit",
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
  terms: DEFAULT_VERIFICATION_TERMS,
};
