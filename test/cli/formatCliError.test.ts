// How the CLI reports any failure: one line `fedmash: Name: message. Cause: ... Fix: ...`, newlines folded, a
// socket error code said in words, a non-fedmash error marked as unexpected; the stack only in debug mode; exit
// code 2 for refused settings and 1 for failures while running.
import { expect } from "chai";
import { ChainUnreachableError, DeploymentNotFoundError } from "../../workers/chain/errors";
import { exitCodeOf, formatCliError } from "../../workers/commands/formatCliError";
import { CliUsageError, ConfigFileError } from "../../workers/config/errors";
import { BaseError } from "../../workers/errors";

describe("formatCliError", function () {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

  it("gives a named error's message, the cause's code in words and the fix on one line", function () {
    expect(formatCliError(new ChainUnreachableError("http://127.0.0.1:1", refused))).to.equal(
      "fedmash: ChainUnreachableError: No Ethereum JSON-RPC node answers at http://127.0.0.1:1. Cause: Connection refused (ECONNREFUSED). Fix: Start one with `npx hardhat node`, or set RPC_URL / --rpc to a reachable node.\n",
    );
  });

  it("folds newlines and ends sentences", function () {
    const error = new BaseError("two\nlines", { details: "do\nthis" });
    expect(formatCliError(error)).to.equal("fedmash: BaseError: two lines. Fix: Do this.\n");
  });

  it("gives a refused setting without a cause, and a deployment error with its fix", function () {
    expect(formatCliError(new CliUsageError("--x is bad.", { details: "give a good one.", cause: refused }))).to.equal("fedmash: CliUsageError: --x is bad. Fix: Give a good one.\n");
    expect(formatCliError(new DeploymentNotFoundError("ignition/deployments/x", "deploy it."))).to.equal("fedmash: DeploymentNotFoundError: No fedmash deployment found at ignition/deployments/x. Fix: Deploy it.\n");
  });

  it("marks an error that is not a fedmash one as unexpected and points to --debug", function () {
    expect(formatCliError(new TypeError("x is undefined"))).to.equal(
      "fedmash: TypeError: x is undefined. This is a fedmash bug or an unexpected environment: run again with --debug for the stack.\n",
    );
  });

  it("adds the stack and the causes' stacks only in debug mode", function () {
    const error = new ChainUnreachableError("http://127.0.0.1:1", refused);
    expect(formatCliError(error).split("\n")).to.have.length(2);
    const debug = formatCliError(error, { debug: true });
    expect(debug.split("\n")[0]).to.equal(formatCliError(error).trimEnd());
    expect(debug).to.match(/\nChainUnreachableError: No Ethereum[\s\S]*\n\s+at [\s\S]*\nCaused by: Error: connect ECONNREFUSED[\s\S]*\n\s+at /);
  });

  it("exits 2 for a refused setting or config file and 1 otherwise", function () {
    expect(exitCodeOf(new CliUsageError("x"))).to.equal(2);
    expect(exitCodeOf(new ConfigFileError("f", "x", "y"))).to.equal(2);
    expect(exitCodeOf(new ChainUnreachableError("u", refused))).to.equal(1);
    expect(exitCodeOf(new Error("x"))).to.equal(1);
  });
});
