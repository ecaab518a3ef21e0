// Starts one worker as its own OS process running the fedmash CLI, the same command a user types, so the demo
// exercises exactly the multi-process deployment.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { sleep } from "../retry";

export interface SpawnWorkerParameters {
  projectRoot: string;
  /** CLI arguments after `fedmash`, e.g. ["client", "--index", "0", ...]. */
  args: string[];
  /** The child's stdout and stderr go here. */
  outputFile: string;
  env?: NodeJS.ProcessEnv;
}

export interface WorkerProcess {
  process: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function cliCommand(projectRoot: string): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(projectRoot, "bin", "fedmash.js")] };
}

export function spawnWorker(parameters: SpawnWorkerParameters): WorkerProcess {
  mkdirSync(dirname(parameters.outputFile), { recursive: true });
  const output = createWriteStream(parameters.outputFile, { flags: "a" });
  const { command, args } = cliCommand(parameters.projectRoot);
  const child = spawn(command, [...args, ...parameters.args], {
    cwd: parameters.projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...parameters.env },
  });
  child.stdout?.pipe(output);
  child.stderr?.pipe(output);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    process: child,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000).then(() => child.kill("SIGKILL"))]);
    },
  };
}
