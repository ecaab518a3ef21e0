// Issue 15, M4: ε is cumulative over the task, not over one run of the owner. A plain task with distributed DP
// on a real node with hand-started workers: `fedmash owner` runs round 1 and exits, then `fedmash owner --task 1`
// runs round 2. The second run reads round 1's release back from the chain, so its ε is that of two releases.
import { expect } from "chai";
import { join } from "node:path";
import { startHardhatNode, type HardhatNodeHandle } from "../../workers/chain/startHardhatNode";
import { deployWithIgnition } from "../../workers/chain/deployWithIgnition";
import { spawnWorker, type WorkerProcess } from "../../workers/roles/spawnWorker";
import { accountPrivacy } from "../../workers/ml/dp/accountPrivacy";
import { formatEpsilon } from "../../workers/roles/formatEpsilon";
import { integrationWorkspace, type IntegrationWorkspace } from "../helpers/integrationWorkspace";
import { PROJECT_ROOT, runCli, type CliResult } from "../helpers/runCli";

const DP = ["--dp", "distributed", "--noise-multiplier", "1", "--clip", "1"];

describe("the owner resumed with --task keeps ε cumulative (issue 15, M4)", function () {
  this.timeout(300_000);
  let workspace: IntegrationWorkspace | undefined;
  let node: HardhatNodeHandle;
  const workers: WorkerProcess[] = [];
  let first: CliResult;
  let resumed: CliResult;

  before(async function () {
    workspace = integrationWorkspace("owner-resume");
    const work = workspace.dir;
    const { deploymentId } = workspace;
    node = await startHardhatNode({ projectRoot: PROJECT_ROOT });
    await deployWithIgnition({ rpcUrl: node.rpcUrl, chainId: 31337n, projectRoot: PROJECT_ROOT, deploymentId, reset: true });
    const common = ["--rpc", node.rpcUrl, "--deployment-id", deploymentId, "--store-dir", join(work, "ipfs"), "--quiet"];
    workers.push(spawnWorker({ projectRoot: PROJECT_ROOT, args: ["aggregator", ...common, "--account", "1", "--accept-task", "1", "--state-dir", join(work, "aggregator")], outputFile: join(work, "aggregator.out") }));
    for (const index of [0, 1]) {
      workers.push(
        spawnWorker({
          projectRoot: PROJECT_ROOT,
          args: ["client", ...common, ...DP, "--account", String(2 + index), "--index", String(index), "--clients", "2", "--samples-per-client", "500", "--task", "1", "--state-dir", join(work, `client-${index}`)],
          outputFile: join(work, `client-${index}.out`),
        }),
      );
    }
    const owner = ["owner", ...common, ...DP, "--expected-clients", "2", "--account", "0", "--mode", "plain", "--rounds", "1", "--max-clients", "2", "--join-seconds", "120", "--state-dir", join(work, "owner")];
    first = await runCli(owner);
    resumed = await runCli([...owner, "--task", "1"]);
  });

  after(async function () {
    await Promise.all(workers.map((w) => w.stop()));
    await node?.stop();
    workspace?.remove();
  });

  it("reports round 2's ε as two releases composed, not one", function () {
    expect(first.code, first.stderr).to.equal(0);
    expect(resumed.code, resumed.stderr).to.equal(0);
    // Plain, distributed, N = 2: z = σ/√2 for every release.
    const z = 1 / Math.SQRT2;
    const one = formatEpsilon(accountPrivacy({ noiseMultiplier: z, rounds: 1, delta: 1e-5 }).epsilon);
    const two = formatEpsilon(accountPrivacy({ noiseMultiplier: z, rounds: 2, delta: 1e-5 }).epsilon);
    expect(one).to.not.equal(two);
    const round1 = first.stdout.split("\n").find((l) => l.startsWith("round 1 (id 1)"));
    expect(round1, first.stdout).to.match(/Finalized/).and.to.contain(`ε ${one} (δ`);
    const round2 = resumed.stdout.split("\n").find((l) => l.startsWith("round 2 (id 2)"));
    expect(round2, resumed.stdout).to.match(/Finalized/).and.to.contain(`ε ${two} (δ`);
  });
});
