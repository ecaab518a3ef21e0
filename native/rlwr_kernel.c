// Native kernel of the secure mask group rlwr-2048 (docs/MASKING.md), compiled into the same Node-API
// addon as mash_kernel.c: SHAKE128 expansion of the public NTT values â_b, the negacyclic NTT over
// q = 2^62 − 2^16 + 1, the rounded mask ⌊(p·x + (q−1)/2)/q⌋ mod p with the encoding y = B·g + m mod 2^40,
// and the aggregate (sum of N vectors mod 2^40, centred decode with the residual check).
// The TypeScript fallback (workers/crypto/kernel/rlwrTsKernel.ts) gives the same bytes.
#define NAPI_VERSION 8
#include "rlwr_kernel.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

#define RING_N 2048
#define LOG_N 11
#define Q 0x3fffffffffff0001ull          // 2^62 − 2^16 + 1
#define TWO_Q (2 * Q)
#define EPS 0xffffull                    // 2^62 ≡ 2^16 − 1 (mod q)
#define LOW62 ((1ull << 62) - 1)
#define PSI 3710688476054411196ull       // 7^((q−1)/4096): ψ^2048 = −1
#define HALF_Q ((Q - 1) / 2)
#define P_BITS 40
#define LOW40 ((1ull << P_BITS) - 1)
#define B_BITS 11                        // B = 2^11
#define SHAKE_RATE 168                   // bytes; 21 lanes, so a lane is exactly one u64 word w
#define TAG "fedmash/rlwr-2048/A/v1"
#define TAG_BYTES 22
#define CONTEXT_BYTES 32

// --- Keccak-f[1600] and SHAKE128 (FIPS 202) ---------------------------------------------------------

static const u64 KECCAK_RC[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull, 0x8000000080008000ull,
    0x000000000000808Bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008Aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800Aull, 0x800000008000000Aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

static inline u64 rol64(u64 x, unsigned n) { return n == 0 ? x : (x << n) | (x >> (64 - n)); }

// One lane-complementing-free round function, written out so the compiler keeps all 25 lanes in
// registers (θ, ρ+π, χ, ι per round).
static void keccak_f1600(u64 st[25]) {
  u64 a00 = st[0], a01 = st[1], a02 = st[2], a03 = st[3], a04 = st[4];
  u64 a05 = st[5], a06 = st[6], a07 = st[7], a08 = st[8], a09 = st[9];
  u64 a10 = st[10], a11 = st[11], a12 = st[12], a13 = st[13], a14 = st[14];
  u64 a15 = st[15], a16 = st[16], a17 = st[17], a18 = st[18], a19 = st[19];
  u64 a20 = st[20], a21 = st[21], a22 = st[22], a23 = st[23], a24 = st[24];
  for (int round = 0; round < 24; round++) {
    u64 c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20, c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21, c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
    u64 c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23, c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
    u64 d0 = c4 ^ rol64(c1, 1), d1 = c0 ^ rol64(c2, 1), d2 = c1 ^ rol64(c3, 1), d3 = c2 ^ rol64(c4, 1),
        d4 = c3 ^ rol64(c0, 1);
    // ρ and π: lane (x, y) moves to (y, 2x + 3y) rotated by its offset.
    u64 b00 = a00 ^ d0;
    u64 b10 = rol64(a01 ^ d1, 1);
    u64 b20 = rol64(a02 ^ d2, 62);
    u64 b05 = rol64(a03 ^ d3, 28);
    u64 b15 = rol64(a04 ^ d4, 27);
    u64 b16 = rol64(a05 ^ d0, 36);
    u64 b01 = rol64(a06 ^ d1, 44);
    u64 b11 = rol64(a07 ^ d2, 6);
    u64 b21 = rol64(a08 ^ d3, 55);
    u64 b06 = rol64(a09 ^ d4, 20);
    u64 b07 = rol64(a10 ^ d0, 3);
    u64 b17 = rol64(a11 ^ d1, 10);
    u64 b02 = rol64(a12 ^ d2, 43);
    u64 b12 = rol64(a13 ^ d3, 25);
    u64 b22 = rol64(a14 ^ d4, 39);
    u64 b23 = rol64(a15 ^ d0, 41);
    u64 b08 = rol64(a16 ^ d1, 45);
    u64 b18 = rol64(a17 ^ d2, 15);
    u64 b03 = rol64(a18 ^ d3, 21);
    u64 b13 = rol64(a19 ^ d4, 8);
    u64 b14 = rol64(a20 ^ d0, 18);
    u64 b24 = rol64(a21 ^ d1, 2);
    u64 b09 = rol64(a22 ^ d2, 61);
    u64 b19 = rol64(a23 ^ d3, 56);
    u64 b04 = rol64(a24 ^ d4, 14);
    a00 = b00 ^ (~b01 & b02) ^ KECCAK_RC[round];
    a01 = b01 ^ (~b02 & b03);
    a02 = b02 ^ (~b03 & b04);
    a03 = b03 ^ (~b04 & b00);
    a04 = b04 ^ (~b00 & b01);
    a05 = b05 ^ (~b06 & b07);
    a06 = b06 ^ (~b07 & b08);
    a07 = b07 ^ (~b08 & b09);
    a08 = b08 ^ (~b09 & b05);
    a09 = b09 ^ (~b05 & b06);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
  }
  st[0] = a00, st[1] = a01, st[2] = a02, st[3] = a03, st[4] = a04;
  st[5] = a05, st[6] = a06, st[7] = a07, st[8] = a08, st[9] = a09;
  st[10] = a10, st[11] = a11, st[12] = a12, st[13] = a13, st[14] = a14;
  st[15] = a15, st[16] = a16, st[17] = a17, st[18] = a18, st[19] = a19;
  st[20] = a20, st[21] = a21, st[22] = a22, st[23] = a23, st[24] = a24;
}

// Absorbs a whole message (any length) with the SHAKE padding 0x1F … 0x80; the state is then ready to
// squeeze (permute, read SHAKE_RATE bytes, repeat). The host is little-endian (x86-64, aarch64).
static void shake128_absorb(u64 st[25], const u8* message, size_t length) {
  memset(st, 0, 25 * sizeof(u64));
  u8* bytes = (u8*)st;
  while (length >= SHAKE_RATE) {
    for (size_t i = 0; i < SHAKE_RATE; i++) bytes[i] ^= message[i];
    keccak_f1600(st);
    message += SHAKE_RATE;
    length -= SHAKE_RATE;
  }
  for (size_t i = 0; i < length; i++) bytes[i] ^= message[i];
  bytes[length] ^= 0x1F;
  bytes[SHAKE_RATE - 1] ^= 0x80;
}

static void shake128(const u8* message, size_t length, u8* out, size_t out_length) {
  u64 st[25];
  shake128_absorb(st, message, length);
  while (out_length > 0) {
    keccak_f1600(st);
    size_t take = out_length < SHAKE_RATE ? out_length : SHAKE_RATE;
    memcpy(out, st, take);
    out += take;
    out_length -= take;
  }
}

// â_b: the NTT values of block b's public polynomial, by rejection from the SHAKE128 stream of
// TAG ‖ context ‖ u32le(b): v = w AND (2^62 − 1), kept when v < q.
static void expand_block(const u8 context[CONTEXT_BYTES], u32 block, u64* out) {
  u8 message[TAG_BYTES + CONTEXT_BYTES + 4];
  memcpy(message, TAG, TAG_BYTES);
  memcpy(message + TAG_BYTES, context, CONTEXT_BYTES);
  for (int i = 0; i < 4; i++) message[TAG_BYTES + CONTEXT_BYTES + i] = (u8)(block >> (8 * i));
  u64 st[25];
  shake128_absorb(st, message, sizeof message);
  size_t k = 0;
  while (k < RING_N) {
    keccak_f1600(st);
    for (int lane = 0; lane < SHAKE_RATE / 8 && k < RING_N; lane++) {
      u64 v = st[lane] & LOW62;
      if (v < Q) out[k++] = v;
    }
  }
}

// --- arithmetic mod q --------------------------------------------------------------------------------

// a·b mod q, canonical, for a, b < 2^64 with a·b < 2^126: two folds with 2^62 ≡ 2^16 − 1, one subtraction.
static inline u64 mulmod_q(u64 a, u64 b) {
  u128 t = (u128)a * b;
  t = (t >> 62) * EPS + ((u64)t & LOW62);  // < 2^80
  u64 r = ((u64)(t >> 62)) * EPS + ((u64)t & LOW62);  // < 2^62 + 2^34 < 2q
  return r >= Q ? r - Q : r;
}

static u64 powmod_q(u64 base, u64 exponent) {
  u64 result = 1;
  while (exponent) {
    if (exponent & 1) result = mulmod_q(result, base);
    base = mulmod_q(base, base);
    exponent >>= 1;
  }
  return result;
}

// Shoup: w·x mod q in [0, 2q) for any x < 2^64, with w < q and w' = ⌊w·2^64 / q⌋ (Harvey's lazy form).
static inline u64 mul_shoup(u64 x, u64 w, u64 w_shoup) {
  u64 quotient = (u64)(((u128)x * w_shoup) >> 64);
  return x * w - quotient * Q;
}

static inline u64 shoup_of(u64 w) { return (u64)(((u128)w << 64) / Q); }

static u32 bit_reverse11(u32 k) {
  u32 r = 0;
  for (int i = 0; i < LOG_N; i++) r |= ((k >> i) & 1u) << (LOG_N - 1 - i);
  return r;
}

// ψ^brv(k) and ψ^−brv(k) with their Shoup companions, built once per process.
static u64 twiddle[RING_N], twiddle_shoup[RING_N], inv_twiddle[RING_N], inv_twiddle_shoup[RING_N];
static u64 n_inverse;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void) {
  u64 psi_inverse = powmod_q(PSI, 2 * RING_N - 1);
  for (u32 k = 0; k < RING_N; k++) {
    u32 e = bit_reverse11(k);
    twiddle[k] = powmod_q(PSI, e);
    inv_twiddle[k] = powmod_q(psi_inverse, e);
    twiddle_shoup[k] = shoup_of(twiddle[k]);
    inv_twiddle_shoup[k] = shoup_of(inv_twiddle[k]);
  }
  n_inverse = Q - (Q - 1) / RING_N;  // n · (q − (q−1)/n) = nq − q + 1 ≡ 1
}

// Cooley–Tukey, natural order in, bit-reversed out: a[k] = a(ψ^(2·brv(k)+1)). Inputs below 4q, outputs
// canonical. Butterflies keep values in [0, 4q) (4q < 2^64) and reduce only at the end.
static void ntt_forward(u64* a) {
  size_t t = RING_N;
  for (size_t m = 1; m < RING_N; m <<= 1) {
    t >>= 1;
    for (size_t i = 0; i < m; i++) {
      const u64 w = twiddle[m + i], ws = twiddle_shoup[m + i];
      u64* x = a + 2 * i * t;
      u64* y = x + t;
      for (size_t j = 0; j < t; j++) {
        u64 u = x[j];
        u = u >= TWO_Q ? u - TWO_Q : u;
        u64 v = mul_shoup(y[j], w, ws);
        x[j] = u + v;
        y[j] = u - v + TWO_Q;
      }
    }
  }
  for (size_t k = 0; k < RING_N; k++) {
    u64 u = a[k];
    u = u >= TWO_Q ? u - TWO_Q : u;
    a[k] = u >= Q ? u - Q : u;
  }
}

// Gentleman–Sande, bit-reversed in, natural out, without the factor n^−1 (the caller folds it into the
// seed). Inputs below 2q, outputs in [0, 2q).
static void ntt_inverse_lazy(u64* a) {
  size_t t = 1;
  for (size_t m = RING_N; m > 1; m >>= 1) {
    const size_t h = m >> 1;
    for (size_t i = 0; i < h; i++) {
      const u64 w = inv_twiddle[h + i], ws = inv_twiddle_shoup[h + i];
      u64* x = a + 2 * i * t;
      u64* y = x + t;
      for (size_t j = 0; j < t; j++) {
        u64 u = x[j], v = y[j];
        u64 s = u + v;
        x[j] = s >= TWO_Q ? s - TWO_Q : s;
        y[j] = mul_shoup(u - v + TWO_Q, w, ws);
      }
    }
    t <<= 1;
  }
}

// ⌊(p·x + (q−1)/2) / q⌋ mod p for x in [0, 2q) (reduced first). The quotient by 2^62 is at most one
// below the quotient by q (q = 2^62 − ε), so one correction step makes it exact.
static inline u64 round_to_p(u64 x) {
  x = x >= Q ? x - Q : x;
  u128 numerator = ((u128)x << P_BITS) + HALF_Q;
  u64 quotient = (u64)(numerator >> 62);
  u64 remainder = (u64)numerator - quotient * Q;  // true value in [0, 2q) < 2^63: low word is exact
  quotient += remainder >= Q;
  return quotient & LOW40;
}

// The seed in the NTT domain, times n^−1, canonical. |s_j| < 2^63 is taken mod q.
static void seed_transform(const int64_t* seed, u64* out) {
  for (size_t j = 0; j < RING_N; j++) {
    int64_t s = seed[j] % (int64_t)Q;
    out[j] = s < 0 ? (u64)(s + (int64_t)Q) : (u64)s;
  }
  ntt_forward(out);
  for (size_t k = 0; k < RING_N; k++) out[k] = mulmod_q(out[k], n_inverse);
}

// Masks grads[0..n) whose first element sits at slot `offset` of the first block of `a_hat`: for each
// block, the pointwise product with the seed, the inverse NTT, the rounding and the encoding.
static void mask_blocks(const u64* a_hat, const int64_t* seed, const int32_t* grads, size_t n, size_t offset, u32* out) {
  u64 s_hat[RING_N], x[RING_N];
  seed_transform(seed, s_hat);
  size_t done = 0;
  for (size_t block = 0; done < n; block++) {
    const u64* a = a_hat + block * RING_N;
    for (size_t k = 0; k < RING_N; k++) x[k] = mulmod_q(a[k], s_hat[k]);
    ntt_inverse_lazy(x);
    size_t first = block == 0 ? offset : 0;
    size_t count = RING_N - first;
    if (count > n - done) count = n - done;
    const int32_t* g = grads + done;
    u32* y = out + 2 * done;
    for (size_t j = 0; j < count; j++) {
      u64 m = round_to_p(x[first + j]);
      u64 value = ((u64)((int64_t)g[j] * (1 << B_BITS)) + m) & LOW40;
      y[2 * j] = (u32)value;
      y[2 * j + 1] = (u32)(value >> 32);
    }
    done += count;
  }
}

// --- aggregation ---------------------------------------------------------------------------------------

// Coordinates summed at a time: 2048 u64 accumulators (16 KiB) stay in L1 while the N vectors stream by.
#define SUM_CHUNK 2048

// Body shared by the scalar and SIMD builds (the compiler vectorizes it for each target): acc[i] +=
// the 40-bit element (its two u32 limbs are one little-endian u64); `seen` ORs every word so a limb 1
// of 256 or more shows in bits 40..63 without a branch per element.
#define SUM_BODY                                                                                   \
  u64 seen = 0;                                                                                    \
  for (size_t from = 0; from < n; from += SUM_CHUNK) {                                             \
    size_t len = n - from < SUM_CHUNK ? n - from : SUM_CHUNK;                                      \
    u64* a = acc + from;                                                                           \
    if (first) memset(a, 0, len * sizeof(u64));                                                    \
    for (size_t v = 0; v < count; v++) {                                                           \
      const u32* src = batch + 2 * (v * stride + from);                                            \
      for (size_t i = 0; i < len; i++) {                                                           \
        u64 w;                                                                                     \
        memcpy(&w, src + 2 * i, sizeof w);                                                         \
        a[i] += w;                                                                                 \
        seen |= w;                                                                                 \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
  return seen >> P_BITS != 0;

#define PLAIN_SUM_BODY                                                                             \
  for (size_t from = 0; from < n; from += SUM_CHUNK) {                                             \
    size_t len = n - from < SUM_CHUNK ? n - from : SUM_CHUNK;                                      \
    u64* a = acc + from;                                                                           \
    memset(a, 0, len * sizeof(u64));                                                               \
    for (size_t v = 0; v < count; v++) {                                                           \
      const u64* src = vectors[v] + from;                                                          \
      for (size_t i = 0; i < len; i++) a[i] += src[i];                                             \
    }                                                                                              \
  }

// Centre Y = acc mod 2^40, G = ⌊(V + 1024) / 2048⌋, e = V − 2048·G; accepted when 2|e| < N and |G| ≤ bound.
#define DECODE_BODY                                                                                \
  int bad = 0;                                                                                     \
  for (size_t i = 0; i < n; i++) {                                                                 \
    int64_t y = (int64_t)(acc[i] & LOW40);                                                         \
    int64_t v = y - ((y >> (P_BITS - 1)) << P_BITS);                                               \
    int64_t g = (v + (1 << (B_BITS - 1))) >> B_BITS;                                               \
    int64_t e = v - g * (1 << B_BITS);                                                             \
    int64_t ae = e < 0 ? -e : e, ag = g < 0 ? -g : g;                                              \
    bad |= (2 * ae >= (int64_t)vectors) | (ag > (int64_t)bound);                                   \
    out[i] = (int32_t)g;                                                                           \
  }                                                                                                \
  return bad;

// FEDMASH_KERNEL_SIMD=0 means no vector instructions at all, not even the baseline SSE2 the compiler
// would otherwise vectorize these loops with.
#define SCALAR_TARGET __attribute__((optimize("no-tree-vectorize")))
SCALAR_TARGET static int sum_scalar(u64* acc, const u32* batch, size_t n, size_t count, size_t stride, int first) { SUM_BODY }
SCALAR_TARGET static void plain_sum_scalar(u64* acc, const u64* const* vectors, size_t n, size_t count) { PLAIN_SUM_BODY }
SCALAR_TARGET static int decode_scalar(const u64* acc, size_t n, u32 vectors, u32 bound, int32_t* out) { DECODE_BODY }

#if defined(__x86_64__) && defined(__GNUC__)
#define RLWR_X86 1
#define AVX2_TARGET __attribute__((target("avx2")))
#define AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))
AVX2_TARGET static int sum_avx2(u64* acc, const u32* batch, size_t n, size_t count, size_t stride, int first) { SUM_BODY }
AVX2_TARGET static void plain_sum_avx2(u64* acc, const u64* const* vectors, size_t n, size_t count) { PLAIN_SUM_BODY }
AVX2_TARGET static int decode_avx2(const u64* acc, size_t n, u32 vectors, u32 bound, int32_t* out) { DECODE_BODY }
AVX512_TARGET static int sum_avx512(u64* acc, const u32* batch, size_t n, size_t count, size_t stride, int first) { SUM_BODY }
AVX512_TARGET static void plain_sum_avx512(u64* acc, const u64* const* vectors, size_t n, size_t count) { PLAIN_SUM_BODY }
AVX512_TARGET static int decode_avx512(const u64* acc, size_t n, u32 vectors, u32 bound, int32_t* out) { DECODE_BODY }
#endif

typedef enum { SIMD_SCALAR = 0, SIMD_AVX2 = 1, SIMD_AVX512 = 2 } simd_level;
static simd_level simd = SIMD_SCALAR;
static const char* const SIMD_NAMES[] = {"scalar", "avx2", "avx512"};

static void detect_simd(void) {
  const char* setting = getenv("FEDMASH_KERNEL_SIMD");
  if (setting && strcmp(setting, "0") == 0) return;
#ifdef RLWR_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
    simd = SIMD_AVX512;
  } else if (__builtin_cpu_supports("avx2")) {
    simd = SIMD_AVX2;
  }
#endif
}

static int sum_into(u64* acc, const u32* batch, size_t n, size_t count, size_t stride, int first) {
#ifdef RLWR_X86
  if (simd == SIMD_AVX512) return sum_avx512(acc, batch, n, count, stride, first);
  if (simd == SIMD_AVX2) return sum_avx2(acc, batch, n, count, stride, first);
#endif
  return sum_scalar(acc, batch, n, count, stride, first);
}

static void plain_sum(u64* acc, const u64* const* vectors, size_t n, size_t count) {
#ifdef RLWR_X86
  if (simd == SIMD_AVX512) return plain_sum_avx512(acc, vectors, n, count);
  if (simd == SIMD_AVX2) return plain_sum_avx2(acc, vectors, n, count);
#endif
  plain_sum_scalar(acc, vectors, n, count);
}

static int decode(const u64* acc, size_t n, u32 vectors, u32 bound, int32_t* out) {
#ifdef RLWR_X86
  if (simd == SIMD_AVX512) return decode_avx512(acc, n, vectors, bound, out);
  if (simd == SIMD_AVX2) return decode_avx2(acc, n, vectors, bound, out);
#endif
  return decode_scalar(acc, n, vectors, bound, out);
}

// The slow path after a failure: the first malformed element, by vector and then by index.
static int64_t first_malformed(const u32* batch, size_t n, size_t count, size_t stride) {
  for (size_t v = 0; v < count; v++) {
    for (size_t i = 0; i < n; i++) {
      if (batch[2 * (v * stride + i) + 1] >> (P_BITS - 32)) return (int64_t)(v * stride + i);
    }
  }
  return -1;
}

static int64_t first_undecodable(const u64* acc, size_t n, u32 vectors, u32 bound) {
  int32_t g;
  for (size_t i = 0; i < n; i++) {
    if (decode_scalar(acc + i, 1, vectors, bound, &g)) return (int64_t)i;
  }
  return -1;
}

// --- Node-API glue ------------------------------------------------------------------------------------

#define NAPI_GLUE_CODE "RLWR_KERNEL"
#include "napi_glue.h"


#define RANGE_ERROR(env, message)                                     \
  do {                                                                \
    napi_throw_range_error((env), "RLWR_KERNEL_ARGUMENT", (message)); \
    return NULL;                                                      \
  } while (0)

static napi_value make_int64(napi_env env, int64_t v) {
  napi_value result;
  napi_create_int64(env, v, &result);
  return result;
}

// rlwrExpand(context: Uint8Array(32), firstBlock: number, aHat: BigUint64Array(2048 · blocks)): void
static napi_value js_expand(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u8* context;
  u64* a_hat;
  size_t nc, na;
  int64_t first_block;
  ARRAY_ARG(env, 0, napi_uint8_array, context, nc, "a Uint8Array");
  CALL(env, napi_get_value_int64(env, argv[1], &first_block));
  ARRAY_ARG(env, 2, napi_biguint64_array, a_hat, na, "a BigUint64Array");
  size_t blocks = na / RING_N;
  if (nc != CONTEXT_BYTES || na % RING_N != 0 || first_block < 0 || (u64)first_block + blocks > ((u64)1 << 32)) {
    RANGE_ERROR(env, "rlwrExpand: context must be 32 bytes, aHat whole blocks, blocks below 2^32");
  }
  for (size_t b = 0; b < blocks; b++) expand_block(context, (u32)(first_block + b), a_hat + b * RING_N);
  return NULL;
}

// rlwrMask(aHat: BigUint64Array, seed: BigInt64Array(2048), grads: Int32Array, offset: number,
//          out: Uint32Array(2 · grads.length)): void
static napi_value js_mask(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u64* a_hat;
  int64_t* seed;
  int32_t* grads;
  u32* out;
  size_t na, ns, ng, no;
  int64_t offset;
  ARRAY_ARG(env, 0, napi_biguint64_array, a_hat, na, "a BigUint64Array");
  ARRAY_ARG(env, 1, napi_bigint64_array, seed, ns, "a BigInt64Array");
  ARRAY_ARG(env, 2, napi_int32_array, grads, ng, "an Int32Array");
  CALL(env, napi_get_value_int64(env, argv[3], &offset));
  ARRAY_ARG(env, 4, napi_uint32_array, out, no, "a Uint32Array");
  if (ns != RING_N || na % RING_N != 0 || offset < 0 || offset >= RING_N || no != 2 * ng || (size_t)offset + ng > na) {
    RANGE_ERROR(env, "rlwrMask: seed of 2048, whole aHat blocks covering offset + grads, out of 2 limbs per element");
  }
  if (ng > 0) mask_blocks(a_hat, seed, grads, ng, (size_t)offset, out);
  return NULL;
}

// rlwrSumInto(acc: BigUint64Array(n), batch: Uint32Array, count, stride, first): -1, or v · stride + i of
// the first element whose limb 1 is 256 or more.
static napi_value js_sum_into(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u64* acc;
  u32* batch;
  size_t na, nb;
  uint32_t count;
  int64_t stride;
  bool first;
  ARRAY_ARG(env, 0, napi_biguint64_array, acc, na, "a BigUint64Array");
  ARRAY_ARG(env, 1, napi_uint32_array, batch, nb, "a Uint32Array");
  CALL(env, napi_get_value_uint32(env, argv[2], &count));
  CALL(env, napi_get_value_int64(env, argv[3], &stride));
  CALL(env, napi_get_value_bool(env, argv[4], &first));
  if (stride < (int64_t)na || (count > 0 && nb < 2 * ((size_t)stride * (count - 1) + na))) {
    RANGE_ERROR(env, "rlwrSumInto: batch shorter than count vectors of stride elements");
  }
  if (!sum_into(acc, batch, na, count, (size_t)stride, first)) return make_int64(env, -1);
  return make_int64(env, first_malformed(batch, na, count, (size_t)stride));
}

// rlwrDecode(acc: BigUint64Array(n), vectors: number, bound: number, out: Int32Array(n)): -1 or the
// first index that fails 2|e| < vectors, |G| ≤ bound.
static napi_value js_decode(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u64* acc;
  int32_t* out;
  size_t na, no;
  uint32_t vectors, bound;
  ARRAY_ARG(env, 0, napi_biguint64_array, acc, na, "a BigUint64Array");
  CALL(env, napi_get_value_uint32(env, argv[1], &vectors));
  CALL(env, napi_get_value_uint32(env, argv[2], &bound));
  ARRAY_ARG(env, 3, napi_int32_array, out, no, "an Int32Array");
  if (no != na || bound > 0x7fffffffu) RANGE_ERROR(env, "rlwrDecode: length mismatch or bound above 2^31 − 1");
  if (!decode(acc, na, vectors, bound, out)) return make_int64(env, -1);
  return make_int64(env, first_undecodable(acc, na, vectors, bound));
}

// rlwrPlainSum(acc: BigUint64Array(n), vectors: Uint32Array[]): the plain u64 sum of the same bytes, no
// checks (the benchmark's memory-bandwidth yardstick).
static napi_value js_plain_sum(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u64* acc;
  size_t na;
  uint32_t count;
  ARRAY_ARG(env, 0, napi_biguint64_array, acc, na, "a BigUint64Array");
  CALL(env, napi_get_array_length(env, argv[1], &count));
  const u64** vectors = malloc((count ? count : 1) * sizeof *vectors);
  if (!vectors) {
    napi_throw_error(env, "RLWR_KERNEL_MEMORY", "rlwrPlainSum: out of memory");
    return NULL;
  }
  for (uint32_t v = 0; v < count; v++) {
    napi_value element;
    u32* data;
    size_t nd;
    if (napi_get_element(env, argv[1], v, &element) != napi_ok || !typed_array(env, element, napi_uint32_array, (void**)&data, &nd) ||
        nd != 2 * na || ((uintptr_t)data & 7) != 0) {
      free(vectors);
      RANGE_ERROR(env, "rlwrPlainSum: every vector must be an 8-byte aligned Uint32Array of 2 limbs per element");
    }
    vectors[v] = (const u64*)data;
  }
  plain_sum(acc, vectors, na, count);
  free(vectors);
  return NULL;
}

// rlwrShake128(message: Uint8Array, out: Uint8Array): SHAKE128 of message, out.length bytes (for tests).
static napi_value js_shake128(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  u8 *message, *out;
  size_t nm, no;
  ARRAY_ARG(env, 0, napi_uint8_array, message, nm, "a Uint8Array");
  ARRAY_ARG(env, 1, napi_uint8_array, out, no, "a Uint8Array");
  shake128(message, nm, out, no);
  return NULL;
}

// rlwrFeatures(): { simd: "scalar" | "avx2" | "avx512" } (the aggregate's sum and decode loops).
static napi_value js_features(napi_env env, napi_callback_info info) {
  napi_value result, name;
  CALL(env, napi_create_object(env, &result));
  CALL(env, napi_create_string_utf8(env, SIMD_NAMES[simd], NAPI_AUTO_LENGTH, &name));
  CALL(env, napi_set_named_property(env, result, "simd", name));
  return result;
}

static pthread_once_t simd_once = PTHREAD_ONCE_INIT;

int rlwr_register(napi_env env, napi_value exports) {
  pthread_once(&tables_once, build_tables);
  pthread_once(&simd_once, detect_simd);
  napi_property_descriptor props[] = {
      {"rlwrExpand", NULL, js_expand, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rlwrMask", NULL, js_mask, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rlwrSumInto", NULL, js_sum_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rlwrDecode", NULL, js_decode, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rlwrPlainSum", NULL, js_plain_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rlwrShake128", NULL, js_shake128, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rlwrFeatures", NULL, js_features, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) == napi_ok ? 0 : -1;
}
