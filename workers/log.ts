// Structured logging for worker processes: one JSON object per line to a file (machine-readable, per worker),
// and a short human line to stderr. No dependency, so every process can afford it at start-up.
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface CreateLoggerParameters {
  /** Worker name shown on every line, e.g. "client-3". */
  name: string;
  /** JSON-lines file; omitted → no file. */
  file?: string;
  /** Minimum level printed to stderr (the file gets everything from debug up). */
  level?: LogLevel;
  /** When false nothing is written to stderr (the demo keeps the terminal for its own progress). */
  console?: boolean;
  fields?: LogFields;
}

function serialize(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...(value.cause ? { cause: serialize(value.cause) } : {}) };
  }
  return value;
}

function jsonLine(record: LogFields): string {
  return JSON.stringify(record, (_key, value: unknown) => serialize(value));
}

export function createLogger(parameters: CreateLoggerParameters): Logger {
  const minConsole = LEVEL_RANK[parameters.level ?? (process.env.FEDMASH_LOG_LEVEL as LogLevel | undefined) ?? "info"] ?? 20;
  const toConsole = parameters.console ?? true;
  if (parameters.file) mkdirSync(dirname(parameters.file), { recursive: true });

  const make = (bound: LogFields): Logger => {
    const write = (level: LogLevel, message: string, fields: LogFields = {}): void => {
      const record = { time: new Date().toISOString(), level, worker: parameters.name, msg: message, ...bound, ...fields };
      if (parameters.file) appendFileSync(parameters.file, jsonLine(record) + "\n");
      if (toConsole && LEVEL_RANK[level] >= minConsole) {
        const extras = Object.entries({ ...bound, ...fields })
          .map(([key, value]) => `${key}=${typeof value === "string" ? value : jsonLine({ v: value }).slice(5, -1)}`)
          .join(" ");
        process.stderr.write(`[${parameters.name}] ${level === "info" ? "" : level.toUpperCase() + " "}${message}${extras ? " " + extras : ""}\n`);
      }
    };
    return {
      debug: (m, f) => write("debug", m, f),
      info: (m, f) => write("info", m, f),
      warn: (m, f) => write("warn", m, f),
      error: (m, f) => write("error", m, f),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make(parameters.fields ?? {});
}
