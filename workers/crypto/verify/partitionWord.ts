// The partition PRF: one keccak word per (partition j, block of coordinates). Solidity computes the same word as
// keccak256(abi.encode(seed, keccak256(PARTITION_TAG), j, block)); coordinate i of block i / c (c = floor(256 /
// log2 k)) reads bits [t·(i mod c), t·(i mod c) + t) of the word as a big-endian uint256, t = log2 k.
import { id } from "ethers";
import { keccak256Bytes } from "./keccak256Bytes";
import { PARTITION_TAG } from "./types";

const PARTITION_TAG_BYTES = Buffer.from(id(PARTITION_TAG).slice(2), "hex");

/** A reusable abi.encode(seed, tag, j, block) buffer, so the bulk path allocates one per call, not per hash. */
export interface PartitionWordBuffer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

export function partitionWordBuffer(seed32: Uint8Array): PartitionWordBuffer {
  const bytes = new Uint8Array(128);
  bytes.set(seed32, 0);
  bytes.set(PARTITION_TAG_BYTES, 32);
  return { bytes, view: new DataView(bytes.buffer) };
}

/** The word for (j, block); both are below 2^32, so the high bytes of their uint256 slots stay zero. */
export function partitionWord(buffer: PartitionWordBuffer, partition: number, block: number): Uint8Array {
  buffer.view.setUint32(92, partition);
  buffer.view.setUint32(124, block);
  return keccak256Bytes(buffer.bytes);
}

/** Bits [bitOffset, bitOffset + bits) of the word read as a big-endian uint256; bits <= 8. */
export function wordBits(word: Uint8Array, bitOffset: number, mask: number): number {
  const low = 31 - (bitOffset >> 3);
  const pair = word[low]! | (low > 0 ? word[low - 1]! << 8 : 0);
  return (pair >> (bitOffset & 7)) & mask;
}
