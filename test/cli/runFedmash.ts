// Runs `fedmash` as a child process the way a user does (bin/fedmash.js), with the environment and working folder
// a test gives, and collects its exit code and output. A run that outlives its deadline is killed and says so.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
const BIN = resolve(PROJECT_ROOT, "bin", "fedmash.js");

export interface FedmashRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunFedmashOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** The environment a test starts from: none of the developer's fedmash settings leak in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("FEDMASH_") || ["RPC_URL", "PRIVATE_KEY", "IPFS_API_URL"].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, FEDMASH_CONFIG: "none", ...extra };
}

export function startFedmash(args: string[], options: RunFedmashOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
}

export function runFedmash(args: string[], options: RunFedmashOptions = {}): Promise<FedmashRun> {
  const child = startFedmash(args, options);
  return new Promise((done) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}
