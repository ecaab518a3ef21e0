// Opens the JSON-RPC connection and the worker's signing account. On a local Hardhat chain (31337) an account
// may be picked by index from Hardhat's well-known test mnemonic, so a demo needs no key handling; elsewhere a
// private key is required.
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet, type Signer } from "ethers";
import { BaseError } from "../errors";
import { ChainUnreachableError } from "./errors";

/** Hardhat's public test mnemonic: these keys are known to everyone and hold value only on local chains. */
export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";
export const LOCAL_CHAIN_ID = 31337n;

export class ChainAccountError extends BaseError {
  override name = "ChainAccountError" as const;
}

export interface ConnectChainParameters {
  rpcUrl: string;
  /** 0x-prefixed hex private key. Takes precedence over `accountIndex`. */
  privateKey?: string;
  /** Index into Hardhat's test mnemonic; only accepted on chain 31337. */
  accountIndex?: number;
  pollingIntervalMs?: number;
}

export interface ChainConnection {
  provider: JsonRpcProvider;
  signer: Signer;
  address: string;
  chainId: bigint;
  rpcUrl: string;
}

export function hardhatTestWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_TEST_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

export async function connectChain(parameters: ConnectChainParameters): Promise<ChainConnection> {
  // No 250 ms answer cache: a worker re-reads state it just changed, and a nonce read from that cache after a
  // mined revert is one too low.
  const provider = new JsonRpcProvider(parameters.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = parameters.pollingIntervalMs ?? 250;
  let chainId: bigint;
  try {
    chainId = BigInt(await provider.send("eth_chainId", []));
  } catch (error) {
    provider.destroy();
    throw new ChainUnreachableError(parameters.rpcUrl, error);
  }
  let wallet: Wallet | HDNodeWallet;
  if (parameters.privateKey) {
    try {
      wallet = new Wallet(parameters.privateKey);
    } catch (error) {
      throw new ChainAccountError("The private key is not a valid secp256k1 key.", {
        details: "Pass a 0x-prefixed 32-byte hex key via --private-key or PRIVATE_KEY.",
        cause: error,
      });
    }
  } else if (parameters.accountIndex !== undefined) {
    if (chainId !== LOCAL_CHAIN_ID) {
      throw new ChainAccountError(`Chain ${chainId} is not a local Hardhat chain, so test accounts cannot be used.`, {
        details: "Pass --private-key (or PRIVATE_KEY) for a funded account on this network.",
      });
    }
    wallet = hardhatTestWallet(parameters.accountIndex);
  } else {
    throw new ChainAccountError("No account given.", { details: "Pass --private-key, or --account on a local Hardhat chain." });
  }
  const connected = wallet.connect(provider);
  // The wallet itself signs: it asks the chain for the account's pending nonce at every send. sendTransaction
  // sends one at a time per signer and waits for each receipt, so that count is always right. (ethers'
  // NonceManager kept its own count, which a send reverting at the gas estimate left one ahead for good.)
  return { provider, signer: connected, address: connected.address, chainId, rpcUrl: parameters.rpcUrl };
}
