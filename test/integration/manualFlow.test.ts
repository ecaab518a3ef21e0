// The README's manual flow, step by step as separate commands: a Hardhat node, the Ignition deployment, then
// `fedmash aggregator`, two `fedmash client` processes and `fedmash owner`, all finding the contracts through
// the Ignition deployment folder. Then the worker-side view of bad input: a stranger's submission and a
// second submission come back as ChainRevertError carrying the contract's custom error.
import { expect } from "chai";
import { join } from "node:path";
import { startHardhatNode, type HardhatNodeHandle } from "../../workers/chain/startHardhatNode";
import { deployWithIgnition } from "../../workers/chain/deployWithIgnition";
import { connectChain, hardhatTestWallet } from "../../workers/chain/connectChain";
import { sendTransaction } from "../../workers/chain/sendTransaction";
import { ChainRevertError } from "../../workers/chain/errors";
import { spawnWorker, type WorkerProcess } from "../../workers/roles/spawnWorker";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";
import { PROJECT_ROOT, runCli, type CliResult } from "../helpers/runCli";
import { FedmashCoordinator__factory } from "../../typechain-types";



describe("manual multi-process flow against a separately started node", function () {
  this.timeout(300_000);
  let workspace: IntegrationWorkspace | undefined;
  let node: HardhatNodeHandle;
  let work: string;
  const workers: WorkerProcess[] = [];
  let coordinatorAddress: string;
  let owner: CliResult;

  before(async function () {
    workspace = integrationWorkspace("manual");
    work = workspace.dir;
    const { deploymentId } = workspace;
    node = await startHardhatNode({ projectRoot: PROJECT_ROOT });
    ({ coordinator: coordinatorAddress } = await deployWithIgnition({ rpcUrl: node.rpcUrl, chainId: 31337n, projectRoot: PROJECT_ROOT, deploymentId, reset: true }));
    const common = ["--rpc", node.rpcUrl, "--deployment-id", deploymentId, "--store-dir", join(work, "ipfs"), "--quiet"];
    workers.push(spawnWorker({ projectRoot: PROJECT_ROOT, args: ["aggregator", ...common, "--account", "1", "--accept-task", "1", "--state-dir", join(work, "aggregator")], outputFile: join(work, "aggregator.out") }));
    for (const index of [0, 1]) {
      workers.push(
        spawnWorker({
          projectRoot: PROJECT_ROOT,
          args: ["client", ...common, "--account", String(2 + index), "--index", String(index), "--clients", "2", "--samples-per-client", "1000", "--task", "1", "--state-dir", join(work, `client-${index}`)],
          outputFile: join(work, `client-${index}.out`),
        }),
      );
    }
    owner = await runCli(["owner", ...common, "--account", "0", "--mode", "plain", "--rounds", "1", "--max-clients", "2", "--join-seconds", "120", "--state-dir", join(work, "owner")]);
  });

  after(async function () {
    await Promise.all(workers.map((w) => w.stop()));
    await node?.stop();
    workspace?.remove();
  });

  it("completes a round with the hand-started workers", function () {
    expect(owner.code, owner.stderr).to.equal(0);
    expect(owner.stdout).to.match(/task 1 created with initial model bafy/);
    const line = owner.stdout.split("\n").find((l) => l.startsWith("round 1 (id 1)"));
    expect(line, owner.stdout).to.match(/Finalized accuracy 0\.[6-9]\d+ model bafy/);
  });

  async function submitAs(accountIndex: number): Promise<ChainRevertError> {
    const account = await connectChain({ rpcUrl: node.rpcUrl, accountIndex });
    const coordinator = FedmashCoordinator__factory.connect(coordinatorAddress, account.signer);
    try {
      await sendTransaction(account.signer, { action: "submitUpdate", send: () => coordinator.submitUpdate(1n, "bafy", "0x" + "11".repeat(32), 1n, 0n) });
    } catch (error) {
      expect(error).to.be.instanceOf(ChainRevertError);
      return error as ChainRevertError;
    } finally {
      account.provider.destroy();
    }
    return expect.fail("the submission should have reverted");
  }

  it("surfaces a stranger's submission as ChainRevertError(CoordinatorNotParticipant)", async function () {
    const error = await submitAs(20);
    expect(error.errorName).to.equal("CoordinatorNotParticipant");
    expect(error.errorArgs).to.deep.equal([1n, hardhatTestWallet(20).address]);
    expect(error.message).to.contain("submitUpdate reverted with CoordinatorNotParticipant(1, ");
  });

  it("surfaces a participant's second submission as ChainRevertError(CoordinatorAlreadySubmitted)", async function () {
    const error = await submitAs(2);
    expect(error.errorName).to.equal("CoordinatorAlreadySubmitted");
    expect(error.errorArgs).to.deep.equal([1n, hardhatTestWallet(2).address]);
  });

  it("fails fast with a one-line named error when the RPC is unreachable", async function () {
    const result = await runCli(["client", "--rpc", "http://127.0.0.1:9", "--account", "2", "--state-dir", join(work, "unreachable")]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^fedmash: ChainUnreachableError: No Ethereum JSON-RPC node answers at http:\/\/127\.0\.0\.1:9\./);
    expect(result.stderr).to.not.match(/\n\s+at /);
  });
});
