// Misconfigurations as a user makes them, each in a real `fedmash` process against a real Hardhat node with an
// Ignition deployment: a wrong RPC scheme, nothing listening, an unknown host, an unfunded account, a missing
// deployment, a deployment whose addresses have no code (a reset node), explicit addresses with no code, an IPFS
// API that does not answer. Each must fail before any work with exactly one stderr line naming the cause and the
// fix, and a non-zero exit code; --debug adds the stack. `fedmash status` is wired to the same chain: text, JSON,
// an unknown round, and --serve printing a URL that serves the page until SIGINT.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { deployWithIgnition } from "../../workers/chain/deployWithIgnition";
import { findFreePort, startHardhatNode, type HardhatNodeHandle } from "../../workers/chain/startHardhatNode";
import { hardhatTestWallet } from "../../workers/chain/connectChain";
import type { FedmashAddresses } from "../../workers/chain/loadDeployment";
import { cleanEnv, PROJECT_ROOT, runFedmash, startFedmash, type FedmashRun } from "./runFedmash";

describe("fedmash preflight and status in real processes", function () {
  this.timeout(120_000);
  const deploymentId = `test-cli-${process.pid}`;
  const staleId = `test-cli-stale-${process.pid}`;
  let node: HardhatNodeHandle;
  let addresses: FedmashAddresses;
  let work: string;
  let deadPort: number;
  const runs = new Map<string, FedmashRun>();

  /** Exactly one line on stderr, nothing on stdout, the given exit code; returns the line. */
  const oneLine = (name: string, code = 1): string => {
    const run = runs.get(name);
    if (!run) throw new Error(`no run ${name}`);
    expect(run.code, run.stderr).to.equal(code);
    expect(run.stdout).to.equal("");
    const lines = run.stderr.split("\n");
    expect(lines, run.stderr).to.have.length(2);
    expect(lines[1]).to.equal("");
    return lines[0]!;
  };

  before(async function () {
    work = mkdtempSync(join(tmpdir(), "fedmash-cli-"));
    node = await startHardhatNode({ projectRoot: PROJECT_ROOT });
    addresses = await deployWithIgnition({ rpcUrl: node.rpcUrl, chainId: 31337n, projectRoot: PROJECT_ROOT, deploymentId, reset: true });
    // What a node restart leaves behind: Ignition's folder still names addresses, the new chain has nothing there.
    mkdirSync(join(PROJECT_ROOT, "ignition", "deployments", staleId), { recursive: true });
    writeFileSync(
      join(PROJECT_ROOT, "ignition", "deployments", staleId, "deployed_addresses.json"),
      JSON.stringify({
        "FedmashModule#FedmashRegistry": "0x1111111111111111111111111111111111111111",
        "FedmashModule#FedmashCoordinator": "0x2222222222222222222222222222222222222222",
        "FedmashModule#FedmashVerifier": "0x3333333333333333333333333333333333333333",
        "FedmashModule#FedmashShamir": "0x4444444444444444444444444444444444444444",
      }),
    );
    deadPort = await findFreePort();
    const client = (...args: string[]): string[] => ["client", "--rpc", node.rpcUrl, "--deployment-id", deploymentId, "--state-dir", join(work, "state"), ...args];
    const cases: Record<string, { args: string[]; env?: NodeJS.ProcessEnv }> = {
      scheme: { args: ["client", "--rpc", "htp://127.0.0.1:8545", "--account", "2"] },
      refused: { args: ["client", "--rpc", `http://127.0.0.1:${deadPort}`, "--account", "2"] },
      refusedDebug: { args: ["client", "--rpc", `http://127.0.0.1:${deadPort}`, "--account", "2", "--debug"] },
      dns: { args: ["client", "--rpc", "http://no-such-host.invalid:8545", "--account", "2"] },
      unfundedAccount: { args: client("--account", "70") },
      unfundedKey: { args: client(), env: { PRIVATE_KEY: Wallet.createRandom().privateKey } },
      noDeployment: { args: ["client", "--rpc", node.rpcUrl, "--deployment-id", "no-such-deployment", "--account", "2"] },
      staleDeployment: { args: ["aggregator", "--rpc", node.rpcUrl, "--deployment-id", staleId, "--account", "1"] },
      noCode: { args: ["owner", "--rpc", node.rpcUrl, "--account", "0", "--registry", addresses.registry, "--coordinator", "0x000000000000000000000000000000000000dEaD"] },
      ipfs: { args: client("--account", "2"), env: { IPFS_API_URL: `http://127.0.0.1:${deadPort}` } },
      statusRefused: { args: ["status", "--rpc", `http://127.0.0.1:${deadPort}`] },
      statusNoDeployment: { args: ["status", "--rpc", node.rpcUrl, "--deployment-id", "no-such-deployment"] },
      statusText: { args: ["status", "--rpc", node.rpcUrl, "--deployment-id", deploymentId] },
      statusJson: { args: ["status", "--json"], env: { RPC_URL: node.rpcUrl, FEDMASH_DEPLOYMENT_ID: deploymentId } },
      statusRound: { args: ["status", "--rpc", node.rpcUrl, "--deployment-id", deploymentId, "--round", "5"] },
    };
    // All at once: each is a separate process, and together they take a few seconds instead of a minute.
    await Promise.all(Object.entries(cases).map(async ([name, c]) => runs.set(name, await runFedmash(c.args, { env: cleanEnv(c.env) }))));
  });

  after(async function () {
    await node?.stop();
    for (const id of [deploymentId, staleId]) rmSync(join(PROJECT_ROOT, "ignition", "deployments", id), { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  describe("a worker refuses, in one line with the fix,", function () {
    it("an RPC URL with a wrong scheme (exit code 2: nothing was started)", function () {
      expect(oneLine("scheme", 2)).to.equal(
        'fedmash: CliUsageError: --rpc "htp://127.0.0.1:8545" is not an http(s) URL (scheme htp) (from flag --rpc). Fix: Use a URL such as http://127.0.0.1:8545.',
      );
    });

    it("an RPC URL where nothing listens", function () {
      expect(oneLine("refused")).to.equal(
        `fedmash: ChainUnreachableError: No Ethereum JSON-RPC node answers at http://127.0.0.1:${deadPort}. Cause: Connection refused (ECONNREFUSED). Fix: Start one with \`npx hardhat node\`, or set RPC_URL / --rpc to a reachable node.`,
      );
    });

    it("an RPC host that does not resolve", function () {
      expect(oneLine("dns")).to.match(
        /^fedmash: ChainUnreachableError: No Ethereum JSON-RPC node answers at http:\/\/no-such-host\.invalid:8545\. Cause: (Host not found: no-such-host\.invalid \(ENOTFOUND\)|DNS lookup failed \(EAI_AGAIN\))\. Fix: Start one with/,
      );
    });

    it("a Hardhat test account the node did not fund", function () {
      expect(oneLine("unfundedAccount")).to.equal(
        `fedmash: AccountUnfundedError: account ${hardhatTestWallet(70).address} has 0 ETH on chain 31337. Fix: Fund it or pick another --account (Hardhat's node funds accounts 0 to 63 of its test mnemonic).`,
      );
    });

    it("a private key without ETH, naming PRIVATE_KEY as its source", function () {
      expect(oneLine("unfundedKey")).to.match(
        /^fedmash: AccountUnfundedError: account 0x[0-9a-fA-F]{40} has 0 ETH on chain 31337\. Fix: Fund it, or pass the key of a funded account \(--private-key, from env PRIVATE_KEY\)\.$/,
      );
    });

    it("a deployment id with no Ignition folder, listing how to deploy and the ids that exist", function () {
      const line = oneLine("noDeployment");
      expect(line).to.match(
        /^fedmash: DeploymentNotFoundError: No fedmash deployment found at ignition\/deployments\/no-such-deployment for chain 31337\. Fix: Run `npx hardhat ignition deploy ignition\/modules\/Fedmash\.ts --network localhost --deployment-id no-such-deployment`, or pick an existing one with --deployment-id \(.*\), or pass --registry and --coordinator\.$/,
      );
      expect(line).to.contain(deploymentId);
    });

    it("an Ignition deployment whose addresses have no code on this chain (a reset node)", function () {
      expect(oneLine("staleDeployment")).to.equal(
        `fedmash: ContractCodeMissingError: no contract code at 0x1111111111111111111111111111111111111111 (FedmashRegistry, from ignition/deployments/${staleId}) on chain 31337. Fix: The chain was reset or is another one since ignition/deployments/${staleId} was written: deploy again with \`npx hardhat ignition deploy ignition/modules/Fedmash.ts --network localhost --deployment-id ${staleId} --reset\`, or point --rpc at the chain it was deployed to.`,
      );
    });

    it("an explicit coordinator address with no code", function () {
      expect(oneLine("noCode")).to.equal(
        "fedmash: ContractCodeMissingError: no contract code at 0x000000000000000000000000000000000000dEaD (FedmashCoordinator, from the --registry/--coordinator settings) on chain 31337. Fix: Check --registry and --coordinator (from flag --coordinator): they must be this chain's deployment.",
      );
    });

    it("an IPFS API that does not answer", function () {
      expect(oneLine("ipfs")).to.match(
        new RegExp(
          `^fedmash: IpfsUnreachableError: No IPFS RPC API answers at http://127\\.0\\.0\\.1:${deadPort} \\(from env IPFS_API_URL\\)\\. Cause: Connection refused \\(ECONNREFUSED\\)\\. Fix: Start a Kubo daemon .* or unset IPFS_API_URL to use the embedded on-disk store\\.$`,
        ),
      );
    });

    it("and prints the stack only with --debug", function () {
      const run = runs.get("refusedDebug")!;
      expect(run.code).to.equal(1);
      const [first, ...rest] = run.stderr.split("\n");
      expect(first).to.equal(oneLine("refused"));
      expect(rest.join("\n")).to.match(/^ChainUnreachableError: No Ethereum JSON-RPC node answers[\s\S]*\n\s+at /);
      expect(runs.get("refused")!.stderr).to.not.match(/\n\s+at /);
    });
  });

  describe("fedmash status", function () {
    it("refuses a dead RPC and a missing deployment in one line each", function () {
      expect(oneLine("statusRefused")).to.match(/^fedmash: ChainUnreachableError: No Ethereum JSON-RPC node answers at .* Cause: Connection refused \(ECONNREFUSED\)\. Fix: /);
      expect(oneLine("statusNoDeployment")).to.match(/^fedmash: DeploymentNotFoundError: No fedmash deployment found at ignition\/deployments\/no-such-deployment for chain 31337\. Fix: Run `npx hardhat ignition deploy/);
    });

    it("prints the deployment's contracts and that no task exists yet", function () {
      const run = runs.get("statusText")!;
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^fedmash on chain 31337 at block \d+/);
      expect(run.stdout).to.contain(`coordinator ${addresses.coordinator}`);
      expect(run.stdout).to.contain("no task yet");
    });

    it("prints the snapshot as JSON with --json, settings from the environment", function () {
      const run = runs.get("statusJson")!;
      expect(run.code, run.stderr).to.equal(0);
      const snapshot = JSON.parse(run.stdout) as { chainId: string; contracts: FedmashAddresses; tasks: unknown[] };
      expect(snapshot.chainId).to.equal("31337");
      expect(snapshot.contracts).to.deep.equal({ registry: addresses.registry, coordinator: addresses.coordinator, verifier: addresses.verifier, shamir: addresses.shamir });
      expect(snapshot.tasks).to.deep.equal([]);
    });

    it("names an unknown round in one line", function () {
      expect(oneLine("statusRound")).to.equal(
        "fedmash: StatusUnknownRoundError: Round 5 does not exist. Fix: No round was opened yet: open one with `npx hardhat fl:open-round --task <id>`.",
      );
    });

    it("serves the round explorer with --serve, prints its URL, and stops on SIGINT", async function () {
      const child = startFedmash(["status", "--serve", "--port", "0", "--rpc", node.rpcUrl, "--deployment-id", deploymentId]);
      let stdout = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout?.on("data", (c: Buffer) => {
          stdout += c.toString();
          const found = /^round explorer at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)$/m.exec(stdout)?.[1];
          if (found) resolve(found);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before printing the URL: ${stdout}`)));
      });
      const page = await fetch(url);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain(addresses.coordinator);
      const api = (await (await fetch(new URL("api/status", url))).json()) as { snapshot?: { chainId: string }; chainId?: string };
      expect(api.snapshot?.chainId ?? api.chainId).to.equal("31337");
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      expect(await exited).to.equal(0);
    });
  });
});
