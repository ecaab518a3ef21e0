// What every worker process opens at start: the chain connection and its account, the deployed contracts, the
// content store and a logger. The one place where configuration turns into live handles.
import { join } from "node:path";
import { connectChain, type ChainConnection } from "../chain/connectChain";
import { loadDeployment, type FedmashAddresses } from "../chain/loadDeployment";
import { createLogger, type Logger } from "../log";
import { createStore } from "../storage/createStore";
import type { IpfsStore } from "../storage/IpfsStore";
import { FedmashCoordinator__factory, FedmashRegistry__factory, type FedmashCoordinator, type FedmashRegistry } from "../../typechain-types";

export interface WorkerConfig {
  /** Shown in logs, e.g. "client-3". */
  name: string;
  rpcUrl: string;
  privateKey?: string;
  accountIndex?: number;
  /** Explicit addresses win over the Ignition deployment lookup. */
  addresses?: FedmashAddresses;
  deploymentId?: string;
  projectRoot: string;
  storeDir: string;
  ipfsApiUrl?: string;
  /** Holds the worker's keys and persisted protocol state. */
  stateDir: string;
  logFile?: string;
  logToConsole?: boolean;
}

export interface WorkerRuntime {
  config: WorkerConfig;
  connection: ChainConnection;
  addresses: FedmashAddresses;
  registry: FedmashRegistry;
  coordinator: FedmashCoordinator;
  store: IpfsStore;
  logger: Logger;
  close(): Promise<void>;
}

export async function openWorkerRuntime(config: WorkerConfig): Promise<WorkerRuntime> {
  const logger = createLogger({ name: config.name, file: config.logFile ?? join(config.stateDir, "worker.log.jsonl"), console: config.logToConsole });
  const connection = await connectChain({ rpcUrl: config.rpcUrl, privateKey: config.privateKey, accountIndex: config.accountIndex });
  const addresses =
    config.addresses ?? loadDeployment({ chainId: connection.chainId, deploymentId: config.deploymentId, projectRoot: config.projectRoot });
  const registry = FedmashRegistry__factory.connect(addresses.registry, connection.signer);
  const coordinator = FedmashCoordinator__factory.connect(addresses.coordinator, connection.signer);
  const store = await createStore({ ipfsApiUrl: config.ipfsApiUrl, directory: config.storeDir });
  logger.info("worker started", { account: connection.address, chainId: connection.chainId, store: store.kind, coordinator: addresses.coordinator });
  return {
    config,
    connection,
    addresses,
    registry,
    coordinator,
    store,
    logger,
    close: async () => {
      await store.close();
      connection.provider.destroy();
    },
  };
}
