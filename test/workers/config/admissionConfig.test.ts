// The admission settings as a user meets them: the owner's --allow (repeated or comma-separated, every item an
// address) and --client-stake (an amount of ETH), the client's --max-stake (default 0: never stakes by itself), and
// the demo's --admission (allowlist by default) and --client-stake. Every bad value is one CliUsageError naming it.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientConfigSchema, CLIENT_OPTIONS } from "../../../workers/config/clientConfig";
import { demoConfigSchema, DEMO_OPTIONS } from "../../../workers/config/demoConfig";
import { CliUsageError } from "../../../workers/config/errors";
import { OWNER_OPTIONS, ownerConfigSchema } from "../../../workers/config/ownerConfig";
import { resolveConfig } from "../../../workers/config/resolveConfig";
import { cliUsageRefusal } from "../../helpers/cliUsageRefusal";

const A = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const B = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
const C = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";

describe("admission settings", function () {
  let cwd: string;
  beforeEach(function () {
    cwd = mkdtempSync(join(tmpdir(), "fedmash-admission-"));
  });
  afterEach(function () {
    rmSync(cwd, { recursive: true, force: true });
  });

  const owner = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const { admission } = resolveConfig({ command: "owner", options: OWNER_OPTIONS, schema: ownerConfigSchema(cwd), argv: ["--account", "0", ...argv], env, cwd }).config.settings;
    if (admission === undefined) throw new Error("the owner's settings carry no admission");
    return admission;
  };
  const client = (argv: string[]) => resolveConfig({ command: "client", options: CLIENT_OPTIONS, schema: clientConfigSchema(cwd), argv: ["--account", "2", ...argv], env: {}, cwd }).config;
  const demo = (argv: string[]) => resolveConfig({ command: "demo", options: DEMO_OPTIONS, schema: demoConfigSchema, argv, env: {}, cwd }).config;
  const refusal = cliUsageRefusal;

  it("leaves a new owner's task open, its stake unset, by default", function () {
    expect(owner([])).to.deep.equal({ allow: [], clientStake: undefined });
  });

  it("takes --allow repeated, comma-separated, or both, and from the environment", function () {
    expect(owner(["--allow", A]).allow).to.deep.equal([A]);
    expect(owner(["--allow", `${A}, ${B}`]).allow).to.deep.equal([A, B]);
    expect(owner(["--allow", A, "--allow", `${B},${C}`]).allow).to.deep.equal([A, B, C]);
    expect(owner([], { FEDMASH_ALLOW: `${A},${B}` }).allow).to.deep.equal([A, B]);
  });

  it("refuses an --allow item that is not an address, naming it", function () {
    const error = refusal(() => owner(["--allow", `${A},0x1234`]));
    expect(error.shortMessage).to.contain("--allow").and.contain('"0x1234"');
    expect(error.details).to.contain("0x-prefixed");
    expect(refusal(() => owner(["--allow", A, "--allow", "alice"])).shortMessage).to.contain('"alice"');
  });

  it("parses --client-stake as wei and refuses negative or non-numeric amounts", function () {
    expect(owner(["--client-stake", "0.5"]).clientStake).to.equal(5n * 10n ** 17n);
    expect(owner(["--client-stake", "0"]).clientStake).to.equal(0n);
    // "--client-stake -1" reads -1 as a flag (refused: needs a value); written with "=" the amount itself is refused.
    expect(refusal(() => owner(["--client-stake", "-1"])).shortMessage).to.contain("--client-stake");
    for (const bad of ["-1", "abc", "1e18", "0.1234567890123456789"]) {
      const error = refusal(() => owner([`--client-stake=${bad}`]));
      expect(error.shortMessage, bad).to.contain("--client-stake").and.contain("is not an amount of ETH");
    }
  });

  it("gives a client --max-stake 0 by default and parses an amount, and --withdraw-stake a task id", function () {
    expect(client([]).maxStake).to.equal(0n);
    expect(client(["--max-stake", "1.5"]).maxStake).to.equal(15n * 10n ** 17n);
    expect(refusal(() => client(["--max-stake", "-0.1"])).shortMessage).to.contain("--max-stake");
    expect(client([]).withdrawStake).to.equal(undefined);
    expect(client(["--withdraw-stake", "3"]).withdrawStake).to.equal(3n);
    expect(refusal(() => client(["--withdraw-stake", "0"])).shortMessage).to.contain("--withdraw-stake");
  });

  it("makes the demo's default an allowlist, with --admission open and --client-stake", function () {
    expect(demo([])).to.deep.include({ admission: "allowlist", clientStake: 0n });
    expect(demo(["--admission", "open", "--client-stake", "0.01"])).to.deep.include({ admission: "open", clientStake: 10n ** 16n });
    expect(refusal(() => demo(["--admission", "closed"])).shortMessage).to.contain("--admission");
    expect(refusal(() => demo(["--client-stake", "x"])).shortMessage).to.contain("--client-stake");
  });
});
