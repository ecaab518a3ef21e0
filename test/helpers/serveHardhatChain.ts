// Serves the in-process Hardhat network over HTTP JSON-RPC on a free port, as `npx hardhat node` would, so code
// that takes an RPC URL (workers, `fedmash status`) can be tested against the same chain the test deploys to.
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";

export interface ServedChain {
  rpcUrl: string;
  close(): Promise<void>;
}

export async function serveHardhatChain(): Promise<ServedChain> {
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { port } = await server.listen();
  return { rpcUrl: `http://127.0.0.1:${port}`, close: () => server.close() };
}
