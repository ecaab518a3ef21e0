// Strings shaped like real CIDs for the scripted round drivers: the contracts only store, hash or emit CIDs, so
// their length and byte values are what a gas figure depends on, not whether anything lives behind them.
import { ethers } from "hardhat";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A string shaped like a CIDv1 (raw, sha2-256, base32): "bafkrei" and 52 more characters, 59 in all. */
export function cidShaped(label: string): string {
  const digest = ethers.getBytes(ethers.id(label));
  let text = "bafkrei";
  for (let index = 0; text.length < 59; index++) text += BASE32[digest[index % digest.length]! % 32];
  return text;
}
