// The content hash workers post on-chain next to a CID: keccak256 of the exact payload bytes (what Solidity's
// keccak256 and ethers' keccak256 compute), so a contract or a peer can tie what it fetched to what was posted.
// ethers' pure-JS keccak256 hashes about 6 MB/s here, seconds per aggregate; the `keccak` package (native,
// with its own JS fallback) is about 35x faster. ethers remains the fallback when `keccak` is not installed.
import { keccak256 as ethersKeccak256 } from "ethers";

export type PayloadHashReturnType = `0x${string}`;

type KeccakFactory = (algorithm: "keccak256") => { update(data: Buffer): { digest(): Buffer } };

const fastKeccak256 = loadKeccakPackage();

export function payloadHash(bytes: Uint8Array): PayloadHashReturnType {
  if (fastKeccak256 === undefined) return ethersKeccak256(bytes) as PayloadHashReturnType;
  return fastKeccak256(bytes);
}

function loadKeccakPackage(): ((bytes: Uint8Array) => PayloadHashReturnType) | undefined {
  let createKeccak: KeccakFactory;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    createKeccak = require("keccak") as KeccakFactory;
  } catch {
    return undefined;
  }
  return (bytes) => {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return `0x${createKeccak("keccak256").update(view).digest().toString("hex")}`;
  };
}
