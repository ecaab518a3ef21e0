// The Shamir client adversary's settings as a user meets them: `fedmash demo --mode shamir --malicious-client
// inconsistent-shares` picks t + 2 servers and a 0.05 ETH client stake unless told otherwise, the MASH adversaries stay
// MASH-only and this one Shamir-only, a setup that could not show the fault is refused with its fix, and
// `fedmash client --inconsistent-shares` is a boolean flag; the round line names the forfeited stake.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther } from "ethers";
import { clientConfigSchema, CLIENT_OPTIONS } from "../../../workers/config/clientConfig";
import { demoConfigSchema, DEMO_OPTIONS } from "../../../workers/config/demoConfig";
import { resolveConfig } from "../../../workers/config/resolveConfig";
import { IMPLICIT_VALUES } from "../../../workers/config/sharedOptions";
import { roundSummary } from "../../../workers/roles/runDemo";
import type { RoundReport } from "../../../workers/roles/runTask";
import { cliUsageRefusal } from "../../helpers/cliUsageRefusal";

describe("the inconsistent-shares client adversary (settings and round line)", function () {
  let cwd: string;
  beforeEach(() => void (cwd = mkdtempSync(join(tmpdir(), "fedmash-adversary-"))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  const demo = (argv: string[]) => resolveConfig({ command: "demo", options: DEMO_OPTIONS, schema: demoConfigSchema, argv, env: {}, cwd, implicitValues: IMPLICIT_VALUES }).config;
  const client = (argv: string[]) => resolveConfig({ command: "client", options: CLIENT_OPTIONS, schema: clientConfigSchema(cwd), argv, env: {}, cwd }).config;
  const refusal = cliUsageRefusal;

  it("defaults to t + 2 servers and a 0.05 ETH client stake, and keeps what the user gave", function () {
    expect(demo(["--mode", "shamir", "--malicious-client", "inconsistent-shares"])).to.deep.include({ maliciousClient: "inconsistent-shares", servers: 4, threshold: 2, clientStake: parseEther("0.05") });
    expect(demo(["--mode", "shamir", "--malicious-client", "inconsistent-shares", "--threshold", "3"])).to.deep.include({ servers: 5 });
    expect(demo(["--mode", "shamir", "--malicious-client", "inconsistent-shares", "--servers", "3", "--client-stake", "0.1"])).to.deep.include({ servers: 3, clientStake: parseEther("0.1") });
    // Without the adversary nothing changes.
    expect(demo(["--mode", "shamir"])).to.deep.include({ servers: 3, clientStake: 0n, maliciousClient: undefined });
  });

  it("refuses it outside Shamir, the MASH adversaries in Shamir, and setups where nobody could see the bad share", function () {
    expect(refusal(() => demo(["--malicious-client", "inconsistent-shares"])).shortMessage).to.contain('--malicious-client "inconsistent-shares" applies to --mode shamir only');
    expect(refusal(() => demo(["--mode", "shamir", "--malicious-client", "false-challenge"])).shortMessage).to.contain('--malicious-client "false-challenge" applies to --mode mash only');
    expect(refusal(() => demo(["--mode", "shamir", "--malicious-client", "inconsistent-shares", "--drop-servers", "1"])).shortMessage).to.contain("--drop-servers");
    expect(refusal(() => demo(["--mode", "shamir", "--malicious-client", "inconsistent-shares", "--servers", "2"])).shortMessage).to.contain("more servers than --threshold 2");
    expect(refusal(() => demo(["--mode", "shamir", "--servers", "4", "--malicious-client", "inconsistent-shares", "--malicious-server", "wrong-share-sum"])).shortMessage).to.contain("--malicious-server");
  });

  it("fedmash client --inconsistent-shares is a boolean flag, off by default", function () {
    expect(client(["--account", "2"]).inconsistentShares).to.equal(false);
    expect(client(["--account", "2", "--inconsistent-shares"]).inconsistentShares).to.equal(true);
  });

  it("the round line says the client forfeited its stake, apart from the slashed bonds", function () {
    const round = {
      round: 1,
      phase: "Finalized",
      durationMs: 21_000,
      accuracy: 0.9,
      loss: 0.3,
      included: ["a", "b", "c", "d"],
      excluded: [],
      verification: { status: "passed", gasUsed: 180_000, samples: 64, batches: 2, committed: 4, included: 4 },
      slashedParties: [
        { address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", role: "client", reason: "inconsistent-shares", wei: parseEther("0.05").toString() },
        { address: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", role: "server", reason: "wrong-share-sum", wei: parseEther("0.01").toString() },
      ],
      challenges: [],
      paid: "0",
    } as unknown as RoundReport;
    expect(roundSummary(round)).to.contain(" · slashed server 0xa0Ee7A… 0.01 ETH (wrong-share-sum) · client 0x3C44Cd… forfeited 0.05 ETH (inconsistent-shares)");
  });
});
