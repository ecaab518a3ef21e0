// The parameters of the secure mask group rlwr-2048, exactly as docs/MASKING.md specifies them. Every
// implementation (native/rlwr_kernel.c, the TS fallback, the group's input checks) reads them from here.

/** Ring degree n: R_q = Z_q[X]/(X^2048 + 1); also the block of coordinates one public polynomial masks. */
export const RLWR_N = 2048;
/** q = 2^62 − 2^16 + 1, prime, q ≡ 1 (mod 2^16). */
export const RLWR_Q = (1n << 62n) - (1n << 16n) + 1n;
/** ψ = 7^((q−1)/4096) mod q: a primitive 4096-th root of unity, ψ^2048 ≡ −1. */
export const RLWR_PSI = 3710688476054411196n;
/** log2 p: masks are rounded to p = 2^40. */
export const RLWR_P_BITS = 40;
/** log2 B: a masked element is B·g + m mod p with B = 2^11. */
export const RLWR_B_BITS = 11;
/** Fresh seed coefficients are uniform in [−2^21, 2^21). */
export const RLWR_SEED_BITS = 22;
/** Seeds accepted by mask/decodeSeed: |s_j| < 2^33 (the holder's is below 2047 · 2^21 < 2^32). */
export const RLWR_SEED_LIMIT = 1n << 33n;
/** Most vectors (clients and holder) one aggregate sums exactly. */
export const RLWR_MAX_VECTORS = 2048;
/** Largest |Σg| per coordinate the decoding supports: 2^28 − 1. */
export const RLWR_MAX_BOUND = 2 ** 28 - 1;
/** Paillier slot width of a packed seed coefficient: a sum of 2048 offsets u_j < 2^22 stays below 2^33. */
export const RLWR_SLOT_BITS = 33;
/** Domain tag of the public polynomials' SHAKE128 stream (22 ASCII bytes). */
export const RLWR_A_TAG = "fedmash/rlwr-2048/A/v1";
/** Bytes of a round's mask context c. */
export const RLWR_CONTEXT_BYTES = 32;
/** The block index b enters SHAKE128 as u32le(b), so coordinates stop below 2^32 · 2048 = 2^43. */
export const RLWR_MAX_COORDINATE = 2 ** 43;
/**
 * The advertised security, log2 of the cost of the best known attack: the most conservative of the methods in
 * docs/MASKING.md, "Security" (the HE-standard table puts these parameters in its 128-bit row; core-SVP gives
 * 227 bits and the lattice estimator's MATZOV model 250).
 */
export const RLWR_SECURITY_BITS = 128;
