// Picks the IpfsStore a worker uses: a Kubo node when an RPC URL is configured (IPFS_API_URL), else the
// embedded on-disk store in `directory`.
import { createEmbeddedStore } from "./createEmbeddedStore";
import { createKuboStore } from "./createKuboStore";
import type { IpfsStore } from "./IpfsStore";

/** Where the CLI keeps the embedded store unless told otherwise, relative to the working directory. */
export const DEFAULT_STORE_DIR = ".fedmash/ipfs";

export interface CreateStoreParameters {
  /** Kubo RPC API URL; when omitted, env IPFS_API_URL is used. An empty string forces the embedded store. */
  ipfsApiUrl?: string | undefined;
  /** Embedded store directory, used when no ipfsApiUrl is given. */
  directory: string;
}

export type CreateStoreReturnType = Promise<IpfsStore>;

export async function createStore(parameters: CreateStoreParameters): CreateStoreReturnType {
  const url = (parameters.ipfsApiUrl ?? process.env.IPFS_API_URL)?.trim();
  if (url) return createKuboStore({ url });
  return createEmbeddedStore({ directory: parameters.directory });
}
