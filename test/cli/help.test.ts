// `fedmash --help` and `fedmash <command> --help` as a user reads them: every flag of every command with its
// environment variable and its default, generated from the same tables the parser uses; an unknown command is one
// line with the nearest name.
import { expect } from "chai";
import { COMMANDS } from "../../workers/cli";
import { defaultText, renderCommandHelp } from "../../workers/config/renderHelp";
import { envVarOf } from "../../workers/config/optionSpec";
import { DEFAULT_STORE_DIR as CONFIG_STORE_DIR } from "../../workers/config/sharedOptions";
import { DEFAULT_STORE_DIR } from "../../workers/storage/createStore";
import { runFedmash, type FedmashRun } from "./runFedmash";

describe("fedmash help", function () {
  this.timeout(60_000);
  let top: FedmashRun;
  let client: FedmashRun;
  let unknown: FedmashRun;

  before(async function () {
    [top, client, unknown] = await Promise.all([runFedmash(["--help"]), runFedmash(["client", "--help"]), runFedmash(["clinet", "--account", "2"])]);
  });

  it("lists every command and every flag of every command with its env var and default", function () {
    expect(top.code, top.stderr).to.equal(0);
    for (const command of COMMANDS) {
      expect(top.stdout).to.match(new RegExp(`^  ${command.name} +\\S`, "m"));
      for (const [flag, option] of Object.entries(command.options)) {
        expect(top.stdout, `${command.name} --${flag}`).to.match(new RegExp(`^  --${flag}\\b`, "m"));
        expect(top.stdout, `${command.name} --${flag}`).to.contain(`env ${envVarOf(flag, option)} · default ${defaultText(option)}`);
      }
    }
    expect(top.stdout).to.contain("env RPC_URL · default http://127.0.0.1:8545");
    expect(top.stdout).to.contain("env PRIVATE_KEY · default none");
    expect(top.stdout).to.contain("env IPFS_API_URL · default unset: the embedded store");
    expect(top.stdout).to.contain(`env FEDMASH_STORE_DIR · default ${DEFAULT_STORE_DIR}`);
  });

  it("prints one command's flags, each followed by its env var and default", function () {
    expect(client.code, client.stderr).to.equal(0);
    expect(client.stdout).to.equal(renderCommandHelp(COMMANDS.find((c) => c.name === "client")!));
    expect(client.stdout).to.match(/^fedmash client — /);
    expect(client.stdout).to.match(/^  --epochs E +Local epochs per round\n +env FEDMASH_EPOCHS · default 1$/m);
    expect(client.stdout).to.match(/^  --ipfs-api URL +Kubo RPC API to use instead of the embedded store\n +env IPFS_API_URL · default unset: the embedded store$/m);
  });

  it("keeps the config's store folder default equal to createStore's", function () {
    expect(CONFIG_STORE_DIR).to.equal(DEFAULT_STORE_DIR);
  });

  it("names an unknown command in one line with the nearest one", function () {
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.equal('fedmash: CliUsageError: "clinet" is not a fedmash command. Fix: Did you mean "client"? Or run `fedmash --help` for the commands.\n');
  });
});
