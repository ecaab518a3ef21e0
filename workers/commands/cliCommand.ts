// The shape of one `fedmash` command: its name and help, its settings, and how it runs. cli.ts dispatches to
// these; each command resolves its own settings (flags > env > config file > defaults) first.
import type { ConfigVocabulary } from "../config/resolveConfig";
import type { OptionTable } from "../config/optionSpec";
import type { ProgressStream } from "../progress/createProgress";

export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** The fedmash checkout (where bin/, ignition/ and the Hardhat config are). */
  projectRoot: string;
  /** Every command's config-file keys, so a key of another command is not taken for a typo. */
  vocabulary: ConfigVocabulary;
}

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Paragraphs for `fedmash <command> --help`. */
  notes?: readonly string[];
  options: OptionTable;
  run(argv: readonly string[], context: CliContext): Promise<void>;
}
