// The mask-group interface every MASH role uses: draw a seed, carry it through the shuffle as Paillier
// plaintexts, mask a quantized update, and aggregate masked vectors back to the sum. Two groups exist:
// "rlwr-2048", the secure default (ring-LWR, docs/MASKING.md), and "paper-compat", the MASH paper's 80-bit
// exponent mask (docs/KERNEL.md), kept to reproduce the paper and labelled NOT secure everywhere.

import { RLWR_MAX_BOUND, RLWR_MAX_VECTORS, RLWR_SECURITY_BITS } from "./rlwrParameters";

export const MASK_GROUP_IDS = ["rlwr-2048", "paper-compat"] as const;
export type MaskGroupId = (typeof MASK_GROUP_IDS)[number];
/** What a new MASH task uses unless told otherwise. */
export const DEFAULT_MASK_GROUP = "rlwr-2048" satisfies MaskGroupId;

/** How a group is named to a user: the report, `fedmash status`, the explorer. */
export type MaskGroupInfo = {
  readonly id: MaskGroupId;
  readonly secure: boolean;
  /** The estimated cost of the best known attack, log2 (docs/MASKING.md, docs/KERNEL.md). */
  readonly securityBits: number;
};

export interface MaskParameters<Seed> {
  /** The clipped, quantized update g (see workers/crypto/quantize.ts). */
  quantized: Int32Array;
  /** The client's seed; the holder's is minus the sum of the included clients' seeds. */
  seed: Seed;
  /** Index of quantized[0] in the model vector. Defaults to 0. */
  start?: number;
  /**
   * The round's 32-byte mask context (maskContext()): rlwr-2048 expands its public polynomials from it.
   * paper-compat ignores it.
   */
  context?: Uint8Array;
}

export interface AggregateParameters {
  /** Masked vectors of one round, `limbsPerElement` u32 limbs per element, all the same length. */
  masked: Uint32Array[];
  /** Largest |sum| accepted per coordinate, N·round(c·S) (see aggregateBound). */
  bound: number;
  /** Index of the first element, as in MaskParameters. The masks cancel, so it does not change the sum. */
  start?: number;
}

/** A seed's journey through the shuffle: as non-negative Paillier plaintexts that add up slot by slot. */
export interface SeedPlaintextCodec<Seed> {
  /** The plaintexts of one fresh seed under a holder key of `keyBits` bits; each is below 2^(keyBits − 2). */
  toPlaintexts(seed: Seed, keyBits: number): bigint[];
  /** How many plaintexts a seed takes under a key of `keyBits` bits. */
  plaintextCount(keyBits: number): number;
  /** The largest plaintext a sum of `count` fresh seeds' plaintexts can reach (decryption's range check). */
  sumBound(count: number, keyBits: number): bigint;
  /** The holder's seed from the decrypted sums of `count` fresh seeds: minus their total. */
  holderSeed(sums: readonly bigint[], count: number, keyBits: number): Seed;
}

export interface MaskGroup<Seed = unknown> extends MaskGroupInfo {
  readonly limbsPerElement: number;
  /** Most masked vectors (clients and holder) one aggregate can sum exactly. */
  readonly maxVectors: number;
  /** Largest aggregate bound (|Σg| per coordinate) the decoding supports. */
  readonly maxBound: number;
  /** A fresh seed from the OS CSPRNG. */
  randomSeed(): Seed;
  /** A seed as text for a state file, and back; decodeSeed throws MaskSeedOutOfRangeError on bad text. */
  encodeSeed(seed: Seed): string;
  decodeSeed(text: string): Seed;
  readonly seedPlaintexts: SeedPlaintextCodec<Seed>;
  mask(parameters: MaskParameters<Seed>): Promise<Uint32Array>;
  /** Σ g over the clients whose seeds sum to zero. */
  aggregate(parameters: AggregateParameters): Promise<Int32Array>;
  /** Stops the group's worker threads (they start again on the next call). */
  close(): Promise<void>;
}

/**
 * What each group is, without building it (no kernel pool): the figures of docs/MASKING.md (rlwr-2048) and
 * docs/KERNEL.md (paper-compat: nominally 80 bits, in fact a Pohlig–Hellman discrete log of about 2^27 steps).
 */
export const MASK_GROUP_INFO: Readonly<Record<MaskGroupId, MaskGroupInfo & { readonly maxVectors: number; readonly maxBound: number }>> = {
  "rlwr-2048": { id: "rlwr-2048", secure: true, securityBits: RLWR_SECURITY_BITS, maxVectors: RLWR_MAX_VECTORS, maxBound: RLWR_MAX_BOUND },
  // Nominally 80 bits; in fact a Pohlig–Hellman discrete log of about 2^27 steps (npm run attack:mask).
  "paper-compat": { id: "paper-compat", secure: false, securityBits: 80, maxVectors: 1 << 20, maxBound: 0x7fff_ffff },
};

export function maskGroupInfo(group: MaskGroupInfo): MaskGroupInfo {
  return { id: group.id, secure: group.secure, securityBits: group.securityBits };
}

/** "rlwr-2048 (secure, 128-bit)" / "paper-compat (80-bit, NOT secure)". */
export function describeMaskGroup(group: MaskGroupInfo): string {
  return group.secure ? `${group.id} (secure, ${group.securityBits}-bit)` : `${group.id} (${group.securityBits}-bit, NOT secure)`;
}
