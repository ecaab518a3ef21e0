// Turns a command's argv, the environment and the config file into its typed settings. Precedence: a flag beats
// its environment variable (FEDMASH_<FLAG>, or RPC_URL, PRIVATE_KEY, IPFS_API_URL, FEDMASH_STORE_DIR), which beats
// the config file (--config FILE, FEDMASH_CONFIG, or ./fedmash.json if present; "none" reads no file), which beats
// the default. One command's zod schema parses the merged values; the first problem becomes one CliUsageError
// line naming the setting, its value, where the value came from and how to fix it.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { closestName } from "./closestName";
import { CliUsageError } from "./errors";
import { DEFAULT_CONFIG_FILE, loadConfigFile, type ConfigFile } from "./loadConfigFile";
import { describeSource, envVarOf, fileKeyOf, SOURCE_RANK, type ConfigSource, type OptionTable, type RawValue } from "./optionSpec";

export type RawConfig = Record<string, RawValue>;

export interface ConfigVocabulary {
  /** Every config-file key some command knows (a key of another command is not a typo). */
  keys: ReadonlySet<string>;
  /** Command names, which may head a section of the file. */
  commands: ReadonlySet<string>;
}

export interface ResolveConfigParameters<T> {
  /** e.g. "client"; names the file section and appears in messages. */
  command: string;
  /** The command's settings, the global ones (config, debug, quiet) included. */
  options: OptionTable;
  schema: z.ZodType<T, RawConfig>;
  argv: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Where ./fedmash.json and a relative --config are looked up. */
  cwd?: string;
  /**
   * Pairs of settings that pick the same thing (--account and --private-key): when both are given, the one from
   * the stronger source wins (a flag over an environment variable) and the other is dropped; from equally strong
   * sources they are refused.
   */
  exclusive?: readonly (readonly [string, string])[];
  /** Flags that may stand alone and then mean this value (--malicious-aggregator means consistent). */
  implicitValues?: Readonly<Record<string, string>>;
  vocabulary?: ConfigVocabulary;
}

export interface ResolveConfigReturnType<T> {
  config: T;
  /** Where each given setting came from; settings left at their default are absent. */
  sources: Record<string, ConfigSource>;
  /** The config file read, if any. */
  configFile?: string;
}

/** The source of a setting, or the default. */
export function sourceOf(sources: Record<string, ConfigSource>, flag: string): ConfigSource {
  return sources[flag] ?? { kind: "default", name: "default" };
}

function withImplicitValues(argv: readonly string[], implicit: Readonly<Record<string, string>>): string[] {
  return argv.flatMap((arg, i) => {
    const flag = arg.startsWith("--") ? arg.slice(2) : undefined;
    const value = flag === undefined ? undefined : implicit[flag];
    if (value === undefined) return [arg];
    const next = argv[i + 1];
    return next === undefined || next.startsWith("--") ? [arg, value] : [arg];
  });
}

function parseFlags(command: string, options: OptionTable, argv: readonly string[], implicit: Readonly<Record<string, string>>): Record<string, string | boolean> {
  const parseOptions = Object.fromEntries(Object.entries(options).map(([flag, spec]) => [flag, { type: spec.type ?? "string", multiple: spec.multiple === true }])) as Record<
    string,
    { type: "string" | "boolean"; multiple: boolean }
  >;
  try {
    const { values } = parseArgs({ args: withImplicitValues(argv, implicit), options: parseOptions, strict: true, allowPositionals: false });
    // A repeated flag (OptionSpec.multiple) arrives as a list: joined, it reads like its comma-separated form.
    const joined = Object.entries(values).map(([flag, value]): [string, unknown] => [flag, Array.isArray(value) ? value.join(",") : value]);
    return Object.fromEntries(joined.filter((entry): entry is [string, string | boolean] => typeof entry[1] === "string" || typeof entry[1] === "boolean"));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const help = `run \`fedmash ${command} --help\` for its flags.`;
    const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
    if (unknown !== undefined) {
      const near = closestName(unknown.replace(/^-+/, ""), Object.keys(options));
      throw new CliUsageError(`fedmash ${command} has no flag ${unknown}.`, { details: near ? `did you mean --${near}? Or ${help}` : help });
    }
    const option = /^Option '(--[a-z0-9-]+)/.exec(message)?.[1];
    if (option !== undefined && /does not take an argument/.test(message)) throw new CliUsageError(`${option} is an on/off flag and takes no value.`, { details: `write ${option} alone to turn it on.` });
    if (option !== undefined) {
      const spec = options[option.slice(2)];
      throw new CliUsageError(`${option} needs a value.`, { details: `write ${option} ${spec?.value ?? "VALUE"}; ${help}` });
    }
    const positional = /^Unexpected argument '([^']*)'/.exec(message)?.[1];
    if (positional !== undefined) throw new CliUsageError(`fedmash ${command} takes no argument "${positional}".`, { details: `every setting is a flag; ${help}` });
    throw new CliUsageError(message, { details: help, cause: error });
  }
}

function fileValue(file: ConfigFile, key: string, value: unknown): RawValue {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.join(",");
  throw new CliUsageError(`${file.path} key "${key}" is ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}.`, {
    details: "give a string, a number, true/false, or (for a list) an array of strings.",
  });
}

/** The file's settings for this command: the top level, then the command's own section over it. */
function fileSettings(file: ConfigFile, command: string, options: OptionTable, vocabulary: ConfigVocabulary | undefined): Map<string, { value: RawValue; key: string }> {
  const byKey = new Map(Object.keys(options).map((flag) => [fileKeyOf(flag), flag]));
  const settings = new Map<string, { value: RawValue; key: string }>();
  const knownKeys = vocabulary?.keys ?? new Set(byKey.keys());
  const commands = vocabulary?.commands ?? new Set([command]);
  for (const [key, value] of Object.entries(file.settings)) {
    if (commands.has(key)) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new CliUsageError(`${file.path} key "${key}" is not an object.`, { details: `"${key}" holds the settings of fedmash ${key} only, e.g. {"${key}": {"rpc": "http://127.0.0.1:8545"}}.` });
      }
      continue;
    }
    if (!knownKeys.has(key)) {
      const near = closestName(key, knownKeys);
      throw new CliUsageError(`${file.path} key "${key}" is not a fedmash setting.`, { details: near ? `did you mean "${near}"? Keys are the flags in camelCase.` : "keys are the flags in camelCase (e.g. privateKey for --private-key); run `fedmash --help`." });
    }
    const flag = byKey.get(key);
    if (flag !== undefined) settings.set(flag, { value: fileValue(file, key, value), key });
  }
  const section = file.settings[command];
  if (typeof section === "object" && section !== null && !Array.isArray(section)) {
    for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
      const flag = byKey.get(key);
      if (flag === undefined) {
        const near = closestName(key, byKey.keys());
        throw new CliUsageError(`${file.path} key "${command}.${key}" is not a setting of fedmash ${command}.`, { details: near ? `did you mean "${near}"?` : `run \`fedmash ${command} --help\` for its flags (keys are the flags in camelCase).` });
      }
      settings.set(flag, { value: fileValue(file, `${command}.${key}`, value), key: `${command}.${key}` });
    }
  }
  return settings;
}

function issueText(flag: string | undefined, options: OptionTable, raw: RawConfig, sources: Record<string, ConfigSource>, message: string): string {
  if (flag === undefined || options[flag] === undefined) return message;
  const source = sourceOf(sources, flag);
  const value = raw[flag];
  // A key is never echoed back: it would land in terminals and CI logs.
  const shown = value === undefined || flag === "private-key" || options[flag]?.type === "boolean" ? "" : ` "${String(value)}"`;
  return `--${flag}${shown} ${message} (from ${describeSource(source)}).`;
}

export function resolveConfig<T>(parameters: ResolveConfigParameters<T>): ResolveConfigReturnType<T> {
  const { command, options } = parameters;
  const env = parameters.env ?? process.env;
  const cwd = parameters.cwd ?? process.cwd();
  const flags = parseFlags(command, options, parameters.argv, parameters.implicitValues ?? {});

  const configPath = typeof flags.config === "string" ? flags.config : env.FEDMASH_CONFIG || undefined;
  let file: ConfigFile | undefined;
  if (configPath !== "none") {
    if (configPath !== undefined) file = loadConfigFile({ path: configPath, cwd });
    else if (existsSync(resolve(cwd, DEFAULT_CONFIG_FILE))) file = loadConfigFile({ path: DEFAULT_CONFIG_FILE, cwd });
  }
  const fromFile = file ? fileSettings(file, command, options, parameters.vocabulary) : new Map<string, { value: RawValue; key: string }>();

  const raw: RawConfig = {};
  const sources: Record<string, ConfigSource> = {};
  for (const [flag, spec] of Object.entries(options)) {
    const envName = envVarOf(flag, spec);
    const envValue = env[envName];
    const fileEntry = fromFile.get(flag);
    if (flags[flag] !== undefined) {
      raw[flag] = flags[flag];
      sources[flag] = { kind: "flag", name: `--${flag}` };
    } else if (envValue !== undefined && envValue !== "") {
      raw[flag] = envValue;
      sources[flag] = { kind: "env", name: envName };
    } else if (fileEntry !== undefined && file !== undefined) {
      raw[flag] = fileEntry.value;
      sources[flag] = { kind: "file", name: `${file.path} key "${fileEntry.key}"` };
    }
  }

  for (const [a, b] of parameters.exclusive ?? []) {
    const sourceA = sources[a];
    const sourceB = sources[b];
    if (sourceA === undefined || sourceB === undefined) continue;
    const difference = SOURCE_RANK[sourceA.kind] - SOURCE_RANK[sourceB.kind];
    if (difference === 0) {
      throw new CliUsageError(`--${a} and --${b} both pick the account (from ${describeSource(sourceA)} and ${describeSource(sourceB)}).`, { details: `give only one of them.` });
    }
    const dropped = difference > 0 ? b : a;
    delete raw[dropped];
    delete sources[dropped];
  }

  const result = parameters.schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const flag = typeof issue?.path[0] === "string" ? issue.path[0] : undefined;
    const params = issue?.code === "custom" ? (issue.params as { fix?: string } | undefined) : undefined;
    throw new CliUsageError(issueText(flag, options, raw, sources, issue?.message ?? "is not valid"), {
      details: params?.fix ?? `run \`fedmash ${command} --help\`.`,
    });
  }
  return { config: result.data, sources, configFile: file?.path };
}
