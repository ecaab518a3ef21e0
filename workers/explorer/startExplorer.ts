// The HTTP server behind `fedmash status --serve`: the round explorer page (GET /), the snapshot as JSON
// (GET /api/status), server-sent events that push a fresh snapshot and its rendered view whenever the chain has a
// new block (GET /api/events), and a transaction view for chains without a public block explorer (GET /tx/<hash>).
// node:http only; the page's stylesheet and script are plain files in ./static, served from memory.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider, Network, type Provider } from "ethers";
import { loadDeployment, type FedmashAddresses } from "../chain/loadDeployment";
import { findDeploymentBlock } from "../status/findDeploymentBlock";
import { ChainUnreachableError } from "../chain/errors";
import type { WorkerRuntime } from "../roles/openWorkerRuntime";
import { BaseError } from "../errors";
import { retry, sleep } from "../retry";
import { collectStatus } from "../status/collectStatus";
import type { StatusSnapshot } from "../status/statusSnapshot";
import { FedmashCoordinator__factory, FedmashRegistry__factory, FedmashShamir__factory, FedmashVerifier__factory } from "../../typechain-types";
import { ExplorerListenError, ExplorerOptionsError } from "./errors";
import { html, SafeHtml } from "./html";
import { renderExplorerPage } from "./renderExplorerPage";
import { renderStatusView } from "./renderStatusView";
import { describeTransaction, type KnownContract } from "./describeTransaction";
import { renderTransactionMissingPage, renderTransactionPage } from "./renderTransactionPage";

export interface StartExplorerParameters {
  /** An open worker runtime: its provider and addresses are used, and it stays open when the explorer closes. */
  runtime?: Pick<WorkerRuntime, "connection" | "addresses">;
  /** Without a runtime: the JSON-RPC URL to read, or an ethers provider (e.g. hre.ethers.provider)... */
  rpcUrl?: string;
  provider?: Provider;
  /**
   * ...and the deployment's addresses (loadDeployment). The verifier and the Shamir contract may be left out: the
   * coordinator created them and reports them.
   */
  addresses?: Omit<FedmashAddresses, "verifier" | "shamir"> & Partial<Pick<FedmashAddresses, "verifier" | "shamir">>;
  /** Without addresses: the Ignition deployment to read them from (default `chain-<chainId>` of the chain read). */
  deploymentId?: string;
  /** The folder holding `ignition/deployments` (default the current directory). */
  projectRoot?: string;
  /** 0 (the default) picks a free port; `url` tells which. */
  port?: number;
  /** Default 127.0.0.1: the page is for the operator's machine unless they choose otherwise. */
  host?: string;
  /** How often the block number is polled, in ms (default 1000). */
  pollMs?: number;
  /**
   * A block explorer's transaction URL prefix, e.g. https://sepolia.etherscan.io/tx/ (the hash is appended; a bare
   * origin gets /tx/). Without it, transactions link to this server's own /tx/<hash> view.
   */
  txUrlBase?: string;
  /** First block of the log sweep; default the Ignition deployment's first block when addresses come from it, else 0. */
  fromBlock?: number;
  /** For RPCs that cap eth_getLogs ranges. */
  maxBlockRange?: number;
}

export interface StartExplorerReturnType {
  /** e.g. http://127.0.0.1:8088/ */
  url: string;
  /** Stops polling, ends the event streams and the server; a provider opened from `rpcUrl` is destroyed. */
  close(): Promise<void>;
}

const STATIC_FILES: Record<string, string> = {
  "explorer.js": "text/javascript; charset=utf-8",
  "explorer.css": "text/css; charset=utf-8",
};
const TX_PATH = /^\/tx\/(0x[0-9a-fA-F]{64})$/;
const HEARTBEAT_MS = 15_000;

/** Checks the block explorer prefix and gives a function from transaction hash to link. */
function txUrlFor(base: string | undefined): (hash: string) => string {
  if (base === undefined) return (hash) => `/tx/${hash}`;
  let url: URL;
  try {
    url = new URL(base);
  } catch (error) {
    throw new ExplorerOptionsError(`--explorer-url ${JSON.stringify(base)} is not a URL.`, { details: "Pass a transaction URL prefix such as https://sepolia.etherscan.io/tx/.", cause: error });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ExplorerOptionsError(`--explorer-url must be an http(s) URL, got ${url.protocol}.`, { details: "Pass a transaction URL prefix such as https://sepolia.etherscan.io/tx/." });
  }
  const prefix = url.pathname === "/" && !url.search ? `${url.origin}/tx/` : base;
  return (hash) => `${prefix}${hash}`;
}

async function rpcChainId(rpcUrl: string): Promise<bigint> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as { result?: string; error?: { message?: string } };
  if (typeof body.result !== "string") throw new Error(`eth_chainId answered ${response.status}: ${body.error?.message ?? "no result"}`);
  return BigInt(body.result);
}

function problemText(error: unknown): string {
  if (error instanceof BaseError) return error.details ? `${error.shortMessage} ${error.details}` : error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { "content-type": type, "cache-control": "no-cache", "x-content-type-options": "nosniff" });
  response.end(body);
}

export async function startExplorer(parameters: StartExplorerParameters): Promise<StartExplorerReturnType> {
  const host = parameters.host ?? "127.0.0.1";
  const port = parameters.port ?? 0;
  const pollMs = parameters.pollMs ?? 1000;
  const txUrl = txUrlFor(parameters.txUrlBase);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ExplorerOptionsError(`--port must be an integer from 0 to 65535, got ${port}.`);
  if (!(pollMs >= 50)) throw new ExplorerOptionsError(`The poll interval must be at least 50 ms, got ${pollMs}.`);

  let provider: Provider;
  let given: StartExplorerParameters["addresses"];
  let ownProvider: JsonRpcProvider | undefined;
  let source: string;
  if (parameters.runtime) {
    provider = parameters.runtime.connection.provider;
    given = parameters.runtime.addresses;
    source = parameters.runtime.connection.rpcUrl;
  } else if (parameters.provider) {
    provider = parameters.provider;
    given = parameters.addresses;
    source = parameters.rpcUrl ?? "the given provider";
  } else if (parameters.rpcUrl) {
    // Asked once here, so that ethers never starts its own network detection, which retries and logs forever.
    const chainId = await retry(() => rpcChainId(parameters.rpcUrl as string), { attempts: 3, initialDelayMs: 200 }).catch((error: unknown) => {
      throw new ChainUnreachableError(parameters.rpcUrl as string, error);
    });
    ownProvider = new JsonRpcProvider(parameters.rpcUrl, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1 });
    provider = ownProvider;
    given = parameters.addresses;
    source = parameters.rpcUrl;
  } else {
    throw new ExplorerOptionsError("The explorer needs a chain to read.", { details: "Pass a worker runtime, an RPC URL or a provider." });
  }

  // Fail fast on a chain that does not answer or addresses with no fedmash behind them: one line for the operator.
  try {
    await retry(() => provider.getBlockNumber(), { attempts: 3, initialDelayMs: 200 });
  } catch (error) {
    ownProvider?.destroy();
    throw new ChainUnreachableError(source, error);
  }
  let fromBlock = parameters.fromBlock;
  if (!given) {
    const where = { chainId: (await provider.getNetwork()).chainId, deploymentId: parameters.deploymentId, projectRoot: parameters.projectRoot };
    try {
      given = loadDeployment(where);
    } catch (error) {
      ownProvider?.destroy();
      throw error;
    }
    fromBlock ??= findDeploymentBlock(where);
  }
  const known = given;
  let addresses: FedmashAddresses;
  try {
    const coordinator = FedmashCoordinator__factory.connect(known.coordinator, provider);
    addresses = {
      ...known,
      verifier: known.verifier ?? (await retry(() => coordinator.verifier(), { attempts: 3 })),
      shamir: known.shamir ?? (await retry(() => coordinator.shamir(), { attempts: 3 })),
    };
  } catch (error) {
    ownProvider?.destroy();
    throw new ExplorerOptionsError(`Cannot ask the coordinator at ${known.coordinator} for its verifier and Shamir contract.`, {
      details: "Check --coordinator and --rpc, or pass the deployment id instead.",
      cause: error,
    });
  }

  const contracts: KnownContract[] = [
    { name: "FedmashRegistry", address: addresses.registry, iface: FedmashRegistry__factory.createInterface() },
    { name: "FedmashCoordinator", address: addresses.coordinator, iface: FedmashCoordinator__factory.createInterface() },
    { name: "FedmashVerifier", address: addresses.verifier, iface: FedmashVerifier__factory.createInterface() },
    { name: "FedmashShamir", address: addresses.shamir, iface: FedmashShamir__factory.createInterface() },
  ];
  const assets = new Map(Object.keys(STATIC_FILES).map((name) => [name, readFileSync(join(__dirname, "static", name), "utf8")]));
  const stop = new AbortController();
  const receiptCache = new Map<string, bigint>();
  const streams = new Set<ServerResponse>();

  let snapshot: StatusSnapshot | undefined;
  let viewHtml = "";
  let problem: string | undefined;
  let inFlight: Promise<void> | undefined;

  const broadcast = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  };

  /** Reads the chain once (one read at a time: callers share the one in flight) and pushes what changed. */
  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      try {
        const next = await collectStatus({ provider, addresses, fromBlock, maxBlockRange: parameters.maxBlockRange, receiptCache, signal: stop.signal });
        const changed = !snapshot || next.blockNumber !== snapshot.blockNumber || problem !== undefined;
        snapshot = next;
        viewHtml = renderStatusView(next, { txUrl }).value;
        problem = undefined;
        if (changed) {
          broadcast("snapshot", next);
          broadcast("view", { blockNumber: next.blockNumber, html: viewHtml });
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        const text = problemText(error);
        if (text !== problem) broadcast("problem", { message: text });
        problem = text;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  try {
    snapshot = await collectStatus({ provider, addresses, fromBlock, maxBlockRange: parameters.maxBlockRange, receiptCache });
    viewHtml = renderStatusView(snapshot, { txUrl }).value;
  } catch (error) {
    ownProvider?.destroy();
    throw error;
  }

  const poll = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      try {
        await sleep(pollMs, stop.signal);
        const block = await provider.getBlockNumber();
        if (block !== snapshot?.blockNumber || problem !== undefined) await refresh();
      } catch (error) {
        if (stop.signal.aborted) return;
        const text = `Cannot reach the chain at ${source}: ${problemText(error)}`;
        if (text !== problem) broadcast("problem", { message: text });
        problem = text;
      }
    }
  };
  const polling = poll();

  const openStream = (request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    response.write("retry: 2000\n\n");
    if (snapshot) {
      response.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
      response.write(`event: view\ndata: ${JSON.stringify({ blockNumber: snapshot.blockNumber, html: viewHtml })}\n\n`);
    }
    if (problem) response.write(`event: problem\ndata: ${JSON.stringify({ message: problem })}\n\n`);
    streams.add(response);
    const heartbeat = setInterval(() => response.write(": keep-alive\n\n"), HEARTBEAT_MS);
    request.on("close", () => {
      clearInterval(heartbeat);
      streams.delete(response);
    });
  };

  const serveTransaction = async (hash: string, response: ServerResponse): Promise<void> => {
    try {
      const [transaction, receipt] = await Promise.all([provider.getTransaction(hash), provider.getTransactionReceipt(hash)]);
      if (!transaction || !receipt) {
        send(response, 404, "text/html; charset=utf-8", renderTransactionMissingPage(hash, `Chain ${snapshot?.chainId ?? "?"} has no mined transaction with this hash.`));
        return;
      }
      const block = await provider.getBlock(receipt.blockNumber);
      const view = describeTransaction({
        transaction: { hash: transaction.hash, from: transaction.from, to: transaction.to, data: transaction.data, value: transaction.value, nonce: transaction.nonce },
        receipt: { blockNumber: receipt.blockNumber, status: receipt.status, gasUsed: receipt.gasUsed, gasPrice: receipt.gasPrice, contractAddress: receipt.contractAddress, logs: receipt.logs },
        timestamp: block?.timestamp,
        contracts,
      });
      send(response, 200, "text/html; charset=utf-8", renderTransactionPage(view));
    } catch (error) {
      send(response, 502, "text/html; charset=utf-8", renderTransactionMissingPage(hash, `The chain did not answer: ${problemText(error)}`));
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? "/", "http://explorer.invalid").pathname;
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/" || path === "/index.html") {
      const view = viewHtml ? new SafeHtml(viewHtml) : html`<p class="failure">Cannot read the chain: ${problem ?? "no snapshot yet"}</p>`;
      send(response, 200, "text/html; charset=utf-8", renderExplorerPage({ view, source }));
      return;
    }
    if (path === "/api/status") {
      if (!snapshot) send(response, 503, "application/json", JSON.stringify({ error: "ExplorerNoSnapshot", message: problem ?? "no snapshot yet" }));
      else send(response, 200, "application/json", JSON.stringify(snapshot));
      return;
    }
    if (path === "/api/events") {
      openStream(request, response);
      return;
    }
    const asset = path.startsWith("/static/") ? path.slice("/static/".length) : undefined;
    if (asset !== undefined && STATIC_FILES[asset]) {
      send(response, 200, STATIC_FILES[asset], assets.get(asset) as string);
      return;
    }
    const tx = TX_PATH.exec(path);
    if (tx) {
      await serveTransaction(tx[1] as string, response);
      return;
    }
    if (path.startsWith("/tx/")) {
      send(response, 400, "text/html; charset=utf-8", renderTransactionMissingPage(path.slice(4), "A transaction hash is 0x followed by 64 hex digits."));
      return;
    }
    send(response, 404, "text/plain; charset=utf-8", `Not found: ${path}\n`);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, "text/plain; charset=utf-8", `Internal error: ${problemText(error)}\n`);
      else response.end();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    stop.abort();
    ownProvider?.destroy();
    throw new ExplorerListenError(host, port, error);
  }
  const bound = server.address();
  const actualPort = typeof bound === "object" && bound ? bound.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}/`,
    close: async () => {
      stop.abort();
      await polling;
      await inFlight?.catch(() => undefined);
      for (const stream of streams) stream.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      ownProvider?.destroy();
    },
  };
}
