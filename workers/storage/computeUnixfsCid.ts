// The CID that put() would return for these bytes, computed without storing anything: lets a reader check that
// fetched bytes are the content its CID names, and lets a writer know a CID before uploading.
import { importBytes } from "ipfs-unixfs-importer";
import type { CID } from "multiformats/cid";
import { unixfsImporterOptions } from "./unixfsImporterOptions";

export type ComputeUnixfsCidReturnType = Promise<CID>;

/** Discards blocks: the importer hashes every block on its own, which is all a CID needs. */
const hashOnlyBlockstore = {
  put: async (cid: CID): Promise<CID> => cid,
};

export async function computeUnixfsCid(bytes: Uint8Array): ComputeUnixfsCidReturnType {
  const { cid } = await importBytes(bytes, hashOnlyBlockstore, unixfsImporterOptions());
  return cid;
}
