// `fedmash watch` across real processes: a MASH round (rlwr-2048) whose aggregator tampers the sum and commits the
// tampered sum's root (`--malicious-aggregator consistent`), four clients and a standalone watcher on an account of
// its own. The watcher, like every client, recomputes the sum of the included vectors once the challenge window
// opens and finds it wrong; whoever lands the first challenge proves the fraud, the round fails AggregateFraudProven
// and the aggregator's bond is slashed; a watcher that proved it claims its bond back and half the slash.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startHardhatNode, type HardhatNodeHandle } from "../../workers/chain/startHardhatNode";
import { deployWithIgnition } from "../../workers/chain/deployWithIgnition";
import { connectChain, hardhatTestWallet } from "../../workers/chain/connectChain";
import { spawnWorker, type WorkerProcess } from "../../workers/roles/spawnWorker";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";
import { PROJECT_ROOT, runCli, type CliResult } from "../helpers/runCli";
import { FedmashCoordinator__factory, FedmashVerifier__factory } from "../../typechain-types";
import { VerificationOutcome } from "../../workers/protocol/enums";
import { sleep } from "../../workers/retry";

const CLIENTS = 4;
const WATCHER_ACCOUNT = 9;
const BOND_WEI = 10n ** 18n;
/** The watcher's log lines for the ways a round can end for it: its proof won, another's did, or its dispute ended. */
const WATCHER_ENDINGS = [
  '"msg":"fraud proven: the aggregator is slashed"',
  '"msg":"another watcher proved the fraud first: the round is settled"',
  '"msg":"aggregate dispute over"',
];

describe("fedmash watch: a standalone watcher of a MASH task", function () {
  this.timeout(420_000);
  let workspace: IntegrationWorkspace | undefined;
  let node: HardhatNodeHandle;
  let work: string;
  let coordinatorAddress: string;
  const workers: WorkerProcess[] = [];
  let owner: CliResult;

  before(async function () {
    workspace = integrationWorkspace("watch");
    work = workspace.dir;
    const { deploymentId } = workspace;
    node = await startHardhatNode({ projectRoot: PROJECT_ROOT });
    ({ coordinator: coordinatorAddress } = await deployWithIgnition({ rpcUrl: node.rpcUrl, chainId: 31337n, projectRoot: PROJECT_ROOT, deploymentId, reset: true }));
    const common = ["--rpc", node.rpcUrl, "--deployment-id", deploymentId, "--store-dir", join(work, "ipfs"), "--quiet"];
    workers.push(
      spawnWorker({
        projectRoot: PROJECT_ROOT,
        args: ["aggregator", ...common, "--account", "1", "--accept-task", "1", "--min-challenge-window", "5", "--malicious-aggregator", "consistent", "--state-dir", join(work, "aggregator")],
        outputFile: join(work, "aggregator.out"),
      }),
    );
    for (let i = 0; i < CLIENTS; i++) {
      workers.push(
        spawnWorker({
          projectRoot: PROJECT_ROOT,
          args: [
            "client", ...common,
            "--account", String(2 + i), "--index", String(i), "--clients", String(CLIENTS), "--samples-per-client", "1000", "--task", "1",
            "--paillier-bits", "1024", "--min-challenge-window", "5", "--state-dir", join(work, `client-${i}`),
          ],
          outputFile: join(work, `client-${i}.out`),
        }),
      );
    }
    workers.push(
      spawnWorker({
        projectRoot: PROJECT_ROOT,
        args: ["watch", ...common, "--account", String(WATCHER_ACCOUNT), "--task", "1", "--state-dir", join(work, "watcher")],
        outputFile: join(work, "watcher.out"),
      }),
    );
    owner = await runCli(["owner", ...common, "--account", "0", "--mode", "mash", "--rounds", "1", "--max-clients", String(CLIENTS), "--join-seconds", "180", "--challenge-window", "20", "--state-dir", join(work, "owner")]);
    // Claims land just after the settlement: wait until the watcher has claimed what it is owed and logged how the
    // round ended for it (what the tests below read), at most 20 s, rather than a fixed pause.
    const account = await connectChain({ rpcUrl: node.rpcUrl, accountIndex: 0 });
    try {
      const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, account.signer);
      const verifier = FedmashVerifier__factory.connect(await coordinator.verifier(), account.signer);
      const watcher = hardhatTestWallet(WATCHER_ACCOUNT).address;
      const log = join(work, "watcher", "worker.log.jsonl");
      const done = async (): Promise<boolean> =>
        (await verifier.claimable(1n, watcher)) === 0n && existsSync(log) && WATCHER_ENDINGS.some((line) => readFileSync(log, "utf8").includes(line));
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && !(await done()); ) await sleep(250);
    } finally {
      account.provider.destroy();
    }
  });

  after(async function () {
    await Promise.all(workers.map((w) => w.stop()));
    await node?.stop();
    workspace?.remove();
  });

  it("fails the round as AggregateFraudProven and slashes the aggregator", async function () {
    expect(owner.code, owner.stderr).to.equal(0);
    // The owner's whole output in the message: under load the watcher's race against the window is what varies.
    expect(owner.stdout, owner.stdout).to.match(/round 1 \(id 1\): Failed \(AggregateFraudProven\)/);
    expect(owner.stdout).to.match(/slashed aggregator 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 1000000000000000000 wei \(aggregate-fraud-proven\)/);
    const account = await connectChain({ rpcUrl: node.rpcUrl, accountIndex: 0 });
    try {
      const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, account.signer);
      const verifier = FedmashVerifier__factory.connect(await coordinator.verifier(), account.signer);
      const verification = await verifier.verification(1n);
      expect([Number(verification.outcome), verification.slashed]).to.deep.equal([VerificationOutcome.FraudProven, BOND_WEI]);
    } finally {
      account.provider.destroy();
    }
  });

  it("has the watcher find the aggregate wrong on its own, and claim its reward when its challenge was the one upheld", async function () {
    const log = readFileSync(join(work, "watcher", "worker.log.jsonl"), "utf8");
    expect(log).to.include('"msg":"watching MASH rounds"');
    // It opens a dispute first (it knows the true sum, and the roots differ), and challenges directly once the payload is in.
    expect(log).to.include('"msg":"aggregate commitment is not the true sum\'s: opening an aggregate dispute, and fetching the payload for a direct challenge meanwhile"');
    const account = await connectChain({ rpcUrl: node.rpcUrl, accountIndex: 0 });
    try {
      const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, account.signer);
      const verifier = FedmashVerifier__factory.connect(await coordinator.verifier(), account.signer);
      const watcher = hardhatTestWallet(WATCHER_ACCOUNT).address;
      const challenger = (await verifier.verification(1n)).challenger;
      if (challenger.toLowerCase() === watcher.toLowerCase()) {
        expect(log).to.include('"msg":"fraud proven: the aggregator is slashed"');
        const claims = await verifier.queryFilter(verifier.filters.RewardClaimed(1n, watcher));
        expect(claims.map((c) => c.args.amount)).to.deep.equal([BOND_WEI / 2n + 10n ** 16n]);
      } else {
        // A client's challenge landed first: the watcher's own challenge found the round settled, or its dispute ended
        // with the round (its bond refunded and claimed).
        expect(log).to.satisfy((text: string) => text.includes('"msg":"another watcher proved the fraud first: the round is settled"') || text.includes('"msg":"aggregate dispute over"'));
        expect(await verifier.claimable(1n, watcher)).to.equal(0n);
      }
    } finally {
      account.provider.destroy();
    }
  });
});
