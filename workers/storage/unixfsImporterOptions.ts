// The importer settings that reproduce `ipfs add --cid-version=1` in Kubo, so that the embedded store and a Kubo
// node give the same CID for the same bytes: CIDv1, raw leaves, sha2-256, fixed 262144-byte chunks, balanced
// layout with 174 links per node (Kubo's DefaultLinksPerBlock), single-chunk files reduced to their raw leaf.
import type { ImporterOptions } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";

export const UNIXFS_CHUNK_SIZE = 262_144;
export const UNIXFS_MAX_CHILDREN_PER_NODE = 174;
/** The query that makes Kubo's /api/v0/add produce the same DAG as unixfsImporterOptions(). */
export const KUBO_ADD_OPTIONS = {
  cidVersion: 1,
  rawLeaves: true,
  chunker: `size-${UNIXFS_CHUNK_SIZE}`,
  hashAlg: "sha2-256",
} as const;

export function unixfsImporterOptions(): ImporterOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: UNIXFS_CHUNK_SIZE }),
    layout: balanced({ maxChildrenPerNode: UNIXFS_MAX_CHILDREN_PER_NODE }),
  };
}
