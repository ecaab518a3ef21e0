// The `fedmash` command line: finds the command, prints help, and turns any failure into one line on stderr
// (`fedmash: <ErrorName>: <what>. Cause: <why>. Fix: <what to do>.`), with the stack only under --debug or
// FEDMASH_DEBUG=1. Settings come from flags, then environment variables, then the config file, then defaults
// (workers/config); each command's runner is in workers/commands.
import { resolve } from "node:path";
import { CliUsageError } from "./config/errors";
import { closestName } from "./config/closestName";
import { fileKeyOf } from "./config/optionSpec";
import { renderCommandHelp, renderHelp } from "./config/renderHelp";
import { GLOBAL_OPTIONS, WORKER_OPTIONS } from "./config/sharedOptions";
import { aggregatorCommand } from "./commands/aggregatorCommand";
import type { CliCommand, CliContext } from "./commands/cliCommand";
import { clientCommand } from "./commands/clientCommand";
import { demoCommand } from "./commands/demoCommand";
import { exitCodeOf, formatCliError } from "./commands/formatCliError";
import { ownerCommand } from "./commands/ownerCommand";
import { selftestCommand } from "./commands/selftestCommand";
import { serverCommand } from "./commands/serverCommand";
import { statusCommand } from "./commands/statusCommand";
import { storeServeCommand } from "./commands/storeServeCommand";
import { watchCommand } from "./commands/watchCommand";

export const COMMANDS: readonly CliCommand[] = [demoCommand, clientCommand, aggregatorCommand, serverCommand, watchCommand, ownerCommand, statusCommand, selftestCommand, storeServeCommand];

const PROJECT_ROOT = resolve(__dirname, "..");
const HELP_FLAGS = new Set(["--help", "-h"]);

function helpText(): string {
  return renderHelp({
    commands: COMMANDS,
    shared: [
      { title: "Worker flags (client, aggregator, server, owner; status takes --rpc, --coordinator, --registry, --deployment-id)", options: WORKER_OPTIONS },
      { title: "Global flags (every command)", options: GLOBAL_OPTIONS },
    ],
  });
}

function defaultContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    projectRoot: PROJECT_ROOT,
    vocabulary: {
      keys: new Set(COMMANDS.flatMap((command) => Object.keys(command.options).map(fileKeyOf))),
      commands: new Set(COMMANDS.map((command) => command.name)),
    },
  };
}

export async function main(argv: readonly string[], context: CliContext = defaultContext()): Promise<void> {
  // --debug may stand anywhere, and must work even when the settings themselves are what fails.
  const debug = argv.includes("--debug") || /^(1|true|yes|on)$/i.test(context.env.FEDMASH_DEBUG ?? "");
  const [name, ...rest] = argv;
  try {
    if (name === undefined || HELP_FLAGS.has(name) || (name === "help" && rest.length === 0)) {
      context.stdout.write(helpText());
      return;
    }
    const topic = name === "help" ? rest[0] : name;
    const command = COMMANDS.find((c) => c.name === topic);
    if (command === undefined) {
      const near = topic === undefined ? undefined : closestName(topic, COMMANDS.map((c) => c.name));
      throw new CliUsageError(`"${topic}" is not a fedmash command.`, { details: `${near ? `did you mean "${near}"? Or ` : ""}run \`fedmash --help\` for the commands.` });
    }
    if (name === "help" || rest.some((arg) => HELP_FLAGS.has(arg))) {
      context.stdout.write(renderCommandHelp(command));
      return;
    }
    await command.run(rest, context);
  } catch (error) {
    context.stderr.write(formatCliError(error, { debug }));
    process.exitCode = exitCodeOf(error);
  }
}
