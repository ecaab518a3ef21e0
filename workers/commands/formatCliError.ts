// How the CLI reports a failure: one line on stderr, `fedmash: <ErrorName>: <what is wrong>. Cause: <why>.
// Fix: <what to do>.`, so it reads in a terminal, greps in a log and never scrolls a stack past the user. The
// stack comes only with --debug (or FEDMASH_DEBUG=1).
import { BaseError } from "../errors";
import { CliUsageError, ConfigFileError } from "../config/errors";
import { describeCause } from "./describeCause";

export interface FormatCliErrorParameters {
  debug?: boolean;
}

function flat(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function sentence(text: string): string {
  const flattened = flat(text);
  const capital = flattened.charAt(0).toUpperCase() + flattened.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The error's own message keeps its first letter: it may start with a flag or an identifier. */
function flatSentence(text: string): string {
  const flattened = flat(text);
  return /[.!?]$/.test(flattened) ? flattened : `${flattened}.`;
}

/** The text to write to stderr: one line, plus the stack (and causes) with `debug`. */
export function formatCliError(error: unknown, parameters: FormatCliErrorParameters = {}): string {
  let line: string;
  if (error instanceof BaseError) {
    const usage = error instanceof CliUsageError || error instanceof ConfigFileError;
    const cause = usage ? undefined : describeCause(error);
    line = `fedmash: ${error.name}: ${flatSentence(error.shortMessage)}${cause ? ` Cause: ${sentence(cause)}` : ""}${error.details ? ` Fix: ${sentence(error.details)}` : ""}`;
  } else if (error instanceof Error) {
    line = `fedmash: ${error.name}: ${flatSentence(error.message || "unknown error")} This is a fedmash bug or an unexpected environment: run again with --debug for the stack.`;
  } else {
    line = `fedmash: ${flatSentence(String(error))}`;
  }
  if (!parameters.debug) return `${line}\n`;
  const stacks: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    stacks.push(depth === 0 ? current.stack ?? String(current) : `Caused by: ${current.stack ?? String(current)}`);
  }
  return `${line}\n${stacks.join("\n")}\n`;
}

/** Exit code: 2 for settings the CLI refused before starting, 1 for failures while running. */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliUsageError || error instanceof ConfigFileError ? 2 : 1;
}
