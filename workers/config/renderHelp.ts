// The help text of the CLI, generated from the commands' option tables: every flag with its value, meaning,
// environment variable and default, so help never drifts from what the parser accepts.
import { envVarOf, type CliOption, type OptionTable } from "./optionSpec";

export interface HelpCommand {
  name: string;
  summary: string;
  notes?: readonly string[];
  options: OptionTable;
}

export interface RenderHelpParameters {
  commands: readonly HelpCommand[];
  /** Printed once in their own sections instead of under every command. */
  shared: readonly { title: string; options: OptionTable }[];
}

const PRECEDENCE =
  "Every flag can also come from its environment variable or from the config file (--config FILE, or ./fedmash.json; keys are the flags in camelCase, top level for every command or in a section named after the command). A flag wins over the environment, the environment over the file, the file over the default.";

function formatWei(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const fraction = (wei % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** The default shown in help: the spec's text, else what the field gives for no input. */
export function defaultText(option: CliOption<unknown>): string {
  if (option.defaultText !== undefined) return option.defaultText;
  const parsed = option.field.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return "none";
  const value = parsed.data;
  if (typeof value === "bigint") return `${formatWei(value)} ETH`;
  if (typeof value === "boolean") return value ? "on" : "off";
  if (Array.isArray(value)) return value.length ? value.join(",") : "none";
  return String(value);
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function flagLines(options: OptionTable, skip: ReadonlySet<CliOption<unknown>> = new Set()): string[] {
  const lines: string[] = [];
  for (const [flag, option] of Object.entries(options)) {
    if (skip.has(option)) continue;
    const head = `  --${flag}${option.type === "boolean" ? "" : ` ${option.value ?? "VALUE"}`}`;
    lines.push(head.length < 34 ? `${head.padEnd(34)}${option.description}` : `${head}\n${" ".repeat(34)}${option.description}`);
    lines.push(`${" ".repeat(34)}env ${envVarOf(flag, option)} · default ${defaultText(option)}`);
  }
  return lines;
}

export function renderCommandHelp(command: HelpCommand): string {
  return [
    `fedmash ${command.name} — ${command.summary}`,
    "",
    `Usage: fedmash ${command.name} [flags]`,
    "",
    ...(command.notes ?? []).flatMap((note) => [...wrap(note, 110, ""), ""]),
    "Flags",
    ...flagLines(command.options),
    "",
    ...wrap(PRECEDENCE, 110, ""),
    "",
  ].join("\n");
}

export function renderHelp(parameters: RenderHelpParameters): string {
  const shared = new Set(parameters.shared.flatMap((section) => Object.values(section.options)));
  const width = Math.max(...parameters.commands.map((c) => c.name.length)) + 2;
  return [
    "fedmash — privacy-preserving federated learning as a dApp",
    "",
    "Usage: fedmash <command> [flags]      fedmash <command> --help      fedmash --help",
    "",
    "Commands",
    ...parameters.commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    ...wrap(PRECEDENCE, 110, ""),
    "",
    ...parameters.commands.flatMap((c) => {
      const own = flagLines(c.options, shared);
      return own.length ? [`fedmash ${c.name}`, ...own, ""] : [];
    }),
    ...parameters.shared.flatMap((section) => [section.title, ...flagLines(section.options), ""]),
  ].join("\n");
}
