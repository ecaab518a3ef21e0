// The fedmash Hardhat tasks through hre.run, as `npx hardhat fl:open-round` / `fl:status` run them: a deployment
// made by `ignition deploy` on the in-process network (written to disk, so the tasks find it the way they do on
// any network), a round opened by the task, clients joining and submitting by direct contract calls, and what
// the status then prints; then every refusal as one line on stderr naming the fix, with exit code 1.
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { FedmashCoordinator__factory, FedmashRegistry__factory, FedmashVerifier__factory } from "../../typechain-types";
import { loadDeployment } from "../../workers/chain/loadDeployment";
import { encryptionKey } from "../helpers/encryptionKey";
import { Mode, Role } from "../helpers/enums";
import { taskConfig } from "../helpers/taskConfig";
import type { FlOpenRoundReturnType } from "../../tasks/flOpenRound";
import type { FlStatusReturnType } from "../../tasks/flStatus";

const INITIAL_MODEL_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const JOIN_SECONDS = 600;

/** Runs `action` with everything written to `stream` captured instead of printed. */
async function capture<T>(stream: NodeJS.WriteStream, action: () => Promise<T>): Promise<{ result: T; printed: string }> {
  const write = stream.write.bind(stream);
  let printed = "";
  stream.write = ((chunk: string | Uint8Array) => {
    printed += chunk.toString();
    return true;
  }) as typeof stream.write;
  try {
    return { result: await action(), printed };
  } finally {
    stream.write = write;
  }
}

/** Runs a task the way the CLI does and returns what it printed to stdout with what it returned. */
function runTask<T>(name: string | { scope: string; task: string }, args: Record<string, unknown>): Promise<{ result: T; printed: string }> {
  return capture(process.stdout, async () => (await hre.run(name, args)) as T);
}

/** Runs a task that must refuse: it prints one line to stderr, sets exit code 1 and returns nothing. */
async function refusal(name: string, args: Record<string, unknown>): Promise<string> {
  try {
    const { result, printed } = await capture(process.stderr, async () => (await runTask(name, args)).result);
    expect(process.exitCode).to.equal(1);
    expect(result).to.equal(undefined);
    expect(printed).to.match(/^fedmash: [^\n]+\n$/);
    return printed.slice("fedmash: ".length, -1);
  } finally {
    process.exitCode = undefined;
  }
}

describe("Hardhat tasks fl:open-round and fl:status", function () {
  this.timeout(120_000);
  const deploymentId = `test-fl-tasks-${process.pid}`;
  let coordinatorAddress: string;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;

  before(async function () {
    signers = await ethers.getSigners();
    const [owner, aggregator, , , , stranger] = signers;
    const clients = signers.slice(2, 5);
    // Ignition's UI goes to stdout; keep the test output readable.
    await runTask(
      { scope: "ignition", task: "deploy" },
      { modulePath: "ignition/modules/Fedmash.ts", deploymentId, writeLocalhostDeployment: true, reset: false, verify: false, strategy: "basic" },
    );
    const addresses = loadDeployment({ chainId: 31337n, deploymentId, projectRoot: hre.config.paths.root });
    coordinatorAddress = addresses.coordinator;
    const registry = FedmashRegistry__factory.connect(addresses.registry, owner);
    const coordinator = FedmashCoordinator__factory.connect(addresses.coordinator, owner);
    const verifier = FedmashVerifier__factory.connect(addresses.verifier, owner);
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("tasks aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`tasks client ${index}`).compressed);
    const config = taskConfig({ mode: Mode.Plain, aggregator: aggregator.address, modelSize: 101_770, minClients: 2, maxClients: 3, joinDuration: JOIN_SECONDS, submitDuration: 900 });
    await coordinator.createTask(config, INITIAL_MODEL_CID); // task 1: the owner's
    await coordinator.connect(stranger).createTask(config, INITIAL_MODEL_CID); // task 2: someone else's
    await coordinator.createTask({ ...config, mode: Mode.Mash, minClients: 4, maxClients: 4, groupSize: 3, quantizationScale: 10_000, clipMillionths: 1_000_000, keyDuration: 60, shuffleDuration: 60, completionDuration: 60 }, INITIAL_MODEL_CID); // task 3
    await verifier.setTerms(3n, { aggregatorBond: 0n, clientReward: ethers.parseEther("1"), aggregatorReward: ethers.parseEther("0.5"), challengeDuration: 60n });
  });

  after(function () {
    rmSync(join(hre.config.paths.root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("fl:open-round opens the task's next round on its current model", async function () {
    const { result, printed } = await runTask<FlOpenRoundReturnType>("fl:open-round", { task: 1n, deploymentId });
    expect(result.roundId).to.equal(1n);
    expect(result.index).to.equal(1n);
    expect(result.modelCid).to.equal(INITIAL_MODEL_CID);
    expect(result.owner).to.equal(signers[0].address);
    const receipt = await ethers.provider.getTransactionReceipt(result.transactionHash);
    const block = await ethers.provider.getBlock(receipt!.blockNumber);
    expect(result.joinDeadline).to.equal(BigInt(block!.timestamp + JOIN_SECONDS));
    expect(printed).to.equal(
      `round 1 (#1 of task 1) opened on model ${INITIAL_MODEL_CID}; joining until ${new Date(Number(result.joinDeadline) * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC (tx ${result.transactionHash})\n`,
    );
  });

  it("fl:status --round shows who joined and submitted, with the CIDs, after direct contract calls", async function () {
    const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, signers[0]);
    const clients = signers.slice(2, 5);
    for (const client of clients) await coordinator.connect(client).join(1n);
    const fullAt = (await ethers.provider.getBlock("latest"))!.timestamp;
    const cids = ["bafkreiaaaaclientzeroupdate", "bafkreibbbbclientoneupdate"];
    for (const [index, cid] of cids.entries()) {
      await coordinator.connect(clients[index]).submitUpdate(1n, cid, ethers.id(cid), 500n + BigInt(index), 250_000_000_000_000_000n);
    }
    const { result, printed } = await runTask<FlStatusReturnType>("fl:status", { round: 1n, deploymentId, json: false, events: false });
    const round = result.snapshot.tasks[0].rounds[0];
    expect([round.roundId, round.phase, round.mode]).to.deep.equal(["1", "Submission", "Plain"]);
    expect(round.participants).to.deep.equal(clients.map((c) => c.address));
    expect(round.submissions.map((s) => [s.client, s.cid, s.numSamples])).to.deep.equal([
      [clients[0].address, cids[0], 500],
      [clients[1].address, cids[1], 501],
    ]);
    expect(printed).to.equal(result.text);
    // The last join filled the round, which opened Submission for submitDuration (900 s) from that block.
    expect(round.deadline).to.equal(fullAt + 900);
    const left = round.deadline - result.snapshot.blockTimestamp;
    expect(left).to.be.within(890, 900);
    const inText = left % 60 === 0 ? `${left / 60}m` : `${Math.floor(left / 60)}m ${left % 60}s`;
    expect(printed).to.contain(`round 1 (#1 of task 1) · Plain · Submission · until `);
    expect(printed).to.contain(`(in ${inText}) · 3 joined, 2 submitted`);
    expect(printed).to.match(new RegExp(`${clients[0].address.slice(0, 6)}…${clients[0].address.slice(-4)}  ${cids[0]}  500 samples  loss 0\\.2500`));
    expect(printed).to.contain(`${clients[2].address.slice(0, 6)}…${clients[2].address.slice(-4)}`);
    expect(printed).to.contain("phases: Joining@");
  });

  it("fl:status with no filter lists every task and says how to open a first round", async function () {
    const { result, printed } = await runTask<FlStatusReturnType>("fl:status", { deploymentId, json: false, events: false });
    expect(result.snapshot.tasks.map((t) => [t.taskId, t.mode, t.roundCount])).to.deep.equal([
      ["1", "Plain", 1],
      ["2", "Plain", 0],
      ["3", "Mash", 0],
    ]);
    expect(result.snapshot.fromBlock).to.be.greaterThan(0);
    expect(printed).to.contain("participants: 3 clients, 1 aggregator, 0 servers");
    expect(printed).to.contain("no round yet: open one with `npx hardhat fl:open-round --task 3 --network <net>`");
    expect(printed).to.contain("terms: bond 0.0 ETH, client reward 1.0 ETH, aggregator reward 0.5 ETH; pool 0.0 ETH");
  });

  it("fl:status --json prints the snapshot it returns", async function () {
    const { result, printed } = await runTask<FlStatusReturnType>("fl:status", { task: 1n, deploymentId, json: true, events: false });
    expect(JSON.parse(printed)).to.deep.equal(JSON.parse(JSON.stringify(result.snapshot)));
    expect(result.snapshot.tasks.map((t) => t.taskId)).to.deep.equal(["1"]);
  });

  describe("should fail with one line naming the fix", function () {
    it("when the previous round is still running", async function () {
      expect(await refusal("fl:open-round", { task: 1n, deploymentId })).to.equal(
        "OpenRoundRefusedError: Round 1 of task 1 has not ended yet. Wait until it is Finalized or Failed (npx hardhat fl:status --round 1 --network hardhat); past a deadline anyone may advance(1), and the owner may cancelRound(1) before aggregation.",
      );
    });

    it("when the signer is not the task's owner", async function () {
      expect(await refusal("fl:open-round", { task: 2n, deploymentId })).to.equal(
        `OpenRoundRefusedError: Only the owner of task 2 may open its rounds; ${signers[0].address} is not. Run it as the owner: the task signs with the first account of --network hardhat (PRIVATE_KEY for sepolia), which must be the account that created the task.`,
      );
    });

    it("when the task's pool cannot cover the round's rewards (the verifier's error)", async function () {
      expect(await refusal("fl:open-round", { task: 3n, deploymentId })).to.equal(
        "OpenRoundRefusedError: Task 3's reward pool holds 0.0 ETH but a round reserves 4.5 ETH (maxClients × clientReward + aggregatorReward). Fund it with FedmashVerifier.fundTask(3) (value ≥ the difference), or lower the rewards with setTerms.",
      );
    });

    it("when the model CID is empty", async function () {
      expect(await refusal("fl:open-round", { task: 3n, modelCid: "", deploymentId })).to.equal(
        "OpenRoundRefusedError: The model CID is empty. Pass --model-cid <cid>, or leave it out to reuse the task's current model.",
      );
    });

    it("when a Mash task is asked to start from another model than its current one", async function () {
      expect(await refusal("fl:open-round", { task: 3n, modelCid: "bafkreiothermodel", deploymentId })).to.equal(
        `OpenRoundRefusedError: A round of task 3 (Mash or Shamir) starts only from the task's current, verified model ${INITIAL_MODEL_CID}, not bafkreiothermodel. Leave out --model-cid: the task takes the initial model or the new model of its last round whose verification passed, never another one.`,
      );
    });

    it("for an unknown task", async function () {
      expect(await refusal("fl:open-round", { task: 9n, deploymentId })).to.equal("StatusUnknownTaskError: Task 9 does not exist. Task ids run from 1 to 3.");
    });

    it("for an unknown round", async function () {
      expect(await refusal("fl:status", { round: 7n, deploymentId, json: false, events: false })).to.equal(
        "StatusUnknownRoundError: Round 7 does not exist. Round ids run from 1 to 1.",
      );
    });

    it("without a deployment", async function () {
      const message = await refusal("fl:status", { deploymentId: "no-such-deployment", json: false, events: false });
      expect(message).to.match(/^DeploymentNotFoundError: No fedmash deployment found at .*no-such-deployment.deployed_addresses\.json\. /);
      expect(message).to.contain("run `npx hardhat node`, deploy with --network localhost, and use --network localhost");
    });
  });
});
