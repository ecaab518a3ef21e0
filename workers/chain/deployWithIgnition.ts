// Deploys the contracts exactly as a user does, `npx hardhat ignition deploy ignition/modules/Fedmash.ts`,
// against a running node, then reads the addresses Ignition recorded.
import { spawn } from "node:child_process";
import { BaseError } from "../errors";
import { loadDeployment, type FedmashAddresses } from "./loadDeployment";

export class IgnitionDeployError extends BaseError {
  override name = "IgnitionDeployError" as const;
}

export interface DeployWithIgnitionParameters {
  rpcUrl: string;
  chainId: bigint;
  projectRoot: string;
  /** Ignition deployment id (folder under ignition/deployments). */
  deploymentId: string;
  /** Start the deployment afresh (the demo's chain is new every run). */
  reset?: boolean;
  parametersFile?: string;
}

export async function deployWithIgnition(parameters: DeployWithIgnitionParameters): Promise<FedmashAddresses> {
  const args = [
    require.resolve("hardhat/internal/cli/cli"),
    "ignition",
    "deploy",
    "ignition/modules/Fedmash.ts",
    "--network",
    "localhost",
    "--deployment-id",
    parameters.deploymentId,
  ];
  if (parameters.reset) args.push("--reset");
  if (parameters.parametersFile) args.push("--parameters", parameters.parametersFile);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: parameters.projectRoot,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, RPC_URL: parameters.rpcUrl, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
    });
    // --reset asks for confirmation on a TTY; answer it.
    child.stdin?.end("y\n");
    let text = "";
    child.stdout?.on("data", (c: Buffer) => (text += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (text += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(text) : reject(new IgnitionDeployError("hardhat ignition deploy failed.", { details: text.slice(-3_000) })),
    );
  });
  void output;
  return loadDeployment({ chainId: parameters.chainId, deploymentId: parameters.deploymentId, projectRoot: parameters.projectRoot });
}
