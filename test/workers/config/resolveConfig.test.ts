// The CLI's settings as a user meets them: a flag beats its environment variable, which beats the config file,
// which beats the default; a command's section of the file beats its top level; --account and --private-key are
// one choice decided by source strength; and every refusal is one CliUsageError naming the setting, its value,
// where it came from and the fix.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aggregatorConfigSchema, AGGREGATOR_OPTIONS } from "../../../workers/config/aggregatorConfig";
import { clientConfigSchema, CLIENT_OPTIONS } from "../../../workers/config/clientConfig";
import { demoConfigSchema, DEMO_OPTIONS } from "../../../workers/config/demoConfig";
import { CliUsageError, ConfigFileError } from "../../../workers/config/errors";
import { fileKeyOf } from "../../../workers/config/optionSpec";
import { OWNER_OPTIONS, ownerConfigSchema } from "../../../workers/config/ownerConfig";
import { SERVER_OPTIONS, serverConfigSchema } from "../../../workers/config/serverConfig";
import { resolveConfig } from "../../../workers/config/resolveConfig";
import { IMPLICIT_VALUES } from "../../../workers/config/sharedOptions";
import { STATUS_OPTIONS, statusConfigSchema } from "../../../workers/config/statusConfig";
import { DEMO_DEFAULTS } from "../../../workers/roles/runDemo";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("CLI configuration", function () {
  let cwd: string;
  beforeEach(function () {
    cwd = mkdtempSync(join(tmpdir(), "fedmash-config-"));
  });
  afterEach(function () {
    rmSync(cwd, { recursive: true, force: true });
  });

  const vocabulary = {
    keys: new Set([CLIENT_OPTIONS, DEMO_OPTIONS, OWNER_OPTIONS, STATUS_OPTIONS].flatMap((o) => Object.keys(o).map(fileKeyOf))),
    commands: new Set(["client", "demo", "owner", "status"]),
  };
  const client = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    resolveConfig({
      command: "client",
      options: CLIENT_OPTIONS,
      schema: clientConfigSchema(cwd),
      argv,
      env,
      cwd,
      vocabulary,
      implicitValues: IMPLICIT_VALUES,
      exclusive: [["account", "private-key"]],
    });
  const refusal = (run: () => unknown): CliUsageError | ConfigFileError => {
    try {
      run();
    } catch (error) {
      if (error instanceof CliUsageError || error instanceof ConfigFileError) return error;
      throw error;
    }
    throw new Error("expected a refusal");
  };
  const writeConfig = (settings: unknown, name = "fedmash.json"): void => writeFileSync(join(cwd, name), JSON.stringify(settings));

  describe("precedence", function () {
    it("takes the default when no source gives a value", function () {
      const { config, sources } = client(["--account", "2"]);
      expect(config.worker.rpcUrl).to.equal("http://127.0.0.1:8545");
      expect(config.training.epochs).to.equal(1);
      expect(sources.rpc).to.equal(undefined);
    });

    it("takes ./fedmash.json over the default, a command section over the top level", function () {
      writeConfig({ rpc: "http://file:1", epochs: 3, client: { epochs: 5 }, demo: { epochs: 7 } });
      const { config, sources } = client(["--account", "2"]);
      expect(config.worker.rpcUrl).to.equal("http://file:1");
      expect(config.training.epochs).to.equal(5);
      expect(sources.epochs).to.deep.equal({ kind: "file", name: 'fedmash.json key "client.epochs"' });
    });

    it("takes the environment over the file and a flag over the environment", function () {
      writeConfig({ rpc: "http://file:1", storeDir: "from-file" });
      const env = { RPC_URL: "http://env:2", FEDMASH_STORE_DIR: "from-env", FEDMASH_EPOCHS: "4" };
      const fromEnv = client(["--account", "2"], env);
      expect(fromEnv.config.worker.rpcUrl).to.equal("http://env:2");
      expect(fromEnv.config.worker.storeDir).to.equal(join(cwd, "from-env"));
      expect(fromEnv.config.training.epochs).to.equal(4);
      const fromFlag = client(["--account", "2", "--rpc", "http://flag:3", "--epochs", "2"], env);
      expect(fromFlag.config.worker.rpcUrl).to.equal("http://flag:3");
      expect(fromFlag.config.training.epochs).to.equal(2);
      expect(fromFlag.sources.rpc).to.deep.equal({ kind: "flag", name: "--rpc" });
    });

    it("reads the file named by --config (or FEDMASH_CONFIG) instead of ./fedmash.json, and none with 'none'", function () {
      writeConfig({ epochs: 3 });
      writeConfig({ epochs: 6 }, "other.json");
      expect(client(["--account", "2", "--config", "other.json"]).config.training.epochs).to.equal(6);
      expect(client(["--account", "2"], { FEDMASH_CONFIG: "other.json" }).config.training.epochs).to.equal(6);
      expect(client(["--account", "2", "--config", "none"]).config.training.epochs).to.equal(1);
    });

    it("lets an account from a flag win over PRIVATE_KEY from the environment, and a key flag over FEDMASH_ACCOUNT", function () {
      const byFlag = client(["--account", "3"], { PRIVATE_KEY: KEY });
      expect(byFlag.config.worker.accountIndex).to.equal(3);
      expect(byFlag.config.worker.privateKey).to.equal(undefined);
      const byKey = client(["--private-key", KEY], { FEDMASH_ACCOUNT: "3" });
      expect(byKey.config.worker.privateKey).to.equal(KEY);
      expect(byKey.config.worker.accountIndex).to.equal(undefined);
    });

    it("reads bare boolean flags, booleans in the file, and 1/0 in the environment", function () {
      writeConfig({ quiet: true });
      expect(client(["--account", "2"]).config.quiet).to.equal(true);
      expect(client(["--account", "2"], { FEDMASH_QUIET: "0" }).config.quiet).to.equal(false);
      expect(client(["--account", "2", "--quiet"], { FEDMASH_QUIET: "0" }).config.quiet).to.equal(true);
    });

    it("gives --malicious-aggregator alone the value consistent", function () {
      const demo = (argv: string[]) => resolveConfig({ command: "demo", options: DEMO_OPTIONS, schema: demoConfigSchema, argv, env: {}, cwd, implicitValues: IMPLICIT_VALUES }).config;
      expect(demo(["--malicious-aggregator"]).maliciousAggregator).to.equal("consistent");
      expect(demo(["--malicious-aggregator", "--rounds", "2"]).maliciousAggregator).to.equal("consistent");
      expect(demo(["--malicious-aggregator", "inconsistent"]).maliciousAggregator).to.equal("inconsistent");
    });

    it("keeps the demo's defaults equal to DEMO_DEFAULTS", function () {
      const { config } = resolveConfig({ command: "demo", options: DEMO_OPTIONS, schema: demoConfigSchema, argv: [], env: {}, cwd });
      const { terms, outDir, ...rest } = DEMO_DEFAULTS;
      expect(config).to.deep.include({ ...rest, outDir, terms, deploymentId: undefined, dp: undefined, serve: false, port: 8088, host: "127.0.0.1" });
    });

    it("sets the MASH challenge window: 600 s for the owner, 8 s for the demo, and the clients' minimum 60 s (5 s in the demo)", function () {
      const owner = (argv: string[]) => resolveConfig({ command: "owner", options: OWNER_OPTIONS, schema: ownerConfigSchema(cwd), argv, env: {}, cwd }).config;
      expect(owner(["--account", "0"]).settings.terms?.challengeDuration).to.equal(600n);
      expect(owner(["--account", "0", "--challenge-window", "30"]).settings.terms?.challengeDuration).to.equal(30n);
      const client = (argv: string[]) => resolveConfig({ command: "client", options: CLIENT_OPTIONS, schema: clientConfigSchema(cwd), argv, env: {}, cwd }).config;
      expect(client(["--account", "2"]).minChallengeWindow).to.equal(60);
      expect(client(["--account", "2", "--min-challenge-window", "5", "--malicious-client", "false-challenge"])).to.deep.include({ minChallengeWindow: 5, maliciousClient: "false-challenge" });
      const demo = (argv: string[]) => resolveConfig({ command: "demo", options: DEMO_OPTIONS, schema: demoConfigSchema, argv, env: {}, cwd }).config;
      expect([demo([]).terms.challengeDuration, demo([]).minChallengeWindow]).to.deep.equal([8n, 5]);
      expect(refusal(() => demo(["--min-challenge-window", "20"])).shortMessage).to.contain("--min-challenge-window");
      expect(refusal(() => owner(["--account", "0", "--challenge-window", "4"])).shortMessage).to.contain("--challenge-window");
      expect(refusal(() => demo(["--mode", "plain", "--malicious-client", "oversized-payload"])).shortMessage).to.contain("--malicious-client");
    });

    it("parses owner Shamir servers from a comma list or a JSON array alike", function () {
      const owner = (argv: string[]) => resolveConfig({ command: "owner", options: OWNER_OPTIONS, schema: ownerConfigSchema(cwd), argv, env: {}, cwd }).config;
      const a = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
      const b = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
      expect(owner(["--account", "0", "--mode", "shamir", "--servers", `${a},${b}`]).settings.shamir?.servers).to.deep.equal([a, b]);
      writeConfig({ owner: { servers: [a, b] } });
      expect(owner(["--account", "0", "--mode", "shamir"]).settings.shamir?.servers).to.deep.equal([a, b]);
    });

    it("sets a Shamir task's server bond from --server-bond, refusing less than the contract's 0.01 ETH, and the server's --max-bond", function () {
      const owner = (argv: string[]) => resolveConfig({ command: "owner", options: OWNER_OPTIONS, schema: ownerConfigSchema(cwd), argv, env: {}, cwd }).config;
      const servers = ["--servers", "0x976EA74026E726554dB657fA54763abd0C3a0aa9,0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"];
      expect(owner(["--account", "0", "--mode", "shamir", ...servers]).settings.shamir?.serverBond).to.equal(undefined);
      expect(owner(["--account", "0", "--mode", "shamir", ...servers, "--server-bond", "0.05"]).settings.shamir?.serverBond).to.equal(5n * 10n ** 16n);
      expect(refusal(() => owner(["--account", "0", "--mode", "shamir", ...servers, "--server-bond", "0.005"])).shortMessage).to.contain("--server-bond");
      const server = (argv: string[]) => resolveConfig({ command: "server", options: SERVER_OPTIONS, schema: serverConfigSchema(cwd), argv, env: {}, cwd }).config;
      expect(server(["--account", "6"]).maxBondWei).to.equal(10n ** 17n);
      expect(server(["--account", "6", "--max-bond", "0.02", "--wrong-share-sum"])).to.deep.include({ maxBondWei: 2n * 10n ** 16n, wrongShareSum: true });
      const demo = (argv: string[]) => resolveConfig({ command: "demo", options: DEMO_OPTIONS, schema: demoConfigSchema, argv, env: {}, cwd }).config;
      expect(refusal(() => demo(["--mode", "shamir", "--servers", "3", "--threshold", "2", "--drop-servers", "1", "--malicious-server", "wrong-share-sum"])).shortMessage).to.contain("--malicious-server");
    });

    it("gives the aggregator the tasks it accepts, each with its own cap or --max-bond, and none by default", function () {
      const aggregator = (argv: string[]) =>
        resolveConfig({ command: "aggregator", options: AGGREGATOR_OPTIONS, schema: aggregatorConfigSchema(cwd), argv, env: {}, cwd }).config;
      const ether = 10n ** 18n;
      expect([...aggregator(["--account", "1"]).acceptedTasks]).to.deep.equal([]);
      expect([...aggregator(["--account", "1", "--accept-task", "1:0.5, 3"]).acceptedTasks]).to.deep.equal([
        ["1", ether / 2n],
        ["3", ether],
      ]);
      expect([...aggregator(["--account", "1", "--accept-task", "2", "--max-bond", "0.25"]).acceptedTasks]).to.deep.equal([["2", ether / 4n]]);
      writeConfig({ aggregator: { acceptTask: ["4:2", "5"] } });
      expect([...aggregator(["--account", "1"]).acceptedTasks]).to.deep.equal([
        ["4", 2n * ether],
        ["5", ether],
      ]);
      for (const bad of ["x", "0", "1:abc", "1:2:3", "1,1"]) {
        expect(refusal(() => aggregator(["--account", "1", "--accept-task", bad])).shortMessage).to.match(/^--accept-task /);
      }
    });

    it("gives the aggregator a 600 s floor on the challenge window it locks a bond in (each dispute step has one window), at least 5", function () {
      const aggregator = (argv: string[]) =>
        resolveConfig({ command: "aggregator", options: AGGREGATOR_OPTIONS, schema: aggregatorConfigSchema(cwd), argv, env: {}, cwd }).config;
      expect(aggregator(["--account", "1"]).minChallengeWindow).to.equal(600);
      expect(aggregator(["--account", "1", "--min-challenge-window", "5"]).minChallengeWindow).to.equal(5);
      expect(refusal(() => aggregator(["--account", "1", "--min-challenge-window", "4"])).shortMessage).to.match(/^--min-challenge-window /);
    });
  });

  describe("refusals: one line, the setting, its value, its source, the fix", function () {
    const cases: [string, () => unknown, string, RegExp][] = [
      ["a URL with a wrong scheme from a flag", () => client(["--account", "2", "--rpc", "htp://x"]), '--rpc "htp://x" is not an http(s) URL (scheme htp) (from flag --rpc).', /^use a URL such as http:\/\/127\.0\.0\.1:8545\.$/],
      ["a URL that is no URL from the environment", () => client(["--account", "2"], { RPC_URL: "localhost" }), '--rpc "localhost" is not an http(s) URL (from env RPC_URL).', /full URL/],
      ["a WebSocket endpoint", () => client(["--account", "2", "--rpc", "ws://127.0.0.1:8545"]), '--rpc "ws://127.0.0.1:8545" is not an http(s) URL (scheme ws) (from flag --rpc).', /WebSocket is not supported/],
      ["an integer below its minimum", () => client(["--account", "2", "--epochs", "0"]), '--epochs "0" is not an integer ≥ 1 (from flag --epochs).', /^give an integer ≥ 1/],
      ["a number that is not one", () => client(["--account", "2", "--lr", "fast"]), '--lr "fast" is not a positive number (from flag --lr).', /> 0/],
      ["a choice outside the list", () => client(["--account", "2", "--partition", "random"]), '--partition "random" is not one of iid, dirichlet (from flag --partition).', /^use one of iid, dirichlet\.$/],
      ["an address that is not one", () => client(["--account", "2", "--registry", "0x12", "--coordinator", "0x12"]), '--coordinator "0x12" is not an address (from flag --coordinator).', /20-byte/],
      ["a private key that is not one, without echoing it", () => client([], { PRIVATE_KEY: "0xnotakey" }), "--private-key is not a private key (from env PRIVATE_KEY).", /64 hex digits/],
      ["--registry without --coordinator", () => client(["--account", "2", "--registry", "0x976EA74026E726554dB657fA54763abd0C3a0aa9"]), '--registry "0x976EA74026E726554dB657fA54763abd0C3a0aa9" needs --coordinator too (from flag --registry).', /both/],
      ["no account at all", () => client([]), "No account to send transactions from.", /--account I .* --private-key HEX/],
      ["--account and --private-key from equally strong sources", () => client(["--account", "1", "--private-key", KEY]), "--account and --private-key both pick the account (from flag --account and flag --private-key).", /only one/],
      ["--index outside --clients", () => client(["--account", "2", "--index", "4", "--clients", "4"]), '--index "4" must be below --clients 4 (from flag --index).', /0 to 3/],
      ["--dp without --noise-multiplier", () => client(["--account", "2", "--dp", "local", "--clip", "1"]), '--dp "local" needs --noise-multiplier Z (from flag --dp).', /standard deviation/],
      ["--noise-multiplier without --dp", () => client(["--account", "2"], { FEDMASH_NOISE_MULTIPLIER: "1" }), '--noise-multiplier "1" needs --dp local|distributed (from env FEDMASH_NOISE_MULTIPLIER).', /--dp local or --dp distributed/],
      ["δ outside (0, 1)", () => client(["--account", "2", "--dp", "local", "--noise-multiplier", "1", "--clip", "1", "--delta", "2"]), '--delta "2" is not between 0 and 1 (from flag --delta).', /1e-5/],
      ["an unknown flag, with the nearest one", () => client(["--acount", "2"]), "fedmash client has no flag --acount.", /^did you mean --account\?/],
      ["a flag without its value", () => client(["--account"]), "--account needs a value.", /--account I/],
      ["a value for an on/off flag", () => client(["--account", "2", "--quiet=yes"]), "--quiet is an on/off flag and takes no value.", /alone/],
      ["a stray argument", () => client(["--account", "2", "extra"]), 'fedmash client takes no argument "extra".', /flag/],
    ];
    for (const [what, run, message, fix] of cases) {
      it(`refuses ${what}`, function () {
        const error = refusal(run);
        expect(error).to.be.instanceOf(CliUsageError);
        expect(error.shortMessage).to.equal(message);
        expect(error.details ?? "").to.match(fix);
        expect(`${error.shortMessage} ${error.details}`).to.not.include("\n");
      });
    }

    it("names the config file key a bad value came from", function () {
      writeConfig({ client: { epochs: "many" } });
      expect(refusal(() => client(["--account", "2"])).shortMessage).to.equal('--epochs "many" is not an integer ≥ 1 (from fedmash.json key "client.epochs").');
    });

    it("refuses an unknown key in the file with the nearest one, and a key of another command only in that command's section", function () {
      writeConfig({ rcp: "http://x:1" });
      const typo = refusal(() => client(["--account", "2"]));
      expect(typo.shortMessage).to.equal('fedmash.json key "rcp" is not a fedmash setting.');
      expect(typo.details).to.match(/^did you mean "rpc"\?/);
      writeConfig({ rounds: 5 });
      expect(client(["--account", "2"]).config.training.epochs).to.equal(1);
      writeConfig({ client: { rounds: 5 } });
      expect(refusal(() => client(["--account", "2"])).shortMessage).to.equal('fedmash.json key "client.rounds" is not a setting of fedmash client.');
    });

    it("refuses a file that is missing, not JSON, or holds a value of the wrong type", function () {
      const missing = refusal(() => client(["--account", "2", "--config", "nope.json"]));
      expect(missing).to.be.instanceOf(ConfigFileError);
      expect(missing.shortMessage).to.equal("config file nope.json does not exist.");
      writeFileSync(join(cwd, "fedmash.json"), "{ rpc: 1 }");
      const broken = refusal(() => client(["--account", "2"]));
      expect(broken).to.be.instanceOf(ConfigFileError);
      expect(broken.shortMessage).to.match(/^config file fedmash\.json is not valid JSON \(.+\)\.$/);
      writeConfig({ rpc: { url: "x" } });
      expect(refusal(() => client(["--account", "2"])).shortMessage).to.equal('fedmash.json key "rpc" is object.');
    });

    it("refuses status --serve with --json", function () {
      const error = refusal(() => resolveConfig({ command: "status", options: STATUS_OPTIONS, schema: statusConfigSchema, argv: ["--serve", "--json"], env: {}, cwd }));
      expect(error.shortMessage).to.equal("--serve shows every task and round live, so it takes no --json, --round or --task (from flag --serve).");
    });
  });
});
