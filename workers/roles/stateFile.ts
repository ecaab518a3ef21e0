// Persisted worker state: a JSON file written atomically (temp file + rename), so a worker killed mid-write
// restarts from the previous complete state and never from a torn file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { BaseError } from "../errors";

export class StateFileCorruptError extends BaseError {
  override name = "StateFileCorruptError" as const;
  constructor(path: string, cause: unknown) {
    super(`The worker state file ${path} is not valid JSON.`, {
      details: "Delete it to start this worker from scratch (it will replay the chain from its start block).",
      cause,
    });
  }
}

export function readStateFile<T>(path: string, fallback: T): T {
  if (!existsSync(path)) return fallback;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    throw new StateFileCorruptError(path, error);
  }
}

export function writeStateFile(path: string, state: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2));
  renameSync(temporary, path);
}
