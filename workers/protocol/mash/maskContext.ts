// The round's public mask context (docs/MASKING.md): rlwr-2048 expands the public polynomials A of a round
// from it. It hashes only public facts fixed before anyone masks, so nobody can choose A.
import { solidityPackedKeccak256 } from "ethers";

export const MASK_CONTEXT_TAG = "fedmash/rlwr-2048/A/v1";

/** keccak256("fedmash/rlwr-2048/A/v1" ‖ u256 chainId ‖ coordinator ‖ u256 roundId), as 32 bytes. */
export function maskContext(chainId: bigint, coordinator: string, roundId: bigint): Uint8Array {
  const hex = solidityPackedKeccak256(["string", "uint256", "address", "uint256"], [MASK_CONTEXT_TAG, chainId, coordinator, roundId]);
  return Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
}
