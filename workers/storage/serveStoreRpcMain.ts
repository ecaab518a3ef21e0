// Command line entry for serveStoreRpc: share one embedded store directory with workers on other machines.
//   npx ts-node workers/storage/serveStoreRpcMain.ts [--dir .fedmash/ipfs] [--host 127.0.0.1] [--port 5001]
// then run the workers with IPFS_API_URL=http://<host>:<port>.
import { parseArgs } from "node:util";
import { createEmbeddedStore } from "./createEmbeddedStore";
import { DEFAULT_STORE_DIR } from "./createStore";
import { IpfsInvalidOptionError } from "./errors";
import { serveStoreRpc } from "./serveStoreRpc";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string", default: DEFAULT_STORE_DIR },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "5001" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new IpfsInvalidOptionError("--port", `expected 0..65535, got ${values.port}`);
  const store = await createEmbeddedStore({ directory: values.dir });
  const server = await serveStoreRpc({
    store,
    host: values.host,
    port,
    onError: (error, request) => console.error(`${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}`),
  });
  console.log(`Serving store ${store.directory} with the Kubo RPC API at ${server.url}`);
  console.log(`Workers: IPFS_API_URL=${server.url}`);
  if (values.host !== "127.0.0.1" && values.host !== "localhost" && values.host !== "::1") {
    console.warn("Warning: the API has no authentication; anyone who can reach this address can add and read content.");
  }
  const stop = (): void => {
    void server.close().then(() => store.close()).then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
