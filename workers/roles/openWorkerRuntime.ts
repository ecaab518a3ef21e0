// What every worker process opens at start: the chain connection and its account, the deployed contracts, the
// content store and a logger. The one place where configuration turns into live handles.
import { join } from "node:path";
import { connectChain, type ChainConnection } from "../chain/connectChain";
import { loadDeployment, type FedmashAddresses } from "../chain/loadDeployment";
import { createLogger, type Logger } from "../log";
import { retry } from "../retry";
import { createStore } from "../storage/createStore";
import type { IpfsStore } from "../storage/IpfsStore";
import {
  FedmashCoordinator__factory,
  FedmashRegistry__factory,
  FedmashShamir__factory,
  FedmashVerifier__factory,
  type FedmashCoordinator,
  type FedmashRegistry,
  type FedmashShamir,
  type FedmashVerifier,
} from "../../typechain-types";

export interface WorkerConfig {
  /** Shown in logs, e.g. "client-3". */
  name: string;
  rpcUrl: string;
  privateKey?: string;
  accountIndex?: number;
  /**
   * Explicit addresses win over the Ignition deployment lookup. The verifier and the Shamir contract may be left
   * out: the coordinator created them and reports them.
   */
  addresses?: Omit<FedmashAddresses, "verifier" | "shamir"> & Partial<Pick<FedmashAddresses, "verifier" | "shamir">>;
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
  /** Pools, bonds, batch sums, commitments, settlement and claims of Mash rounds. */
  verifier: FedmashVerifier;
  /** Servers, thresholds and share-sums of Shamir tasks. */
  shamir: FedmashShamir;
  store: IpfsStore;
  logger: Logger;
  close(): Promise<void>;
}

export async function openWorkerRuntime(config: WorkerConfig): Promise<WorkerRuntime> {
  const logger = createLogger({ name: config.name, file: config.logFile ?? join(config.stateDir, "worker.log.jsonl"), console: config.logToConsole });
  const connection = await connectChain({ rpcUrl: config.rpcUrl, privateKey: config.privateKey, accountIndex: config.accountIndex });
  const given =
    config.addresses ?? loadDeployment({ chainId: connection.chainId, deploymentId: config.deploymentId, projectRoot: config.projectRoot });
  const registry = FedmashRegistry__factory.connect(given.registry, connection.signer);
  const coordinator = FedmashCoordinator__factory.connect(given.coordinator, connection.signer);
  const addresses: FedmashAddresses = {
    ...given,
    verifier: given.verifier ?? (await retry(() => coordinator.verifier())),
    shamir: given.shamir ?? (await retry(() => coordinator.shamir())),
  };
  const verifier = FedmashVerifier__factory.connect(addresses.verifier, connection.signer);
  const shamir = FedmashShamir__factory.connect(addresses.shamir, connection.signer);
  const store = await createStore({ ipfsApiUrl: config.ipfsApiUrl, directory: config.storeDir });
  logger.info("worker started", { account: connection.address, chainId: connection.chainId, store: store.kind, coordinator: addresses.coordinator });
  return {
    config,
    connection,
    addresses,
    registry,
    coordinator,
    verifier,
    shamir,
    store,
    logger,
    close: async () => {
      await store.close();
      connection.provider.destroy();
    },
  };
}
