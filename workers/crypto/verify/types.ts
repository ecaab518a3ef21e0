// Constants and shared types of sampled verification: the BN254 G1 field and group orders, the domain strings
// the generators, partitions and weights are hashed under, and the default partition shape. Solidity mirrors
// every constant here in contracts/libraries/{Bn254,SampledVerification}.sol; tests assert they agree.

/** Base-field prime p of alt_bn128 (EIP-196). */
export const BN254_FIELD_ORDER = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** Group order r of alt_bn128 G1; commitment scalars (batch sums, weights, blindings) live mod r. */
export const BN254_GROUP_ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Domain of the nothing-up-my-sleeve generators: x = keccak256(domain ‖ index ‖ counter) mod p. */
export const GENERATOR_DOMAIN = "fedmash/sampled-verification/bn254-g1/v1";
/** Generator index of G, the point every commitment scalar multiplies. */
export const COMMITMENT_GENERATOR_INDEX = 0n;
/** Generator index of H, the optional blinding point (nobody knows log_G H: both come from hashes). */
export const BLINDING_GENERATOR_INDEX = 1n;

/** Hashed to a bytes32 tag (keccak256 of the UTF-8 string) that keeps partition bits apart from weights. */
export const PARTITION_TAG = "fedmash/sampled-verification/partition/v1";
/** Hashed to the bytes32 tag of the weights, likewise. */
export const WEIGHT_TAG = "fedmash/sampled-verification/weight/v1";

/**
 * Default number of partitions m and batches per partition k. A tampered aggregate fixed before the seed passes
 * with probability at most k^-m + 1/r = 2^-64 + 2^-253 (docs/VERIFICATION.md), which leaves 24 bits of margin
 * above the required 2^-40 for a proposer who can grind the seed a little.
 */
export const DEFAULT_PARTITIONS = 64;
export const DEFAULT_BATCHES = 2;

/** Largest k: a batch index is at most 8 bits of one keccak word. */
export const MAX_BATCHES = 256;
/** Largest m·k the contract accepts in one call (calldata and weight cost grow linearly). */
export const MAX_BATCH_SUMS = 1024;
/**
 * Largest vector length: batch sums accumulate in float64, exact while d · 2^31 < 2^53. The CNN (804,554
 * coordinates) is well inside.
 */
export const MAX_COORDINATES = 1 << 22;

/** An affine G1 point; (0, 0) is the point at infinity, as in the EVM precompiles. */
export interface G1AffinePoint {
  readonly x: bigint;
  readonly y: bigint;
}

/** The 32-byte sample seed the contract fixes after the aggregate is posted, as 0x-hex or raw bytes. */
export type SampleSeed = `0x${string}` | Uint8Array;
