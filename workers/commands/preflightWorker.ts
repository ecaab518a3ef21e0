// What a worker command checks before it opens its runtime, so each misconfiguration is one named line instead of
// a retry loop or a stack: the RPC answers; the account exists on this chain and holds ETH; the contracts are
// deployed (Ignition folder or explicit addresses) and have code on this chain; the IPFS API answers when one is
// configured. Every message names where the faulty value came from.
import { Wallet } from "ethers";
import { ChainUnreachableError } from "../chain/errors";
import { ChainAccountError, hardhatTestWallet, LOCAL_CHAIN_ID } from "../chain/connectChain";
import { describeSource, type ConfigSource } from "../config/optionSpec";
import { sourceOf } from "../config/resolveConfig";
import type { WorkerSettings } from "../config/workerConfigOf";
import { IpfsUnreachableError } from "../storage/errors";
import { AccountUnfundedError, ContractCodeMissingError } from "./errors";
import { deployCommand, findDeploymentAddresses } from "./findDeploymentAddresses";
import { httpPost } from "./httpPost";
import { rpcRequest, RpcAnswerError } from "./rpcRequest";

export interface PreflightWorkerParameters {
  config: WorkerSettings;
  sources: Record<string, ConfigSource>;
  /** Default true: every worker role sends transactions. */
  needsFunds?: boolean;
  timeoutMs?: number;
}

export interface PreflightWorkerReturnType {
  chainId: bigint;
  address: string;
  balance: bigint;
}

/** eth_chainId, or ChainUnreachableError with the reason (refused, DNS, timeout, not JSON-RPC). */
export async function probeChainId(rpcUrl: string, timeoutMs = 5_000): Promise<bigint> {
  try {
    return BigInt(String(await rpcRequest({ url: rpcUrl, method: "eth_chainId", timeoutMs })));
  } catch (error) {
    throw new ChainUnreachableError(rpcUrl, error);
  }
}

function accountOf(config: WorkerSettings, chainId: bigint, sources: Record<string, ConfigSource>): string {
  if (config.privateKey !== undefined) return new Wallet(config.privateKey).address;
  const index = config.accountIndex ?? 0;
  if (chainId !== LOCAL_CHAIN_ID) {
    throw new ChainAccountError(`--account ${index} (from ${describeSource(sourceOf(sources, "account"))}) picks a Hardhat test account, which only a local Hardhat chain (31337) has; this is chain ${chainId}.`, {
      details: "pass --private-key (or PRIVATE_KEY) of an account funded on this chain.",
    });
  }
  return hardhatTestWallet(index).address;
}

export async function preflightWorker(parameters: PreflightWorkerParameters): Promise<PreflightWorkerReturnType> {
  const { config, sources } = parameters;
  const timeoutMs = parameters.timeoutMs ?? 5_000;
  const chainId = await probeChainId(config.rpcUrl, timeoutMs);
  const rpc = (method: string, params: readonly unknown[]): Promise<unknown> =>
    rpcRequest({ url: config.rpcUrl, method, params, timeoutMs }).catch((error: unknown) => {
      throw new ChainUnreachableError(config.rpcUrl, error);
    });

  const address = accountOf(config, chainId, sources);
  const balance = BigInt(String(await rpc("eth_getBalance", [address, "latest"])));
  if ((parameters.needsFunds ?? true) && balance === 0n) {
    const fix =
      config.privateKey !== undefined
        ? `fund it, or pass the key of a funded account (--private-key, from ${describeSource(sourceOf(sources, "private-key"))}).`
        : `fund it or pick another --account (Hardhat's node funds accounts 0 to 63 of its test mnemonic).`;
    throw new AccountUnfundedError(address, chainId, fix);
  }

  const { addresses, origin } = findDeploymentAddresses({ chainId, projectRoot: config.projectRoot, deploymentId: config.deploymentId, addresses: config.addresses });
  const contracts = Object.entries({
    FedmashRegistry: addresses.registry,
    FedmashCoordinator: addresses.coordinator,
    FedmashVerifier: addresses.verifier,
    FedmashShamir: addresses.shamir,
  }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  for (const [contract, at] of contracts) {
    if ((await rpc("eth_getCode", [at, "latest"])) !== "0x") continue;
    const fix = config.addresses
      ? `check --registry and --coordinator (from ${describeSource(sourceOf(sources, "coordinator"))}): they must be this chain's deployment.`
      : `the chain was reset or is another one since ${origin} was written: deploy again with \`${deployCommand(chainId, config.deploymentId)} --reset\`, or point --rpc at the chain it was deployed to.`;
    throw new ContractCodeMissingError(contract, at, chainId, origin, fix);
  }

  if (config.ipfsApiUrl) {
    try {
      const url = new URL("api/v0/version", config.ipfsApiUrl.endsWith("/") ? config.ipfsApiUrl : `${config.ipfsApiUrl}/`);
      const response = await httpPost({ url: url.href, timeoutMs });
      if (response.status !== 200) throw new RpcAnswerError(`it answered HTTP ${response.status} to /api/v0/version`);
    } catch (error) {
      throw new IpfsUnreachableError(`${config.ipfsApiUrl} (from ${describeSource(sourceOf(sources, "ipfs-api"))})`, error);
    }
  }
  return { chainId, address, balance };
}
