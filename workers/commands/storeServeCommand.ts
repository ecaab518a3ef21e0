// `fedmash store-serve`: one embedded IPFS store shared with workers on other machines over the Kubo RPC API
// (they set IPFS_API_URL to the printed URL); runs serveStoreRpcMain with the resolved settings.
import { resolve } from "node:path";
import { STORE_SERVE_OPTIONS, storeServeConfigSchema } from "../config/storeServeConfig";
import type { CliCommand } from "./cliCommand";
import { resolveCommandConfig } from "./resolveCommandConfig";

export const storeServeCommand: CliCommand = {
  name: "store-serve",
  summary: "Serve the embedded IPFS store over the Kubo RPC API (share one store between machines)",
  notes: ["The API has no authentication: with --host 0.0.0.0 anyone who reaches the port can add and read content."],
  options: STORE_SERVE_OPTIONS,
  async run(argv, context) {
    const { config } = resolveCommandConfig("store-serve", STORE_SERVE_OPTIONS, storeServeConfigSchema, argv, context);
    process.argv = [process.argv[0] ?? "node", "store-serve", "--dir", resolve(context.cwd, config["store-dir"]), "--host", config.host, "--port", String(config.port)];
    await import("../storage/serveStoreRpcMain");
  },
};
