// What a read-only status view needs before collectStatus: a provider on the RPC URL, the chain id, the four
// addresses (Ignition's deployment of that chain, or explicit registry + coordinator whose verifier and Shamir
// contract are read from the coordinator) and the deployment's first block. No account: status only reads.
// Used by `fedmash status` and `fedmash status --serve`, which run outside Hardhat.
import { FetchRequest, JsonRpcProvider, Network } from "ethers";
import { ChainUnreachableError } from "../chain/errors";
import { loadDeployment, type FedmashAddresses } from "../chain/loadDeployment";
import { retry } from "../retry";
import { FedmashCoordinator__factory } from "../../typechain-types";
import { StatusNoContractError } from "./errors";
import { findDeploymentBlock } from "./findDeploymentBlock";

export interface ConnectStatusSourceParameters {
  rpcUrl: string;
  /** Folder holding ignition/deployments; the CLI passes its working directory. */
  projectRoot: string;
  /** Ignition deployment id; default `chain-<chainId>`. */
  deploymentId?: string;
  /** Explicit addresses win over the deployment folder; the verifier and the Shamir contract may be left out. */
  addresses?: Omit<FedmashAddresses, "verifier" | "shamir"> & Partial<Pick<FedmashAddresses, "verifier" | "shamir">>;
  /** Overrides the deployment block read from Ignition's journal. */
  fromBlock?: number;
  pollingIntervalMs?: number;
}

export interface ConnectStatusSourceReturnType {
  provider: JsonRpcProvider;
  chainId: bigint;
  addresses: FedmashAddresses;
  /** Where the log sweep starts: the given block, the journal's deployment block, or 0. */
  fromBlock: number;
  close(): void;
}

/** eth_chainId over a bare request: an ethers provider asked first would keep retrying and warning on stderr. */
async function probeChainId(rpcUrl: string): Promise<bigint> {
  try {
    const request = new FetchRequest(rpcUrl);
    request.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
    request.timeout = 10_000;
    const response = await request.send();
    response.assertOk();
    return BigInt((response.bodyJson as { result: string }).result);
  } catch (error) {
    throw new ChainUnreachableError(rpcUrl, error);
  }
}

export async function connectStatusSource(parameters: ConnectStatusSourceParameters): Promise<ConnectStatusSourceReturnType> {
  const chainId = await probeChainId(parameters.rpcUrl);
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(parameters.rpcUrl, network, { staticNetwork: network, batchMaxCount: 1 });
  provider.pollingInterval = parameters.pollingIntervalMs ?? 1_000;
  try {
    const given = parameters.addresses;
    let addresses: FedmashAddresses;
    if (given) {
      if ((await retry(() => provider.getCode(given.coordinator), { attempts: 3 })) === "0x") {
        throw new StatusNoContractError("FedmashCoordinator", given.coordinator, chainId);
      }
      const coordinator = FedmashCoordinator__factory.connect(given.coordinator, provider);
      addresses = {
        registry: given.registry,
        coordinator: given.coordinator,
        verifier: given.verifier ?? (await retry(() => coordinator.verifier(), { attempts: 3 })),
        shamir: given.shamir ?? (await retry(() => coordinator.shamir(), { attempts: 3 })),
      };
    } else {
      addresses = loadDeployment({ chainId, deploymentId: parameters.deploymentId, projectRoot: parameters.projectRoot });
    }
    const fromBlock =
      parameters.fromBlock ?? findDeploymentBlock({ chainId, deploymentId: parameters.deploymentId, projectRoot: parameters.projectRoot }) ?? 0;
    return { provider, chainId, addresses, fromBlock, close: () => provider.destroy() };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}
