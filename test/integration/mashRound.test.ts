// One MASH round with real processes on a real chain: four clients (a holder and one group of three), the
// aggregator and the owner, each its own `fedmash` process. One client is killed with SIGKILL mid-round and
// started again on the same state folder; it must resume and be included. Then the properties a user relies on:
// the decoded aggregate is exactly the sum of the included clients' quantized updates (recomputed here from
// the same model, data and seeds), nothing the aggregator receives from a client is unmasked, and the round's
// challenge window closed with every included client (the restarted one too) having recomputed the aggregate from
// the included vectors ("aggregate verified") and no challenge, so it passed; each of them, and the aggregator,
// claimed its reward.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startHardhatNode, type HardhatNodeHandle } from "../../workers/chain/startHardhatNode";
import { deployWithIgnition } from "../../workers/chain/deployWithIgnition";
import { connectChain, hardhatTestWallet } from "../../workers/chain/connectChain";
import { spawnWorker, type WorkerProcess } from "../../workers/roles/spawnWorker";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";
import { PROJECT_ROOT, runCli, type CliResult } from "../helpers/runCli";
import { createEmbeddedStore } from "../../workers/storage/createEmbeddedStore";
import { fetchPayload } from "../../workers/storage/fetchPayload";
import { fetchCommittedPayload, fetchRootCommittedPayload } from "../../workers/storage/fetchCommittedPayload";
import { aggregateSumRoot, maskedVectorRoot } from "../../workers/crypto/commit/vectorCommitments";
import { PayloadKind } from "../../workers/storage/payloadFormat";
import { createLocalTrainer } from "../../workers/roles/createLocalTrainer";
import { MASKED_TENSOR, SUM_TENSOR, flatTensor, tensorData } from "../../workers/roles/modelPayloads";
import { quantize } from "../../workers/crypto/quantize";
import { MASH_GROUP_ORDER, powModP, readLimbs } from "../../workers/crypto/kernel/field";
import { sleep } from "../../workers/retry";
import { FedmashCoordinator__factory, FedmashVerifier__factory } from "../../typechain-types";
import { VerificationOutcome } from "../../workers/protocol/enums";

const CLIENTS = 4;
const SAMPLES = 1500;
const VICTIM = 1;


describe("a MASH round across real processes", function () {
  this.timeout(420_000);
  let workspace: IntegrationWorkspace | undefined;
  let node: HardhatNodeHandle;
  let work: string;
  let coordinatorAddress: string;
  const workers: WorkerProcess[] = [];
  let owner: CliResult;
  let victimStageAtKill = "";

  const clientArgs = (index: number, common: string[]): string[] => [
    "client", ...common,
    "--account", String(2 + index), "--index", String(index), "--clients", String(CLIENTS),
    "--samples-per-client", String(SAMPLES), "--task", "1", "--paillier-bits", "1024",
    "--state-dir", join(work, `client-${index}`),
    // The task is paper-compat's, which a client refuses unless told (see the last test).
    "--allow-insecure-mask-group",
    // The owner's window below is short, to keep the test quick.
    "--min-challenge-window", "5",
  ];
  let commonArgs: string[] = [];

  before(async function () {
    workspace = integrationWorkspace("mash");
    work = workspace.dir;
    const { deploymentId } = workspace;
    node = await startHardhatNode({ projectRoot: PROJECT_ROOT });
    ({ coordinator: coordinatorAddress } = await deployWithIgnition({ rpcUrl: node.rpcUrl, chainId: 31337n, projectRoot: PROJECT_ROOT, deploymentId, reset: true }));
    const common = ["--rpc", node.rpcUrl, "--deployment-id", deploymentId, "--store-dir", join(work, "ipfs"), "--quiet"];
    commonArgs = common;
    workers.push(spawnWorker({ projectRoot: PROJECT_ROOT, args: ["aggregator", ...common, "--account", "1", "--accept-task", "1", "--min-challenge-window", "5", "--state-dir", join(work, "aggregator")], outputFile: join(work, "aggregator.out") }));
    const clients = Array.from({ length: CLIENTS }, (_, i) => spawnWorker({ projectRoot: PROJECT_ROOT, args: clientArgs(i, common), outputFile: join(work, `client-${i}.out`) }));
    workers.push(...clients);
    const ownerRun = runCli(["owner", ...common, "--account", "0", "--mode", "mash", "--mask-group", "paper-compat", "--rounds", "1", "--max-clients", String(CLIENTS), "--join-seconds", "180", "--challenge-window", "8", "--state-dir", join(work, "owner")]);

    // Kill the victim as soon as the contract has given it its role, and start it again on the same state.
    const stateFile = join(work, `client-${VICTIM}`, "state.json");
    for (let waited = 0; waited < 240_000; waited += 100) {
      if (existsSync(stateFile)) {
        const stage = (JSON.parse(readFileSync(stateFile, "utf8")) as { rounds: Record<string, { stage: string }> }).rounds["1"]?.stage;
        if (stage && stage !== "awaiting-join" && stage !== "joined") {
          victimStageAtKill = stage;
          break;
        }
      }
      await sleep(100);
    }
    clients[VICTIM]!.process.kill("SIGKILL");
    await clients[VICTIM]!.exited;
    workers.push(spawnWorker({ projectRoot: PROJECT_ROOT, args: clientArgs(VICTIM, common), outputFile: join(work, `client-${VICTIM}.restarted.out`) }));
    owner = await ownerRun;
  });

  after(async function () {
    await Promise.all(workers.map((w) => w.stop()));
    await node?.stop();
    workspace?.remove();
  });

  it("finalizes the round with the killed-and-restarted client included", async function () {
    expect(owner.code, owner.stderr).to.equal(0);
    expect(victimStageAtKill, "the victim was killed after grouping").to.match(/^(awaiting-key|shuffling|shuffled|holder-keying|holder-waiting)$/);
    expect(owner.stdout).to.match(/round 1 \(id 1\): Finalized accuracy 0\.\d+/);
    const account = await connectChain({ rpcUrl: node.rpcUrl, accountIndex: 0 });
    try {
      const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, account.signer);
      const included = [...(await coordinator.includedClients(1n)), (await coordinator.mashRound(1n)).holder];
      expect(included.map((a) => a.toLowerCase()).sort()).to.deep.equal(
        Array.from({ length: CLIENTS }, (_, i) => hardhatTestWallet(2 + i).address.toLowerCase()).sort(),
      );
    } finally {
      account.provider.destroy();
    }
  });

  it("passes the challenge window with every included client's watch verifying the aggregate, and everyone owed a reward claimed it", async function () {
    expect(owner.stdout).to.match(/round 1 \(id 1\): Finalized .* verification passed gas \d+ paid \d+ wei slashed 0 wei/);
    const gas = Number(/verification passed gas (\d+)/.exec(owner.stdout)?.[1]);
    expect(gas).to.be.below(300_000);
    const account = await connectChain({ rpcUrl: node.rpcUrl, accountIndex: 0 });
    try {
      const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, account.signer);
      const verifier = FedmashVerifier__factory.connect(await coordinator.verifier(), account.signer);
      const verification = await verifier.verification(1n);
      expect([Number(verification.outcome), Number(verification.challengeCount), Number(verification.includedCount), verification.slashed]).to.deep.equal([
        VerificationOutcome.Passed,
        0,
        CLIENTS,
        0n,
      ]);
      const claimed = (await verifier.queryFilter(verifier.filters.RewardClaimed(1n))).map((event) => event.args.account.toLowerCase());
      const owed = [...Array.from({ length: CLIENTS }, (_, i) => hardhatTestWallet(2 + i).address), hardhatTestWallet(1).address];
      for (const account of owed) {
        expect(claimed, `${account} claimed`).to.include(account.toLowerCase());
        expect(await verifier.claimable(1n, account)).to.equal(0n);
      }
      expect(verification.unclaimed).to.equal(0n);
      // Every client recomputed the sum of the included vectors and found the posted one right (the restarted one too).
      for (let i = 0; i < CLIENTS; i++) {
        const log = readFileSync(join(work, `client-${i}`, "worker.log.jsonl"), "utf8");
        expect(log, `client ${i} watched the round`).to.match(/"msg":"aggregate verified"/);
      }
    } finally {
      account.provider.destroy();
    }
  });

  it("decodes an aggregate equal to the exact sum of the included clients' quantized updates, none of which the aggregator saw unmasked", async function () {
    const account = await connectChain({ rpcUrl: node.rpcUrl, accountIndex: 0 });
    const store = await createEmbeddedStore({ directory: join(work, "ipfs") });
    try {
      const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, account.signer);
      const round = await coordinator.round(1n);
      const task = await coordinator.task(1n);
      const size = Number(task.config.modelSize);
      const clip = Number(task.config.clipMillionths) / 1e6;
      const scale = Number(task.config.quantizationScale);
      const global = flatTensor(await fetchPayload(store, round.modelCid, undefined, { kind: PayloadKind.Model }));
      // A MASH submission's hash commits the payload's hash and its vector's Merkle root; the aggregateHash is the sum's root alone.
      const aggregate = (await fetchRootCommittedPayload(store, round.aggregateCid, round.aggregateHash, { kind: PayloadKind.Aggregate }, (p) => aggregateSumRoot(tensorData(p, SUM_TENSOR) as Int32Array))).payload;
      const decodedSum = tensorData(aggregate, SUM_TENSOR) as Int32Array;

      const expected = new Int32Array(size);
      for (let index = 0; index < CLIENTS; index++) {
        const client = hardhatTestWallet(2 + index).address;
        const trainer = await createLocalTrainer("mlp", { index, numClients: CLIENTS, partition: "iid", alpha: 0.5, dataSeed: 1, samplesPerClient: SAMPLES, epochs: 1, batchSize: 32, learningRate: 0.2 });
        const quantized = quantize((await trainer.train(global, "1")).delta, { clip, scale });
        for (let i = 0; i < size; i++) expected[i] += quantized[i]!;

        // What the aggregator receives from this client: a MaskedUpdate whose elements are not 2^g.
        const submission = await coordinator.submission(1n, client);
        const payload = (await fetchCommittedPayload(store, submission.cid, submission.contentHash, { kind: PayloadKind.MaskedUpdate }, (p) => maskedVectorRoot(tensorData(p, MASKED_TENSOR) as Uint32Array, 3))).payload;
        expect(payload.tensors.map((t) => t.name)).to.deep.equal([MASKED_TENSOR]);
        const limbs = tensorData(payload, MASKED_TENSOR) as Uint32Array;
        let unmasked = 0;
        for (let i = 0; i < size; i++) {
          const plain = powModP(2n, ((BigInt(quantized[i]!) % MASH_GROUP_ORDER) + MASH_GROUP_ORDER) % MASH_GROUP_ORDER);
          if (readLimbs(limbs, i) === plain) unmasked++;
        }
        expect(unmasked, `client ${index}'s vector must be masked`).to.equal(0);
      }
      expect(decodedSum.length).to.equal(size);
      expect(Buffer.from(decodedSum.buffer, decodedSum.byteOffset, decodedSum.byteLength).equals(Buffer.from(expected.buffer))).to.equal(true, "Σ decoded = Σ quantized, coordinate by coordinate");
      expect(Array.from(expected).some((v) => v !== 0)).to.equal(true);
    } finally {
      await store.close();
      account.provider.destroy();
    }
  });
  it("refuses, as a client without --allow-insecure-mask-group, to take part in the paper-compat task", async function () {
    const refused = await runCli(["client", ...commonArgs, "--account", "9", "--index", "0", "--clients", String(CLIENTS), "--task", "1", "--state-dir", join(work, "client-refusing")]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain("MaskGroupInsecureError");
    expect(refused.stderr).to.contain("paper-compat (80-bit, NOT secure)");
    expect(refused.stderr).to.contain("--allow-insecure-mask-group");
  });
});
