// Reads the JSON config file: top-level settings shared by every command that has them, and optional sections
// named after a command ({"client": {"epochs": 2}}) that override them for that command. Values are kept as
// given; resolveConfig turns them into the same text a flag would carry.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigFileError } from "./errors";

export interface LoadConfigFileParameters {
  /** The path as the user gave it (shown in messages), resolved against `cwd`. */
  path: string;
  cwd: string;
}

export interface ConfigFile {
  /** As given, for messages. */
  path: string;
  settings: Record<string, unknown>;
}

/** The file the CLI reads when --config is not given: ./fedmash.json, if it exists. */
export const DEFAULT_CONFIG_FILE = "fedmash.json";

export function loadConfigFile(parameters: LoadConfigFileParameters): ConfigFile {
  const absolute = resolve(parameters.cwd, parameters.path);
  if (!existsSync(absolute)) {
    throw new ConfigFileError(parameters.path, `config file ${parameters.path} does not exist.`, `create it, fix the path, or leave out --config (and FEDMASH_CONFIG).`);
  }
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    throw new ConfigFileError(parameters.path, `config file ${parameters.path} cannot be read.`, "check that it is a readable file.", error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigFileError(parameters.path, `config file ${parameters.path} is not valid JSON (${reason}).`, 'write one JSON object, e.g. {"rpc": "http://127.0.0.1:8545", "client": {"epochs": 2}}.', error);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigFileError(parameters.path, `config file ${parameters.path} is not a JSON object.`, 'write one JSON object of settings, e.g. {"rpc": "http://127.0.0.1:8545"}.');
  }
  return { path: parameters.path, settings: parsed as Record<string, unknown> };
}
