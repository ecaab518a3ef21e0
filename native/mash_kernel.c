// Native MASH vector kernel (Node-API addon): index hashes, masking y_k = 2^g_k * H(k)^s and the
// aggregate product + bounded discrete log, over whole vectors in the paper-compat group P = 2^80 + 13.
// The TypeScript fallback in workers/crypto/kernel/tsKernel.ts computes exactly the same values; the
// algorithms are explained in docs/KERNEL.md.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlwr_kernel.h"

typedef unsigned __int128 u128;
typedef uint64_t u64;
typedef uint32_t u32;

// P = next_prime(2^80) = 2^80 + 13, so 2^80 = -13 (mod P): reduction is two cheap folds, no division.
#define P_VALUE (((u128)1 << 80) + 13)
#define LOW80 ((((u128)1) << 80) - 1)
// Elements processed side by side in the exponentiation: independent multiply chains keep the
// multiplier busy while one chain waits on its carries (8 measured fastest here, see docs/KERNEL.md).
#define LANES 8
// Half-width of the baby-step table at most: 2^18 covers |sum| <= 262144 in one lookup, 32 MiB/thread.
#define DLOG_MAX_HALF_WIDTH (1u << 18)

// --- field arithmetic -----------------------------------------------------------------------------

// Products are reduced lazily: inputs below 2^82 give a product T < 2^164, and the two folds below
// bring it back under 2^82 without any comparison, so chains of products need no conditional
// subtractions (which mispredict half the time on random data). canon() gives the residue in [0, P).
static inline u128 canon(u128 r) {
  while (r >= P_VALUE) r -= P_VALUE;
  return r;
}

// Reduces T = t2*2^128 + t1*2^64 + t0 (< 2^164) to a value below 2^82 congruent mod P.
static inline u128 reduce3(u64 t0, u64 t1, u64 t2) {
  u128 low = ((u128)(t1 & 0xFFFF) << 64) | t0;
  u128 high = ((u128)t2 << 48) | (t1 >> 16);
  u128 folded = high * 13;  // < 2^88
  u128 folded_low = folded & LOW80;
  u64 folded_high = (u64)(folded >> 80);  // < 2^8
  // low - folded_low + 13 * folded_high, lifted by P so it never goes negative; < 2^81 + 2^13.
  return low + (u128)(13 * folded_high) + P_VALUE - folded_low;
}

static inline u128 mulmod(u128 a, u128 b) {
  u64 a0 = (u64)a, a1 = (u64)(a >> 64), b0 = (u64)b, b1 = (u64)(b >> 64);
  u128 low = (u128)a0 * b0;
  u128 mid = (u128)a0 * b1 + (u128)a1 * b0;  // a1, b1 < 2^18: below 2^83
  u128 x = (low >> 64) + (u64)mid;
  u64 t2 = (u64)(x >> 64) + (u64)(mid >> 64) + a1 * b1;
  return reduce3((u64)low, (u64)x, t2);
}

static inline u128 sqrmod(u128 a) {
  u64 a0 = (u64)a, a1 = (u64)(a >> 64);
  u128 low = (u128)a0 * a0;
  u128 mid = ((u128)a0 * a1) << 1;
  u128 x = (low >> 64) + (u64)mid;
  u64 t2 = (u64)(x >> 64) + (u64)(mid >> 64) + a1 * a1;
  return reduce3((u64)low, (u64)x, t2);
}

static u128 powmod(u128 base, u128 exponent) {
  u128 result = 1;
  while (exponent) {
    if (exponent & 1) result = mulmod(result, base);
    base = sqrmod(base);
    exponent >>= 1;
  }
  return canon(result);
}

// Fermat: x^(P-2). Only used once per batch (Montgomery's trick) so its cost does not matter.
static u128 invmod(u128 x) { return powmod(x, P_VALUE - 2); }

// --- per-environment state --------------------------------------------------------------------------

typedef struct {
  u64 value_low;
  u32 value_high;  // 0xFFFFFFFF marks an empty slot (real values have high < 2^17)
  int32_t exponent;
} dlog_slot;

typedef struct {
  // pow2_table[b][i] = 2^(i * 256^b) for b < 3, pow2_table[3][i] = 2^(i * 2^24 - 2^31): 2^g for any
  // int32 g costs three products and 16 KiB of L1.
  u128 pow2_table[4][256];
  // The same values as radix-2^52 pairs (low 52 bits, the rest) for the AVX-512 IFMA gathers.
  u64 pow2_radix52[4][256][2];
  int simd;    // the AVX-512 IFMA path is in use (CPU has it, FEDMASH_KERNEL_SIMD is not 0)
  int sha_ni;  // the SHA extensions are used for the index hashes (same conditions)
  dlog_slot* dlog_slots;
  u64 dlog_mask;
  u32 dlog_half_width;  // the table holds 2^j for |j| <= half width
} kernel_state;

static u128 pow2(const kernel_state* state, int32_t g) {
  u32 e = (u32)g ^ 0x80000000u;  // g + 2^31
  u128 r = mulmod(state->pow2_table[0][e & 255], state->pow2_table[1][(e >> 8) & 255]);
  r = mulmod(r, state->pow2_table[2][(e >> 16) & 255]);
  return mulmod(r, state->pow2_table[3][e >> 24]);  // lazy: below 2^82
}

static void init_pow2_tables(kernel_state* state) {
  for (int b = 0; b < 3; b++) {
    u128 step = powmod(2, (u128)1 << (8 * b));
    u128 value = 1;
    for (int i = 0; i < 256; i++) {
      state->pow2_table[b][i] = canon(value);
      value = mulmod(value, step);
    }
  }
  u128 half = (P_VALUE + 1) / 2;  // 2^-1
  u128 value = powmod(half, (u128)1 << 31);
  u128 step = powmod(2, (u128)1 << 24);
  for (int i = 0; i < 256; i++) {
    state->pow2_table[3][i] = canon(value);
    value = mulmod(value, step);
  }
  for (int b = 0; b < 4; b++)
    for (int i = 0; i < 256; i++) {
      state->pow2_radix52[b][i][0] = (u64)state->pow2_table[b][i] & ((1ull << 52) - 1);
      state->pow2_radix52[b][i][1] = (u64)(state->pow2_table[b][i] >> 52);
    }
}

// --- SHA-256 of one 24-byte message (FIPS 180-4, single padded block) ------------------------------

static const u32 SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline u32 rotr(u32 x, int n) { return (x >> n) | (x << (32 - n)); }

static const u32 SHA256_H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// The one message block of SHA-256(k as 24 bytes): bytes 0..15 are zero (k < 2^64), 16..23 hold k, then
// the 0x80 pad and the length, 192 bits.
static void index_message(u64 k, u32 w[16]) {
  w[0] = w[1] = w[2] = w[3] = 0;
  w[4] = (u32)(k >> 32);
  w[5] = (u32)k;
  w[6] = 0x80000000u;
  for (int i = 7; i < 15; i++) w[i] = 0;
  w[15] = 192;
}

static void sha256_block_scalar(const u32 message[16], u32 digest[8]) {
  u32 w[64];
  for (int i = 0; i < 16; i++) w[i] = message[i];
  for (int i = 16; i < 64; i++) {
    u32 s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    u32 s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  u32 a = SHA256_H0[0], b = SHA256_H0[1], c = SHA256_H0[2], d = SHA256_H0[3];
  u32 e = SHA256_H0[4], f = SHA256_H0[5], g = SHA256_H0[6], h = SHA256_H0[7];
  for (int i = 0; i < 64; i++) {
    u32 t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i];
    u32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  u32 out[8] = {a, b, c, d, e, f, g, h};
  for (int i = 0; i < 8; i++) digest[i] = out[i] + SHA256_H0[i];
}

#if defined(__x86_64__) && defined(__GNUC__)
#define MASH_SHA_NI 1
#include <immintrin.h>
// The same block with the x86 SHA extensions (sha256rnds2 does two rounds, msg1/msg2 the schedule),
// state kept as the ABEF/CDGH register pair the instructions use.
__attribute__((target("sha,sse4.1"))) static void sha256_block_ni(const u32 message[16], u32 digest[8]) {
  __m128i tmp = _mm_loadu_si128((const __m128i*)&SHA256_H0[0]);
  __m128i state1 = _mm_loadu_si128((const __m128i*)&SHA256_H0[4]);
  tmp = _mm_shuffle_epi32(tmp, 0xB1);                 // CDAB
  state1 = _mm_shuffle_epi32(state1, 0x1B);           // EFGH
  __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);   // ABEF
  state1 = _mm_blend_epi16(state1, tmp, 0xF0);        // CDGH
  const __m128i abef_start = state0, cdgh_start = state1;
  __m128i msg[4];
  for (int g = 0; g < 16; g++) {
    __m128i words;
    if (g < 4) {
      words = _mm_loadu_si128((const __m128i*)&message[4 * g]);
    } else {
      __m128i next = _mm_sha256msg1_epu32(msg[g % 4], msg[(g - 3) % 4]);
      next = _mm_add_epi32(next, _mm_alignr_epi8(msg[(g - 1) % 4], msg[(g - 2) % 4], 4));
      words = _mm_sha256msg2_epu32(next, msg[(g - 1) % 4]);
    }
    msg[g % 4] = words;
    __m128i rounds = _mm_add_epi32(words, _mm_loadu_si128((const __m128i*)&SHA256_K[4 * g]));
    state1 = _mm_sha256rnds2_epu32(state1, state0, rounds);
    state0 = _mm_sha256rnds2_epu32(state0, state1, _mm_shuffle_epi32(rounds, 0x0E));
  }
  state0 = _mm_add_epi32(state0, abef_start);
  state1 = _mm_add_epi32(state1, cdgh_start);
  tmp = _mm_shuffle_epi32(state0, 0x1B);              // FEBA
  state1 = _mm_shuffle_epi32(state1, 0xB1);           // DCHG
  state0 = _mm_blend_epi16(tmp, state1, 0xF0);        // DCBA
  state1 = _mm_alignr_epi8(state1, tmp, 8);           // HGFE
  _mm_storeu_si128((__m128i*)&digest[0], state0);
  _mm_storeu_si128((__m128i*)&digest[4], state1);
}
#endif

// H(k) = SHA-256(k as 24-byte big-endian) as a 256-bit integer, returned reduced mod P.
static u128 index_hash_mod_p(u64 k, int sha_ni) {
  u32 message[16], digest[8];
  index_message(k, message);
#ifdef MASH_SHA_NI
  if (sha_ni)
    sha256_block_ni(message, digest);
  else
#endif
    sha256_block_scalar(message, digest);
  // Horner over the four big-endian 64-bit words; 2^64 < P so it is its own residue.
  u128 r = 0;
  for (int i = 0; i < 4; i++) {
    u64 word = ((u64)digest[2 * i] << 32) | digest[2 * i + 1];
    r = canon(mulmod(r, (u128)1 << 64) + word);
  }
  return r;
}

// --- vector operations ------------------------------------------------------------------------------

static inline u128 load_pair(const u64* pairs, size_t i) { return ((u128)pairs[2 * i + 1] << 64) | pairs[2 * i]; }
static inline void store_pair(u64* pairs, size_t i, u128 v) {
  pairs[2 * i] = (u64)v;
  pairs[2 * i + 1] = (u64)(v >> 64);
}
static inline u128 load_limbs(const u32* limbs, size_t i) {
  return ((u128)limbs[3 * i + 2] << 64) | ((u128)limbs[3 * i + 1] << 32) | limbs[3 * i];
}
static inline void store_limbs(u32* limbs, size_t i, u128 v) {
  limbs[3 * i] = (u32)v;
  limbs[3 * i + 1] = (u32)(v >> 32);
  limbs[3 * i + 2] = (u32)(v >> 64);
}

// Per index k the cache keeps the comb H(k)^(2^(8t)) for t = 0..7 (COMB pairs, canonical). H(k) is
// the same in every round and for every client, only the seed changes, so H(k)^s for a 64-bit s becomes
// prod_t comb[t]^(byte t of s): 7 squarings and popcount(s) (~32) products instead of ~89 for a
// windowed exponentiation, at 128 bytes of cache per element.
#define COMB 8

static void compute_combs(u64 start, size_t n, u64* combs, int sha_ni) {
  u128 value[LANES];
  for (size_t block = 0; block < n; block += LANES) {
    size_t lanes = n - block < LANES ? n - block : LANES;
    for (size_t j = 0; j < LANES; j++) {
      value[j] = j < lanes ? index_hash_mod_p(start + block + j, sha_ni) : 1;
      if (j < lanes) store_pair(combs, COMB * (block + j), value[j]);
    }
    for (int t = 1; t < COMB; t++) {
      for (int q = 0; q < 8; q++)
        for (size_t j = 0; j < LANES; j++) value[j] = sqrmod(value[j]);
      for (size_t j = 0; j < lanes; j++) store_pair(combs, COMB * (block + j) + t, canon(value[j]));
    }
  }
}

// Replaces each values[i] by its inverse with Montgomery's trick: one Fermat inversion for the whole
// array plus three products per element. Zeros (a hash that is 0 mod P: probability 2^-80 per index)
// are skipped and stay 0. `prefix` is scratch of the same size.
static void batch_invert(u128* values, u128* prefix, size_t n) {
  u128 running = 1;
  for (size_t i = 0; i < n; i++) {
    if (values[i] != 0) running = mulmod(running, values[i]);
    prefix[i] = running;
  }
  u128 inverse = invmod(running);
  for (size_t i = n; i-- > 0;) {
    if (values[i] == 0) continue;
    u128 before = i > 0 ? prefix[i - 1] : 1;
    u128 value = values[i];
    values[i] = canon(mulmod(inverse, before));
    inverse = mulmod(inverse, value);
  }
}

// H^s for a 64-bit s over a block of LANES elements, from the comb. The bit pattern of s is shared by
// every element, so the branches are the same for all lanes and predictable.
static void comb_power(const u64* combs, size_t block, size_t lanes, u64 exponent, u128* acc) {
  u128 base[LANES][COMB];
  for (size_t j = 0; j < LANES; j++)
    for (int t = 0; t < COMB; t++) base[j][t] = j < lanes ? load_pair(combs, COMB * (block + j) + t) : 1;
  int started = 0;
  for (int b = 7; b >= 0; b--) {
    if (started)
      for (size_t j = 0; j < LANES; j++) acc[j] = sqrmod(acc[j]);
    for (int t = 0; t < COMB; t++) {
      if (!((exponent >> (8 * t + b)) & 1)) continue;
      for (size_t j = 0; j < LANES; j++) acc[j] = started ? mulmod(acc[j], base[j][t]) : base[j][t];
      started = 1;
    }
  }
  if (!started)
    for (size_t j = 0; j < LANES; j++) acc[j] = 1;
}

// H^e for an exponent of up to 81 bits (the holder's seed reduced mod P - 1): a 4-bit fixed window whose
// digits are shared by all elements, LANES elements in lockstep.
static void window_power(const u64* combs, size_t block, size_t lanes, u128 exponent, u128* acc) {
  uint8_t digits[32];
  int digit_count = 0;
  for (u128 e = exponent; e; e >>= 4) digits[digit_count++] = (uint8_t)(e & 15);
  u128 table[LANES][16];
  for (size_t j = 0; j < LANES; j++) {
    table[j][0] = 1;
    table[j][1] = j < lanes ? load_pair(combs, COMB * (block + j)) : 1;
  }
  for (int k = 2; k < 16; k++)
    for (size_t j = 0; j < LANES; j++) table[j][k] = mulmod(table[j][k - 1], table[j][1]);
  for (size_t j = 0; j < LANES; j++) acc[j] = digit_count ? table[j][digits[digit_count - 1]] : 1;
  for (int d = digit_count - 2; d >= 0; d--) {
    for (int s = 0; s < 4; s++)
      for (size_t j = 0; j < LANES; j++) acc[j] = sqrmod(acc[j]);
    int digit = digits[d];
    if (digit)
      for (size_t j = 0; j < LANES; j++) acc[j] = mulmod(acc[j], table[j][digit]);
  }
}

// --- AVX-512 IFMA path -------------------------------------------------------------------------------
// The same products on eight elements per instruction: values as two radix-2^52 limbs (lo < 2^52,
// hi < 2^30), 52-bit multiply-accumulate for the partial products, and the scalar reduce3's two folds
// at 2^80 rewritten for that radix. Chosen at run time (simd flag), bit-identical to the scalar path.

#if defined(__x86_64__) && defined(__GNUC__)
#define MASH_IFMA 1
#include <immintrin.h>
#define IFMA_TARGET __attribute__((target("avx512f,avx512ifma")))
#define SIMD_GROUP 32  // elements per call: four independent 8-lane chains keep the multipliers busy
#define SIMD_CHAINS (SIMD_GROUP / 8)

typedef struct {
  __m512i lo, hi;
} v81;

IFMA_TARGET static inline __m512i times13(__m512i x) {
  return _mm512_add_epi64(_mm512_add_epi64(_mm512_slli_epi64(x, 3), _mm512_slli_epi64(x, 2)), x);
}

// T = p0 + p1*2^52 + p2*2^104 + p3*2^156 (p0 < 2^52, p1 < 3*2^52, p2 < 2^53, p3 < 2^8), which is what
// vmul/vsqr produce from inputs below 2^82, to normalized limbs of a value below 2^82 congruent mod P.
IFMA_TARGET static inline v81 vreduce(__m512i p0, __m512i p1, __m512i p2, __m512i p3) {
  const __m512i m52 = _mm512_set1_epi64((1ll << 52) - 1), m28 = _mm512_set1_epi64((1ll << 28) - 1);
  // T = L + H*2^80 with L = p0 + (p1 mod 2^28)*2^52 and H = h0 + h1*2^52 < 2^85.
  __m512i low1 = _mm512_and_si512(p1, m28);
  __m512i h0 = _mm512_add_epi64(_mm512_srli_epi64(p1, 28), _mm512_slli_epi64(_mm512_and_si512(p2, m28), 24));
  __m512i h1 = _mm512_add_epi64(_mm512_srli_epi64(p2, 28), _mm512_slli_epi64(p3, 24));
  // 13*H = f0 + f1*2^52 = fh*2^80 + (f0 + (f1 mod 2^28)*2^52).
  __m512i f0 = times13(h0), f1 = times13(h1);
  f1 = _mm512_add_epi64(f1, _mm512_srli_epi64(f0, 52));
  f0 = _mm512_and_si512(f0, m52);
  __m512i fh = _mm512_srli_epi64(f1, 28);
  // L - 13H = L - fl + 13*fh, plus P = 13 + 2^28*2^52 so it stays positive; then carry into hi.
  __m512i r0 = _mm512_add_epi64(_mm512_sub_epi64(p0, f0), times13(_mm512_add_epi64(fh, _mm512_set1_epi64(1))));
  __m512i r1 = _mm512_add_epi64(_mm512_sub_epi64(low1, _mm512_and_si512(f1, m28)), _mm512_set1_epi64(1ll << 28));
  r1 = _mm512_add_epi64(r1, _mm512_srai_epi64(r0, 52));
  r0 = _mm512_and_si512(r0, m52);
  return (v81){r0, r1};
}

IFMA_TARGET static inline v81 vmul(v81 a, v81 b) {
  const __m512i zero = _mm512_setzero_si512();
  __m512i p0 = _mm512_madd52lo_epu64(zero, a.lo, b.lo);
  __m512i p1 = _mm512_madd52hi_epu64(zero, a.lo, b.lo);
  p1 = _mm512_madd52lo_epu64(p1, a.lo, b.hi);
  p1 = _mm512_madd52lo_epu64(p1, a.hi, b.lo);
  __m512i p2 = _mm512_madd52hi_epu64(zero, a.lo, b.hi);
  p2 = _mm512_madd52hi_epu64(p2, a.hi, b.lo);
  p2 = _mm512_madd52lo_epu64(p2, a.hi, b.hi);
  __m512i p3 = _mm512_madd52hi_epu64(zero, a.hi, b.hi);
  return vreduce(p0, p1, p2, p3);
}

IFMA_TARGET static inline v81 vsqr(v81 a) {
  const __m512i zero = _mm512_setzero_si512();
  __m512i cross_lo = _mm512_madd52lo_epu64(zero, a.lo, a.hi);
  __m512i cross_hi = _mm512_madd52hi_epu64(zero, a.lo, a.hi);
  __m512i p0 = _mm512_madd52lo_epu64(zero, a.lo, a.lo);
  __m512i p1 = _mm512_madd52hi_epu64(_mm512_add_epi64(cross_lo, cross_lo), a.lo, a.lo);
  __m512i p2 = _mm512_madd52lo_epu64(_mm512_add_epi64(cross_hi, cross_hi), a.hi, a.hi);
  __m512i p3 = _mm512_madd52hi_epu64(zero, a.hi, a.hi);
  return vreduce(p0, p1, p2, p3);
}

// Eight u128 values (below 2^82) to and from the vector form.
IFMA_TARGET static inline v81 vload(const u128* values) {
  u64 lo[8], hi[8];
  for (int j = 0; j < 8; j++) {
    lo[j] = (u64)values[j] & ((1ull << 52) - 1);
    hi[j] = (u64)(values[j] >> 52);
  }
  return (v81){_mm512_loadu_si512((const void*)lo), _mm512_loadu_si512((const void*)hi)};
}

IFMA_TARGET static inline void vstore(v81 v, u128* out) {
  u64 lo[8], hi[8];
  _mm512_storeu_si512((void*)lo, v.lo);
  _mm512_storeu_si512((void*)hi, v.hi);
  for (int j = 0; j < 8; j++) out[j] = (u128)lo[j] + ((u128)hi[j] << 52);
}

// x * 2^grads[j] per lane, the four byte-table factors gathered in radix 2^52.
IFMA_TARGET static inline v81 vtimes_pow2(const kernel_state* state, v81 x, const int32_t* grads) {
  __m512i e = _mm512_xor_si512(_mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i*)grads)),
                               _mm512_set1_epi64(0x80000000ll));
  for (int b = 0; b < 4; b++) {
    __m512i word = _mm512_slli_epi64(_mm512_and_si512(_mm512_srli_epi64(e, 8 * b), _mm512_set1_epi64(255)), 1);
    const long long* table = (const long long*)state->pow2_radix52[b];
    v81 factor = {_mm512_i64gather_epi64(word, table, 8),
                  _mm512_i64gather_epi64(_mm512_add_epi64(word, _mm512_set1_epi64(1)), table, 8)};
    x = vmul(x, factor);
  }
  return x;
}

// H^s (times 2^g when `with_pow2`) for SIMD_GROUP elements from their combs (COMB pairs each, all
// present: the caller pads a short tail). Same bit-sliced schedule as comb_power.
IFMA_TARGET static void comb_group_ifma(const kernel_state* state, const u64* combs, const int32_t* grads, u64 exponent,
                                        int with_pow2, u128* out) {
  const __m512i m52 = _mm512_set1_epi64((1ll << 52) - 1);
  const __m512i lanes = _mm512_set_epi64(7 * 2 * COMB, 6 * 2 * COMB, 5 * 2 * COMB, 4 * 2 * COMB, 3 * 2 * COMB,
                                         2 * 2 * COMB, 2 * COMB, 0);
  v81 base[SIMD_CHAINS][COMB];
  for (int k = 0; k < SIMD_CHAINS; k++) {
    const long long* words = (const long long*)(combs + 2 * COMB * 8 * k);
    for (int t = 0; t < COMB; t++) {
      __m512i index = _mm512_add_epi64(lanes, _mm512_set1_epi64(2 * t));
      __m512i lo = _mm512_i64gather_epi64(index, words, 8);
      __m512i hi = _mm512_i64gather_epi64(_mm512_add_epi64(index, _mm512_set1_epi64(1)), words, 8);
      base[k][t] = (v81){_mm512_and_si512(lo, m52), _mm512_or_si512(_mm512_srli_epi64(lo, 52), _mm512_slli_epi64(hi, 12))};
    }
  }
  v81 acc[SIMD_CHAINS];
  for (int k = 0; k < SIMD_CHAINS; k++) acc[k] = (v81){_mm512_set1_epi64(1), _mm512_setzero_si512()};
  int started = 0;
  for (int b = 7; b >= 0; b--) {
    if (started)
      for (int k = 0; k < SIMD_CHAINS; k++) acc[k] = vsqr(acc[k]);
    for (int t = 0; t < COMB; t++) {
      if (!((exponent >> (8 * t + b)) & 1)) continue;
      for (int k = 0; k < SIMD_CHAINS; k++) acc[k] = started ? vmul(acc[k], base[k][t]) : base[k][t];
      started = 1;
    }
  }
  for (int k = 0; k < SIMD_CHAINS; k++) {
    if (with_pow2) acc[k] = vtimes_pow2(state, acc[k], grads + 8 * k);
    vstore(acc[k], out + 8 * k);
  }
}

// mask_vector's loop on the IFMA path (64-bit exponents). Without `invert`, writes the masked limbs;
// with it, writes canonical H^s into `powers` for the batch inversion.
IFMA_TARGET static void mask_powers_ifma(const kernel_state* state, const u64* combs, const int32_t* grads, size_t n,
                                         u64 exponent, int invert, u128* powers, u32* out) {
  u128 result[SIMD_GROUP];
  u64 padded_combs[SIMD_GROUP * 2 * COMB];
  int32_t padded_grads[SIMD_GROUP];
  for (size_t group = 0; group < n; group += SIMD_GROUP) {
    size_t count = n - group < SIMD_GROUP ? n - group : SIMD_GROUP;
    const u64* group_combs = combs + 2 * COMB * group;
    const int32_t* group_grads = grads + group;
    if (count < SIMD_GROUP) {  // a short tail: pad with H = 1 and g = 0, results dropped
      memcpy(padded_combs, group_combs, count * 2 * COMB * sizeof(u64));
      for (size_t i = count * 2 * COMB; i < SIMD_GROUP * 2 * COMB; i++) padded_combs[i] = (i % 2 == 0);
      memcpy(padded_grads, group_grads, count * sizeof(int32_t));
      memset(padded_grads + count, 0, (SIMD_GROUP - count) * sizeof(int32_t));
      group_combs = padded_combs;
      group_grads = padded_grads;
    }
    comb_group_ifma(state, group_combs, group_grads, exponent, !invert, result);
    for (size_t j = 0; j < count; j++) {
      if (invert)
        powers[group + j] = canon(result[j]);
      else
        store_limbs(out, group + j, canon(result[j]));
    }
  }
}

// out[i] = values[i] * 2^grads[i] (the inverted powers of a negative seed), eight at a time.
IFMA_TARGET static void times_pow2_ifma(const kernel_state* state, const u128* values, const int32_t* grads, size_t n,
                                        u32* out) {
  u128 lane_values[8], result[8];
  int32_t lane_grads[8];
  for (size_t block = 0; block < n; block += 8) {
    size_t count = n - block < 8 ? n - block : 8;
    for (size_t j = 0; j < 8; j++) {
      lane_values[j] = j < count ? values[block + j] : 1;
      lane_grads[j] = j < count ? grads[block + j] : 0;
    }
    vstore(vtimes_pow2(state, vload(lane_values), lane_grads), result);
    for (size_t j = 0; j < count; j++) store_limbs(out, block + j, canon(result[j]));
  }
}
// compute_combs on the IFMA path: the hashes stay scalar, the 56 squarings run 8 lanes x 4 chains.
IFMA_TARGET static void compute_combs_ifma(u64 start, size_t n, u64* combs, int sha_ni) {
  u128 value[SIMD_GROUP];
  for (size_t group = 0; group < n; group += SIMD_GROUP) {
    size_t count = n - group < SIMD_GROUP ? n - group : SIMD_GROUP;
    for (size_t j = 0; j < SIMD_GROUP; j++) {
      value[j] = j < count ? index_hash_mod_p(start + group + j, sha_ni) : 1;
      if (j < count) store_pair(combs, COMB * (group + j), value[j]);
    }
    v81 chain[SIMD_CHAINS];
    for (int k = 0; k < SIMD_CHAINS; k++) chain[k] = vload(value + 8 * k);
    for (int t = 1; t < COMB; t++) {
      for (int q = 0; q < 8; q++)
        for (int k = 0; k < SIMD_CHAINS; k++) chain[k] = vsqr(chain[k]);
      for (int k = 0; k < SIMD_CHAINS; k++) vstore(chain[k], value + 8 * k);
      for (size_t j = 0; j < count; j++) store_pair(combs, COMB * (group + j) + t, canon(value[j]));
    }
  }
}
#endif

static int simd_allowed(void) {
  const char* setting = getenv("FEDMASH_KERNEL_SIMD");
  return !(setting && strcmp(setting, "0") == 0);
}

static int detect_simd(void) {
#ifdef MASH_IFMA
  __builtin_cpu_init();
  return simd_allowed() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#else
  return 0;
#endif
}

static int detect_sha_ni(void) {
#ifdef MASH_SHA_NI
  __builtin_cpu_init();
  return simd_allowed() && __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#else
  return 0;
#endif
}

// out[i] = 2^grads[i] * (H_i^exponent)^(invert ? -1 : 1) mod P. Returns 0 when scratch memory is missing.
static int mask_vector(const kernel_state* state, const u64* combs, const int32_t* grads, size_t n, u128 exponent,
                       int invert, u32* out) {
  u128* powers = NULL;
  if (invert) {
    powers = malloc(2 * (n ? n : 1) * sizeof(u128));
    if (!powers) return 0;
  }
#ifdef MASH_IFMA
  if (state->simd && !(exponent >> 64)) {
    mask_powers_ifma(state, combs, grads, n, (u64)exponent, invert, powers, out);
    if (invert) {
      batch_invert(powers, powers + n, n);
      times_pow2_ifma(state, powers, grads, n, out);
      free(powers);
    }
    return 1;
  }
#endif
  u128 acc[LANES];
  for (size_t block = 0; block < n; block += LANES) {
    size_t lanes = n - block < LANES ? n - block : LANES;
    if (exponent >> 64)
      window_power(combs, block, lanes, exponent, acc);
    else
      comb_power(combs, block, lanes, (u64)exponent, acc);
    for (size_t j = 0; j < lanes; j++) {
      if (invert)
        powers[block + j] = canon(acc[j]);
      else
        store_limbs(out, block + j, canon(mulmod(acc[j], pow2(state, grads[block + j]))));
    }
  }
  if (invert) {
    batch_invert(powers, powers + n, n);
    for (size_t i = 0; i < n; i++) store_limbs(out, i, canon(mulmod(powers[i], pow2(state, grads[i]))));
    free(powers);
  }
  return 1;
}

// acc[i] = (first ? 1 : acc[i]) * prod_v batch[v * stride + i]. Returns -1, or v * stride + i of the
// first element outside [1, P) (a malformed ciphertext). Vectors are the inner loop over a chunk of
// acc that stays in L1, and consecutive products of a chunk are independent, so they pipeline.
#define MUL_CHUNK 2048
static int64_t multiply_into(u64* acc, const u32* batch, size_t n, size_t count, size_t stride, int first) {
  for (size_t chunk = 0; chunk < n; chunk += MUL_CHUNK) {
    size_t end = chunk + MUL_CHUNK < n ? chunk + MUL_CHUNK : n;
    for (size_t v = 0; v < count; v++) {
      const u32* vector = batch + 3 * stride * v;
      for (size_t i = chunk; i < end; i++) {
        u128 value = load_limbs(vector, i);
        if (value == 0 || value >= P_VALUE) return (int64_t)(v * stride + i);
        store_pair(acc, i, (first && v == 0) ? value : canon(mulmod(load_pair(acc, i), value)));
      }
    }
  }
  return -1;
}

static inline u64 slot_index(u64 value_low, u64 mask) { return (value_low * 0x9E3779B97F4A7C15ull) >> 32 & mask; }

static int ensure_dlog_table(kernel_state* state, u32 half_width) {
  if (state->dlog_slots && state->dlog_half_width >= half_width) return 1;
  u64 entries = 2 * (u64)half_width + 1;
  u64 slots = 1;
  while (slots < 2 * entries) slots <<= 1;
  dlog_slot* table = malloc(slots * sizeof(dlog_slot));
  if (!table) return 0;
  memset(table, 0xFF, slots * sizeof(dlog_slot));
  u64 mask = slots - 1;
  u128 value = canon(pow2(state, -(int32_t)half_width));
  for (int64_t x = -(int64_t)half_width; x <= (int64_t)half_width; x++) {
    u64 slot = slot_index((u64)value, mask);
    while (table[slot].value_high != 0xFFFFFFFFu) slot = (slot + 1) & mask;
    table[slot].value_low = (u64)value;
    table[slot].value_high = (u32)(value >> 64);
    table[slot].exponent = (int32_t)x;
    value <<= 1;  // times 2: a shift and one conditional subtraction
    if (value >= P_VALUE) value -= P_VALUE;
  }
  free(state->dlog_slots);
  state->dlog_slots = table;
  state->dlog_mask = mask;
  state->dlog_half_width = half_width;
  return 1;
}

static inline int dlog_lookup(const kernel_state* state, u128 value, int32_t* exponent) {
  value = canon(value);
  u64 low = (u64)value;
  u32 high = (u32)(value >> 64);
  u64 slot = slot_index(low, state->dlog_mask);
  for (;;) {
    const dlog_slot* s = &state->dlog_slots[slot];
    if (s->value_high == 0xFFFFFFFFu) return 0;
    if (s->value_low == low && s->value_high == high) {
      *exponent = s->exponent;
      return 1;
    }
    slot = (slot + 1) & state->dlog_mask;
  }
}

// Bounded discrete log base 2: out[i] = x with 2^x = acc[i], |x| <= bound. The baby-step table holds
// 2^j for |j| <= m around 0, where sums concentrate; giant steps of 2m+1 walk outwards on both sides
// until the bound is covered. With bound <= m this is a plain table lookup. Returns -1, or the first
// index without a solution in range.
static int64_t dlog_vector(const kernel_state* state, const u64* acc, size_t n, u32 bound, int32_t* out) {
  u32 m = state->dlog_half_width;
  int64_t giant = 2 * (int64_t)m + 1;
  u128 step_up = giant <= 0x7FFFFFFF ? pow2(state, -(int32_t)giant) : 0;  // 2^-G
  u128 step_down = giant <= 0x7FFFFFFF ? pow2(state, (int32_t)giant) : 0;  // 2^G
  for (size_t i = 0; i < n; i++) {
    u128 value = load_pair(acc, i);
    int32_t j;
    int found = 0;
    int64_t x = 0;
    if (dlog_lookup(state, value, &j)) {
      found = 1;
      x = j;
    } else {
      u128 up = value, down = value;
      for (int64_t step = 1; step * giant - m <= (int64_t)bound; step++) {
        up = mulmod(up, step_up);
        if (dlog_lookup(state, up, &j)) { found = 1; x = step * giant + j; break; }
        down = mulmod(down, step_down);
        if (dlog_lookup(state, down, &j)) { found = 1; x = -step * giant + j; break; }
      }
    }
    if (!found || x > (int64_t)bound || x < -(int64_t)bound) return (int64_t)i;
    out[i] = (int32_t)x;
  }
  return -1;
}

// --- Node-API glue ----------------------------------------------------------------------------------

#define NAPI_GLUE_CODE "MASH_KERNEL"
#include "napi_glue.h"


static napi_value make_int64(napi_env env, int64_t v) {
  napi_value result;
  napi_create_int64(env, v, &result);
  return result;
}

static kernel_state* get_state(napi_env env) {
  void* data = NULL;
  napi_get_instance_data(env, &data);
  return data;
}

// hashes(start: number, combs: BigUint64Array): void  (2 * COMB words per element)
static napi_value js_hashes(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t start;
  CALL(env, napi_get_value_int64(env, argv[0], &start));
  u64* combs;
  size_t nc;
  ARRAY_ARG(env, 1, napi_biguint64_array, combs, nc, "a BigUint64Array");
  if (nc % (2 * COMB) || start < 0) {
    napi_throw_range_error(env, "MASH_KERNEL_ARGUMENT", "hashes: bad length or start");
    return NULL;
  }
  const kernel_state* state = get_state(env);
#ifdef MASH_IFMA
  if (state->simd) {
    compute_combs_ifma((u64)start, nc / (2 * COMB), combs, state->sha_ni);
    return NULL;
  }
#endif
  compute_combs((u64)start, nc / (2 * COMB), combs, state->sha_ni);
  return NULL;
}

// mask(combs: BigUint64Array, grads: Int32Array, exponent: BigUint64Array[2], invert: boolean, out: Uint32Array)
static napi_value js_mask(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u64 *combs, *exponent;
  int32_t* grads;
  u32* out;
  bool invert;
  size_t nc, ng, ne, no;
  ARRAY_ARG(env, 0, napi_biguint64_array, combs, nc, "a BigUint64Array");
  ARRAY_ARG(env, 1, napi_int32_array, grads, ng, "an Int32Array");
  ARRAY_ARG(env, 2, napi_biguint64_array, exponent, ne, "a BigUint64Array");
  CALL(env, napi_get_value_bool(env, argv[3], &invert));
  ARRAY_ARG(env, 4, napi_uint32_array, out, no, "a Uint32Array");
  if (nc != 2 * COMB * ng || no != 3 * ng || ne != 2 || (invert && exponent[1])) {
    napi_throw_range_error(env, "MASH_KERNEL_ARGUMENT", "mask: length mismatch or inverted exponent above 2^64");
    return NULL;
  }
  u128 e = ((u128)exponent[1] << 64) | exponent[0];
  if (!mask_vector(get_state(env), combs, grads, ng, e, invert, out)) {
    napi_throw_error(env, "MASH_KERNEL_MEMORY", "mask: out of memory");
    return NULL;
  }
  return NULL;
}

// multiplyInto(acc: BigUint64Array, batch: Uint32Array, count: number, stride: number, first: boolean): number
static napi_value js_multiply_into(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u64* acc;
  u32* batch;
  size_t na, nbatch;
  ARRAY_ARG(env, 0, napi_biguint64_array, acc, na, "a BigUint64Array");
  ARRAY_ARG(env, 1, napi_uint32_array, batch, nbatch, "a Uint32Array");
  uint32_t count;
  int64_t stride;
  bool first;
  CALL(env, napi_get_value_uint32(env, argv[2], &count));
  CALL(env, napi_get_value_int64(env, argv[3], &stride));
  CALL(env, napi_get_value_bool(env, argv[4], &first));
  size_t n = na / 2;
  if (na % 2 || stride < (int64_t)n || (count > 0 && nbatch < 3 * ((size_t)stride * (count - 1) + n))) {
    napi_throw_range_error(env, "MASH_KERNEL_ARGUMENT", "multiplyInto: length mismatch");
    return NULL;
  }
  return make_int64(env, multiply_into(acc, batch, n, count, (size_t)stride, first));
}

// dlog(acc: BigUint64Array, bound: number, out: Int32Array): number
static napi_value js_dlog(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u64* acc;
  int32_t* out;
  size_t na, no;
  ARRAY_ARG(env, 0, napi_biguint64_array, acc, na, "a BigUint64Array");
  ARRAY_ARG(env, 2, napi_int32_array, out, no, "an Int32Array");
  uint32_t bound;
  CALL(env, napi_get_value_uint32(env, argv[1], &bound));
  if (na != 2 * no || bound > 0x7FFFFFFFu) {
    napi_throw_range_error(env, "MASH_KERNEL_ARGUMENT", "dlog: length mismatch or bound above 2^31-1");
    return NULL;
  }
  kernel_state* state = get_state(env);
  u32 half_width = bound < DLOG_MAX_HALF_WIDTH ? bound : DLOG_MAX_HALF_WIDTH;
  if (!ensure_dlog_table(state, half_width)) {
    napi_throw_error(env, "MASH_KERNEL_MEMORY", "dlog: out of memory for the baby-step table");
    return NULL;
  }
  return make_int64(env, dlog_vector(state, acc, no, bound, out));
}

// features(): { simd, shaNi } — whether this thread's kernel uses the AVX-512 IFMA path and the SHA
// extensions.
static napi_value js_features(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, simd, sha_ni;
  CALL(env, napi_create_object(env, &result));
  CALL(env, napi_get_boolean(env, get_state(env)->simd != 0, &simd));
  CALL(env, napi_get_boolean(env, get_state(env)->sha_ni != 0, &sha_ni));
  CALL(env, napi_set_named_property(env, result, "simd", simd));
  CALL(env, napi_set_named_property(env, result, "shaNi", sha_ni));
  return result;
}

static void free_state(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  kernel_state* state = data;
  free(state->dlog_slots);
  free(state);
}

NAPI_MODULE_INIT() {
  kernel_state* state = calloc(1, sizeof(kernel_state));
  if (!state) return NULL;
  init_pow2_tables(state);
  state->simd = detect_simd();
  state->sha_ni = detect_sha_ni();
  if (napi_set_instance_data(env, state, free_state, NULL) != napi_ok) return NULL;
  napi_property_descriptor props[] = {
      {"hashes", NULL, js_hashes, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mask", NULL, js_mask, NULL, NULL, NULL, napi_enumerable, NULL},
      {"multiplyInto", NULL, js_multiply_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dlog", NULL, js_dlog, NULL, NULL, NULL, napi_enumerable, NULL},
      {"features", NULL, js_features, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  // The secure group's functions (rlwr*) live in native/rlwr_kernel.c and share this module.
  if (rlwr_register(env, exports) != 0) return NULL;
  return exports;
}
