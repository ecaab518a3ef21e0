// Starts a real Hardhat JSON-RPC node as a child process (what `npx hardhat node` runs) and waits until it
// answers, so the demo and the integration tests need no node started by hand.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { BaseError } from "../errors";
import { sleep } from "../retry";

export class HardhatNodeStartError extends BaseError {
  override name = "HardhatNodeStartError" as const;
}

export interface StartHardhatNodeParameters {
  /** 0 picks a free port. */
  port?: number;
  projectRoot: string;
  timeoutMs?: number;
  /** Receives the node's own output (it is chatty; the demo writes it to a log file). */
  onOutput?: (chunk: string) => void;
}

export interface HardhatNodeHandle {
  rpcUrl: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startHardhatNode(parameters: StartHardhatNodeParameters): Promise<HardhatNodeHandle> {
  const port = parameters.port || (await findFreePort());
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [require.resolve("hardhat/internal/cli/cli"), "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: parameters.projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
  });
  let output = "";
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    if (output.length < 20_000) output += text;
    parameters.onOutput?.(text);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });

  const stop = async (): Promise<void> => {
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await Promise.race([gone, sleep(5_000).then(() => child.kill("SIGKILL"))]);
  };

  const deadline = Date.now() + (parameters.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited) throw new HardhatNodeStartError("The Hardhat node exited during start-up.", { details: output.slice(-2_000) });
    if (await rpcAnswers(rpcUrl)) return { rpcUrl, port, process: child, stop };
    await sleep(200);
  }
  await stop();
  throw new HardhatNodeStartError(`The Hardhat node did not answer on ${rpcUrl} in time.`, { details: output.slice(-2_000) });
}
