// What the CLI knows about one setting: the zod field that parses it (and holds its default), the environment
// variable and config-file key that may give it instead of the flag, and the help line. Every command's flags,
// its help text and the precedence rules are derived from these records, so a setting is described once.
import type { z } from "zod";

/** What a source hands over before parsing: flags and env give text, a config file may give booleans too. */
export type RawValue = string | boolean | undefined;

export interface OptionSpec {
  /** Default "string"; a boolean flag takes no value on the command line. */
  type?: "string" | "boolean";
  /** The flag may be given more than once; its values are joined with commas (a list field splits them again). */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. "URL". */
  value?: string;
  /** Shown in help when the field has no fixed default (it depends on other settings). */
  defaultText?: string;
  /** The environment variable; default FEDMASH_<FLAG> (e.g. FEDMASH_GROUP_SIZE). */
  env?: string;
  description: string;
}

/** One setting of a command: its help data and the field that parses (and defaults) it. */
export interface CliOption<T> extends OptionSpec {
  field: z.ZodType<T, RawValue>;
}

/** A command's settings keyed by flag name without dashes ("rpc" for --rpc). */
export type OptionTable = Record<string, CliOption<unknown>>;

export function option<T>(definition: CliOption<T>): CliOption<T> {
  return definition;
}

/** Where a setting's value came from, in precedence order (flag first). */
export type ConfigSourceKind = "flag" | "env" | "file" | "default";

export interface ConfigSource {
  kind: ConfigSourceKind;
  /** "--rpc", "RPC_URL", `fedmash.json key "rpc"` or "default". */
  name: string;
}

export const SOURCE_RANK: Readonly<Record<ConfigSourceKind, number>> = { flag: 3, env: 2, file: 1, default: 0 };

export function envVarOf(flag: string, spec: OptionSpec): string {
  return spec.env ?? `FEDMASH_${flag.toUpperCase().replace(/-/g, "_")}`;
}

/** The config-file key of a flag: camelCase, e.g. "private-key" → "privateKey". */
export function fileKeyOf(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** "flag --rpc", "env RPC_URL", `fedmash.json key "rpc"`, "the default". */
export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case "flag":
      return `flag ${source.name}`;
    case "env":
      return `env ${source.name}`;
    case "file":
      return source.name;
    case "default":
      return "the default";
  }
}
