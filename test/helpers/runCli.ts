// Runs the `fedmash` command line as a child process, as a user would, and collects what it prints.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { cliCommand } from "../../workers/roles/spawnWorker";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[]): Promise<CliResult> {
  const { command, args: prefix } = cliCommand(PROJECT_ROOT);
  return new Promise((done) => {
    const child = spawn(command, [...prefix, ...args], { cwd: PROJECT_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}
