// The round explorer server against the real contracts on the in-process Hardhat network, without a browser: a
// Mash round driven to its claims, then a second round opened while a client follows /api/events. What the page,
// the JSON API, the event stream and the transaction view tell a person must match the chain; chain text is
// escaped; bad options and a taken port are named errors.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { formatEther } from "ethers";
import { createServer, type Server } from "node:net";
import { deployFedmash } from "../helpers/deployFedmash";
import { encryptionKey } from "../helpers/encryptionKey";
import { taskConfig } from "../helpers/taskConfig";
import { driveMashRound, type DriveMashRoundReturnType } from "../helpers/driveMashRound";
import { Mode, Role } from "../helpers/enums";
import type { FedmashAddresses } from "../../workers/chain/loadDeployment";
import { collectStatus } from "../../workers/status/collectStatus";
import type { StatusSnapshot } from "../../workers/status/statusSnapshot";
import { startExplorer, type StartExplorerReturnType } from "../../workers/explorer/startExplorer";
import { renderStatusView } from "../../workers/explorer/renderStatusView";
import { ExplorerListenError, ExplorerOptionsError } from "../../workers/explorer/errors";
import { ChainUnreachableError, DeploymentNotFoundError } from "../../workers/chain/errors";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "../../workers/chain/startHardhatNode";
import type { FedmashCoordinator } from "../../typechain-types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

const CLIENT_REWARD = 1_000_000_000_000_000n;
const AGGREGATOR_REWARD = 5_000_000_000_000_000n;
const BOND = 10_000_000_000_000_000n;
/** Seconds anyone may challenge the round's MASH sum. */
const CHALLENGE_DURATION = 8n;

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
}

/** Reads server-sent events until `until` accepts one (or the time runs out), then stops listening. */
async function readEvents(url: string, until: (event: { name: string; data: string }) => boolean, timeoutMs: number): Promise<{ name: string; data: string }[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const seen: { name: string; data: string }[] = [];
  try {
    const response = await fetch(url, { signal: abort.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (!name || data === undefined) continue;
        seen.push({ name, data });
        if (until({ name, data })) return seen;
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return seen;
}

describe("round explorer server", function () {
  let addresses: FedmashAddresses;
  let round: DriveMashRoundReturnType;
  let coordinator: FedmashCoordinator;
  let owner: HardhatEthersSigner;
  let clients: HardhatEthersSigner[];
  let explorer: StartExplorerReturnType;

  async function finalizedRoundFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper] = signers;
    const clients = signers.slice(3, 8);
    const deployed = await deployFedmash();
    const coordinator = deployed.coordinator;
    await deployed.registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await deployed.registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    const config = taskConfig({ mode: Mode.Mash, aggregator: aggregator.address, maxClients: 4 });
    await coordinator.connect(owner).createTask(config, "bafkreiinitial");
    // The driver moves the chain's clock past the challenge window before it settles, so any window works here.
    await deployed.verifier
      .connect(owner)
      .setTerms(1n, { aggregatorBond: BOND, clientReward: CLIENT_REWARD, aggregatorReward: AGGREGATOR_REWARD, challengeDuration: CHALLENGE_DURATION });
    await deployed.verifier.connect(owner).fundTask(1n, { value: 10n ** 17n });
    await deployed.verifier.connect(aggregator).acceptTask(1n, BOND);
    await deployed.verifier.connect(aggregator).depositBond(1n, { value: BOND });
    const round = await driveMashRound({ coordinator, verifier: deployed.verifier, taskId: 1n, owner, aggregator, keeper, clients: clients.slice(0, 4) });
    const addresses: FedmashAddresses = {
      registry: await deployed.registry.getAddress(),
      coordinator: await coordinator.getAddress(),
      verifier: await deployed.verifier.getAddress(),
      shamir: await deployed.shamir.getAddress(),
    };
    return { addresses, round, coordinator, owner, clients };
  }

  before(async function () {
    ({ addresses, round, coordinator, owner, clients } = await loadFixture(finalizedRoundFixture));
    explorer = await startExplorer({ provider: ethers.provider, addresses, pollMs: 100 });
  });

  after(async function () {
    await explorer?.close();
  });

  it("serves the page with the finalized round: phase, verification Passed with gas, submissions with CIDs, claims", async function () {
    const snapshot = await collectStatus({ provider: ethers.provider, addresses });
    const page = await get(explorer.url);
    expect(page.status).to.equal(200);
    expect(page.type).to.match(/^text\/html/);
    expect(page.body).to.contain("<h1>fedmash round explorer</h1>");
    expect(page.body).to.match(/<h2 id="task-1-title">Task 1 <span class="mode">Mash<\/span><\/h2>/);
    expect(page.body).to.match(/<h3 id="round-1-title">Round 1 .*<span class="phase phase-Finalized">Finalized<\/span><\/h3>/);
    const rendered = snapshot.tasks[0].rounds[0];
    for (const submission of rendered.submissions) {
      expect(page.body).to.contain(`<code class="cid">${submission.cid}</code>`);
      expect(page.body).to.contain(`href="/tx/${submission.tx}"`);
    }
    expect(rendered.submissions).to.have.length(round.included.length);
    expect(page.body).to.match(/<strong class="outcome outcome-Passed">Passed<\/strong>/);
    const settleGas = BigInt(rendered.verification?.gasUsed.settle ?? "0");
    expect(settleGas > 0n).to.equal(true);
    expect(page.body).to.contain(`<span class="num" data-gas="settle">${settleGas.toLocaleString("en-US")}</span>`);
    expect(rendered.payouts.claims).to.have.length(round.claims.length);
    for (const claim of rendered.payouts.claims) expect(page.body).to.contain(`href="/tx/${claim.tx}"`);
    const paid = BigInt(round.included.length) * CLIENT_REWARD + AGGREGATOR_REWARD;
    expect(page.body).to.contain(`<dt>Claimed</dt><dd>${formatEther(paid)} ETH</dd>`);
  });

  it("answers /api/status with the snapshot collectStatus reads at the same block", async function () {
    const response = await get(`${explorer.url}api/status`);
    expect(response.status).to.equal(200);
    expect(response.type).to.equal("application/json");
    const served = JSON.parse(response.body) as StatusSnapshot;
    const fresh = await collectStatus({ provider: ethers.provider, addresses });
    expect(served.blockNumber).to.equal(fresh.blockNumber);
    expect({ ...served, generatedAt: "" }).to.deep.equal(JSON.parse(JSON.stringify({ ...fresh, generatedAt: "" })));
  });

  it("pushes a new view over /api/events when a block adds a round, without a reload", async function () {
    const start = await ethers.provider.getBlockNumber();
    const events = readEvents(
      `${explorer.url}api/events`,
      (e) => e.name === "view" && (JSON.parse(e.data) as { blockNumber: number }).blockNumber > start + 1,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A secure task opens only on its current model (M1).
    await coordinator.connect(owner).openRound(1n, (await coordinator.task(1n)).currentModelCid);
    await coordinator.connect(clients[4]).join(2n);
    const seen = await events;
    const views = seen.filter((e) => e.name === "view").map((e) => JSON.parse(e.data) as { blockNumber: number; html: string });
    expect(views[0].blockNumber).to.equal(start);
    const last = views[views.length - 1];
    expect(last.blockNumber).to.equal(start + 2);
    expect(last.html).to.match(/<h3 id="round-2-title">Round 2 .*<span class="phase phase-Joining">Joining<\/span><\/h3>/);
    // Newest round first, and the running round has a countdown to its deadline.
    expect(last.html.indexOf('id="round-2"')).to.be.lessThan(last.html.indexOf('id="round-1"'));
    const snapshot = seen.filter((e) => e.name === "snapshot").map((e) => JSON.parse(e.data) as StatusSnapshot).pop() as StatusSnapshot;
    const joining = snapshot.tasks[0].rounds[1];
    expect(joining.participants).to.deep.equal([clients[4].address]);
    expect(last.html).to.contain(`role="timer" aria-live="off" data-deadline="${joining.deadline}"`);
  });

  it("renders a transaction view of the settlement from the receipt, decoded with the contracts' ABIs", async function () {
    const snapshot = JSON.parse((await get(`${explorer.url}api/status`)).body) as StatusSnapshot;
    const settled = snapshot.tasks[0].rounds[0].verification?.settled;
    expect(settled).to.not.equal(undefined);
    const receipt = await ethers.provider.getTransactionReceipt(settled!.tx);
    const view = await get(`${explorer.url}tx/${settled!.tx}`);
    expect(view.status).to.equal(200);
    expect(view.body).to.contain('<strong class="call">FedmashVerifier.settle</strong>');
    expect(view.body).to.contain('<dd class="good result">Succeeded</dd>');
    expect(view.body).to.contain(`<dd class="num gas-used">${receipt!.gasUsed.toLocaleString("en-US")}</dd>`);
    expect(view.body).to.contain("FedmashVerifier.VerificationSettled");
    expect(view.body).to.contain("FedmashCoordinator.RoundFinalized");
  });

  it("answers an unknown transaction with 404 and a malformed hash with 400", async function () {
    const missing = await get(`${explorer.url}tx/0x${"ab".repeat(32)}`);
    expect(missing.status).to.equal(404);
    expect(missing.body).to.contain("has no mined transaction with this hash");
    const malformed = await get(`${explorer.url}tx/0x1234`);
    expect(malformed.status).to.equal(400);
    expect((await get(`${explorer.url}nothing-here`)).status).to.equal(404);
    expect((await get(`${explorer.url}static/../startExplorer.ts`)).status).to.equal(404);
  });

  it("serves its own stylesheet and script (no CDN), with dark mode", async function () {
    const page = await get(explorer.url);
    expect(page.body).to.not.match(/<(script|link)[^>]+(src|href)="https?:/);
    const css = await get(`${explorer.url}static/explorer.css`);
    expect(css.type).to.match(/^text\/css/);
    expect(css.body).to.contain("prefers-color-scheme: dark");
    const js = await get(`${explorer.url}static/explorer.js`);
    expect(js.type).to.match(/^text\/javascript/);
    expect(js.body).to.contain('new EventSource("/api/events")');
  });

  describe("links and escaping", function () {
    it("links transactions to a block explorer when given one, adding /tx/ to a bare origin", async function () {
      const snapshot = JSON.parse((await get(`${explorer.url}api/status`)).body) as StatusSnapshot;
      const tx = snapshot.tasks[0].rounds[0].submissions[0].tx;
      for (const [base, expected] of [
        ["https://sepolia.etherscan.io/tx/", `https://sepolia.etherscan.io/tx/${tx}`],
        ["https://sepolia.etherscan.io", `https://sepolia.etherscan.io/tx/${tx}`],
      ]) {
        const other = await startExplorer({ provider: ethers.provider, addresses, txUrlBase: base });
        try {
          const page = await get(other.url);
          expect(page.body).to.contain(`href="${expected}"`);
          expect(page.body).to.not.contain(`href="/tx/`);
        } finally {
          await other.close();
        }
      }
    });

    it("finds the verifier and the Shamir contract through the coordinator when only it and the registry are given", async function () {
      const other = await startExplorer({ provider: ethers.provider, addresses: { registry: addresses.registry, coordinator: addresses.coordinator } });
      try {
        const served = JSON.parse((await get(`${other.url}api/status`)).body) as StatusSnapshot;
        expect(served.contracts).to.deep.equal(addresses);
        expect(served.tasks[0].rounds[0].verification?.outcome).to.equal("Passed");
      } finally {
        await other.close();
      }
    });

    it("escapes text read from the chain", async function () {
      const snapshot = JSON.parse((await get(`${explorer.url}api/status`)).body) as StatusSnapshot;
      snapshot.tasks[0].rounds[0].events[0].summary = `<img src=x onerror="alert(1)">`;
      snapshot.tasks[0].rounds[0].modelCid = `bafy"><script>alert(2)</script>`;
      const markup = renderStatusView(snapshot, { txUrl: (hash) => `/tx/${hash}` }).value;
      expect(markup).to.not.contain("<img src=x");
      expect(markup).to.not.contain("<script>");
      expect(markup).to.contain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    });

    it("names the task's mask group with its bits, and paper-compat as NOT secure", async function () {
      const snapshot = JSON.parse((await get(`${explorer.url}api/status`)).body) as StatusSnapshot;
      expect(snapshot.tasks[0].config.maskGroup).to.deep.equal({ id: "rlwr-2048", secure: true, securityBits: 128 });
      expect(renderStatusView(snapshot, { txUrl: (hash) => `/tx/${hash}` }).value).to.contain('<dt>Mask group</dt><dd class="secure">rlwr-2048 (secure, 128-bit)</dd>');
      snapshot.tasks[0].config.maskGroup = { id: "paper-compat", secure: false, securityBits: 80 };
      expect(renderStatusView(snapshot, { txUrl: (hash) => `/tx/${hash}` }).value).to.contain('<dd class="insecure">paper-compat (80-bit, NOT secure)</dd>');
    });

    it("says in words why a round failed", async function () {
      const snapshot = JSON.parse((await get(`${explorer.url}api/status`)).body) as StatusSnapshot;
      const failed = snapshot.tasks[0].rounds[0];
      failed.phase = "Failed";
      failed.failureReason = "AggregatorMissing";
      const markup = renderStatusView(snapshot, { txUrl: (hash) => `/tx/${hash}` }).value;
      expect(markup).to.contain('<p class="failure"><strong>Why it failed:</strong> The aggregator did not post the aggregate');
      expect(markup).to.contain('<span class="phase phase-Failed">Failed</span>');
    });
  });

  describe("should throw", function () {
    it("ExplorerOptionsError for an explorer URL that is not http(s)", async function () {
      const error = await startExplorer({ provider: ethers.provider, addresses, txUrlBase: "ftp://example.org/tx/" }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ExplorerOptionsError);
      expect((error as Error).message).to.contain("--explorer-url must be an http(s) URL, got ftp:.");
    });

    it("ExplorerOptionsError without a chain to read", async function () {
      const error = await startExplorer({ addresses }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ExplorerOptionsError);
    });

    it("DeploymentNotFoundError with the deploy command when neither addresses nor a deployment are found", async function () {
      const error = await startExplorer({ provider: ethers.provider, deploymentId: "no-such-deployment", projectRoot: tmpdir() }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(DeploymentNotFoundError);
      expect((error as Error).message).to.contain(join(tmpdir(), "ignition", "deployments", "no-such-deployment"));
      expect((error as Error).message).to.contain("npx hardhat ignition deploy ignition/modules/Fedmash.ts");
    });

    it("ChainUnreachableError naming the RPC URL when no node answers", async function () {
      const port = await findFreePort();
      const error = await startExplorer({ rpcUrl: `http://127.0.0.1:${port}`, addresses }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ChainUnreachableError);
      expect((error as Error).message).to.contain(`No Ethereum JSON-RPC node answers at http://127.0.0.1:${port}.`);
    });

    it("ExplorerListenError naming the port when it is taken", async function () {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        const error = await startExplorer({ provider: ethers.provider, addresses, port }).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(ExplorerListenError);
        expect((error as Error).message).to.contain(`The explorer cannot listen on 127.0.0.1:${port} (EADDRINUSE).`);
        expect((error as Error).message).to.contain("pass another --port");
      } finally {
        blocker.close();
      }
    });
  });
});
