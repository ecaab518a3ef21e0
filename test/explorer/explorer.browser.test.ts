// The round explorer as a person sees it: a real `fedmash demo` (mash mode, 4 client processes, 2 rounds) runs
// in-process while the explorer reads its chain and headless Chromium shows the page. Without a reload, round 1
// moves from Joining to Finalized; its submissions are listed with the CIDs the chain holds, the verification
// says Passed with the settle gas the demo measured, the payouts are the demo's claims, and a transaction link
// opens the transaction view. Needs Debian's chromium (`apt-get install -y chromium`); FEDMASH_SKIP_BROWSER=1
// skips it where no browser can be installed. FEDMASH_UPDATE_SCREENSHOT=1 rewrites docs/img/explorer.png.
// The page callbacks below run in the browser and are typed with the DOM library.
/// <reference lib="dom" />
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { JsonRpcProvider, formatEther } from "ethers";
import { chromium, type Browser, type Page } from "playwright-core";
import { runDemo, DEMO_DEFAULTS, type DemoChain, type DemoReport } from "../../workers/roles/runDemo";
import { loadDeployment } from "../../workers/chain/loadDeployment";
import { startExplorer, type StartExplorerReturnType } from "../../workers/explorer/startExplorer";
import { FedmashCoordinator__factory } from "../../typechain-types";

const PROJECT_ROOT = resolve(__dirname, "..", "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = join(PROJECT_ROOT, "docs", "img", "explorer.png");
const PHASE_ORDER = ["Joining", "Grouping", "Shuffle", "Submission", "Completion", "Aggregation", "Verification", "Finalized"];

/** What the page showed for round 1 once it was finalized and paid, read from the DOM. */
interface RoundOnPage {
  /** The phases the page showed for round 1 as it updated, sampled every 25 ms. */
  phasesSeen: string[];
  /** The round's phase history as the page lists it (one entry per PhaseChanged event). */
  phaseHistory: string[];
  reloaded: boolean;
  /** The live region's root element was never replaced: updates were applied in place. */
  sameRoot: boolean;
  submissions: { client: string; cid: string; txHref: string }[];
  outcome: string;
  settleGas: string;
  claims: { account: string; amount: string }[];
  unclaimed: string;
  liveRegion: string | null;
  headings: string[];
  tableHeaders: number;
}

describe("round explorer in headless Chromium during a real demo (mash, 4 clients, 2 rounds)", function () {
  this.timeout(300_000);
  const deploymentId = `test-explorer-${process.pid}`;
  let outDir: string;
  let browser: Browser | undefined;
  let page: Page;
  let explorer: StartExplorerReturnType | undefined;
  let report: DemoReport;
  let onPage: RoundOnPage;
  let chainCids: Map<string, string>;
  let txView: { heading: string; call: string; result: string; gasUsed: string; url: string };
  let darkBackground: string;
  let screenshot: Buffer;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.FEDMASH_SKIP_BROWSER === "1") this.skip();
      throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set FEDMASH_SKIP_BROWSER=1 to skip this test).`);
    }
    outDir = mkdtempSync(join(tmpdir(), "fedmash-explorer-"));
    let onDeployed: (chain: DemoChain) => void = () => undefined;
    const deployed = new Promise<DemoChain>((resolve) => (onDeployed = resolve));
    // runDemo awaits onChainReady before it creates the task, so the page below is watching before round 1 opens
    // (four clients can fill Joining faster than a browser starts).
    let watching: () => void = () => undefined;
    const pageReady = new Promise<void>((resolve) => (watching = resolve));
    const demo = runDemo({
      ...DEMO_DEFAULTS,
      mode: "mash",
      clients: 4,
      rounds: 2,
      paillierBits: 1024,
      samplesPerClient: 300,
      epochs: 1,
      outDir,
      projectRoot: PROJECT_ROOT,
      deploymentId,
      onChainReady: async (chain) => {
        onDeployed(chain);
        await pageReady;
      },
    });
    // Any wait below ends early, with the demo's own error, if the demo fails.
    const failed = demo.then(
      () => new Promise<never>(() => undefined),
      (error: unknown) => Promise.reject(error),
    );
    const orDemoFails = <T>(wait: Promise<T>): Promise<T> => Promise.race([wait, failed]);
    try {
      const { rpcUrl } = await orDemoFails(deployed);
      // As `fedmash status --serve --rpc URL --deployment-id ID` starts it: addresses from the Ignition folder.
      explorer = await startExplorer({ rpcUrl, deploymentId, projectRoot: PROJECT_ROOT, pollMs: 150 });
      const addresses = loadDeployment({ chainId: 31337n, deploymentId, projectRoot: PROJECT_ROOT });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox"] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
      await page.goto(explorer.url);
      // Record every phase round 1 shows, and mark the document and the live region's root: a reload or a
      // full re-render would lose them.
      await page.evaluate(() => {
        const w = window as unknown as { __phases: string[]; __marker: boolean; __root: Element | null };
        w.__phases = [];
        w.__marker = true;
        w.__root = document.querySelector("#view .snapshot");
        setInterval(() => {
          const phase = document.querySelector("#round-1")?.getAttribute("data-phase");
          if (phase && w.__phases[w.__phases.length - 1] !== phase) w.__phases.push(phase);
        }, 25);
      });
      watching();
      await orDemoFails(page.waitForSelector("#round-1", { timeout: 150_000 }));
      await orDemoFails(page.waitForSelector('#round-1[data-phase="Finalized"]', { timeout: 150_000 }));
      // Every winner claims right after the settlement: wait until nothing of round 1 is left unclaimed.
      await orDemoFails(
        page.waitForFunction(() => /Unclaimed\s*0\.0 ETH/.test(document.querySelector("#round-1 dl.payouts")?.textContent ?? ""), undefined, { timeout: 60_000 }),
      );
      onPage = await page.evaluate(() => {
        const w = window as unknown as { __phases: string[]; __marker?: boolean; __root: Element | null };
        const round = document.querySelector("#round-1") as HTMLElement;
        const text = (selector: string): string => round.querySelector(selector)?.textContent?.trim() ?? "";
        const definition = (list: string, term: string): string => {
          const dts = Array.from(round.querySelectorAll(`${list} dt`));
          return dts.find((dt) => dt.textContent === term)?.nextElementSibling?.textContent?.trim() ?? "";
        };
        return {
          phasesSeen: [...w.__phases],
          phaseHistory: Array.from(round.querySelectorAll("details.phases li .phase")).map((e) => e.textContent ?? ""),
          reloaded: w.__marker !== true,
          sameRoot: w.__root !== null && w.__root === document.querySelector("#view .snapshot"),
          submissions: Array.from(round.querySelectorAll("table.submissions tbody tr")).map((row) => ({
            client: row.querySelector("th .addr")?.getAttribute("title") ?? "",
            cid: row.querySelector(".cid")?.textContent ?? "",
            txHref: row.querySelector("a.tx")?.getAttribute("href") ?? "",
          })),
          outcome: text("dl.verification .outcome"),
          settleGas: text('[data-gas="settle"]'),
          claims: Array.from(round.querySelectorAll("table.claims tbody tr")).map((row) => ({
            account: row.querySelector("th .addr")?.getAttribute("title") ?? "",
            amount: row.querySelector("td.num")?.textContent ?? "",
          })),
          unclaimed: definition("dl.payouts", "Unclaimed"),
          liveRegion: document.querySelector("#view")?.getAttribute("aria-live") ?? null,
          headings: Array.from(document.querySelectorAll("h1, h2, h3")).map((h) => h.textContent?.replace(/\s+/g, " ").trim() ?? ""),
          tableHeaders: round.querySelectorAll("table thead th[scope=col]").length,
        };
      });
      // The chain's own record of each listed submission, read directly (not through the explorer).
      const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
      try {
        const coordinator = FedmashCoordinator__factory.connect(addresses.coordinator, provider);
        chainCids = new Map();
        for (const s of onPage.submissions) chainCids.set(s.client, (await coordinator.submission(1n, s.client)).cid);
      } finally {
        provider.destroy();
      }
      screenshot = await page.screenshot({ fullPage: true });
      if (process.env.FEDMASH_UPDATE_SCREENSHOT === "1") {
        mkdirSync(join(PROJECT_ROOT, "docs", "img"), { recursive: true });
        writeFileSync(SCREENSHOT, screenshot);
      }
      await page.emulateMedia({ colorScheme: "dark" });
      darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.emulateMedia({ colorScheme: "light" });
      // Follow the settlement's link as a reader would: it opens this server's transaction view.
      await page.click("#round-1 dl.verification dt:has-text('Settlement') + dd a.tx");
      await page.waitForSelector("h1:text('Transaction')");
      txView = await page.evaluate(() => ({
        heading: document.querySelector("h1")?.textContent ?? "",
        call: document.querySelector(".call")?.textContent ?? "",
        result: document.querySelector(".result")?.textContent ?? "",
        gasUsed: document.querySelector(".gas-used")?.textContent ?? "",
        url: location.pathname,
      }));
      report = await demo;
    } finally {
      watching(); // a failed set-up must not leave the demo waiting for the page
      await browser?.close();
      await explorer?.close();
      // The demo stops its node and workers itself; wait for that before removing its folders.
      await demo.catch(() => undefined);
    }
  });

  after(function () {
    rmSync(join(PROJECT_ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("shows the task and round 1 moving from Joining to Finalized by live updates, without a reload", function () {
    expect(onPage.headings[0]).to.equal("fedmash round explorer");
    expect(onPage.headings).to.include("Task 1 Mash");
    // Newest round first: round 2 was opened once round 1 was finalized.
    const round1 = onPage.headings.findIndex((h) => h.startsWith("Round 1 (id 1)"));
    expect(round1).to.be.greaterThan(0);
    expect(onPage.headings[round1]).to.equal("Round 1 (id 1) Finalized");
    expect(onPage.reloaded).to.equal(false);
    expect(onPage.sameRoot).to.equal(true);
    // Every phase the round went through, as the page lists it from the chain's PhaseChanged events.
    expect(onPage.phaseHistory).to.deep.equal(PHASE_ORDER);
    // And the live view moved through them in order without a reload. Sampling cannot promise it showed Joining
    // itself: four clients ready at the opening fill Joining in less than one 150 ms refresh of the page.
    expect(PHASE_ORDER.indexOf(onPage.phasesSeen[0]!)).to.be.within(0, PHASE_ORDER.indexOf("Shuffle"));
    expect(onPage.phasesSeen[onPage.phasesSeen.length - 1]).to.equal("Finalized");
    const order = onPage.phasesSeen.map((p) => PHASE_ORDER.indexOf(p));
    expect(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1])), onPage.phasesSeen.join(" → ")).to.equal(true);
    expect(onPage.phasesSeen.length).to.be.at.least(3);
  });

  it("lists every submission of round 1 with the CID the chain holds and a link to its transaction", function () {
    expect(report.rounds[0].phase).to.equal("Finalized");
    expect(onPage.submissions).to.have.length(report.rounds[0].submitted);
    expect(onPage.submissions.map((s) => s.client).sort()).to.deep.equal([...report.rounds[0].included].sort());
    for (const s of onPage.submissions) {
      expect(s.cid).to.match(/^baf[a-z2-7]{50,}$/);
      expect(s.cid).to.equal(chainCids.get(s.client));
      expect(s.txHref).to.match(/^\/tx\/0x[0-9a-f]{64}$/);
    }
  });

  it("says the verification Passed with the settle gas the demo measured", function () {
    expect(report.rounds[0].verification.status).to.equal("passed");
    expect(onPage.outcome).to.equal("Passed");
    expect(onPage.settleGas).to.equal((report.rounds[0].verification.gasUsed as number).toLocaleString("en-US"));
  });

  it("shows the payouts the demo's winners claimed, nothing left unclaimed", function () {
    const claimed = report.rounds[0].claims.map((c) => ({ account: c.account, amount: `${formatEther(BigInt(c.wei))} ETH` }));
    expect(onPage.claims.map((c) => c.account).sort()).to.deep.equal(claimed.map((c) => c.account).sort());
    for (const claim of claimed) expect(onPage.claims.find((c) => c.account === claim.account)?.amount).to.equal(claim.amount);
    expect(onPage.unclaimed).to.equal("0.0 ETH");
  });

  it("opens the settlement's transaction view from its link", function () {
    expect(txView.url).to.match(/^\/tx\/0x[0-9a-f]{64}$/);
    expect(txView.heading).to.equal("Transaction");
    expect(txView.call).to.equal("FedmashVerifier.settle");
    expect(txView.result).to.equal("Succeeded");
    expect(txView.gasUsed).to.equal(onPage.settleGas);
  });

  it("is accessible and readable in light and dark mode", function () {
    expect(onPage.liveRegion).to.equal("polite");
    expect(onPage.tableHeaders).to.be.at.least(10);
    expect(darkBackground).to.equal("rgb(13, 17, 23)");
    // A PNG of the whole page.
    expect(screenshot.subarray(1, 4).toString("latin1")).to.equal("PNG");
    expect(screenshot.length).to.be.greaterThan(20_000);
  });
});
