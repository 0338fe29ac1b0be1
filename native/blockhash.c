/*
 * Every hash a block's checks need, in one call from JavaScript (see src/chain/blockHash.ts):
 * txids (a segwit transaction's from its three non-witness ranges, hashed in place, never
 * copied), wtxids, the merkle roots of both, and the CVE-2012-2459 mutation flag. Per-hash calls
 * from JavaScript cost about a microsecond each, and a full-scale day is ~1.6 million hashes.
 *
 * SHA-256 (FIPS 180-4) twice: with the CPU's SHA extensions (SHA-NI) when CPUID says they are
 * there, else a portable C compression function. Both are checked against node:crypto and the
 * TypeScript path by the tests.
 *
 * Contract of hashBlock(bytes, ranges, txCount, txids, wtxids | null, roots) -> flags:
 *   bytes   Uint8Array, the whole block
 *   ranges  Int32Array, 4 per transaction: start, bodyStart, bodyEnd, lockAt (src/chain/layout.ts);
 *           a segwit transaction is one whose bodyStart is start + 6
 *   txids   Uint8Array of 32 * txCount, written
 *   wtxids  Uint8Array of 32 * txCount or null; the coinbase's is zero, a non-segwit tx's its txid
 *   roots   Uint8Array of 64: the txid merkle root, then the wtxid merkle root (zero when no tx is segwit)
 *   flags   1 | (mutated ? 2 : 0) | (any segwit ? 4 : 0)
 * Ranges are checked against the block's length (a RangeError, never a read out of bounds).
 */
#include "layout.h"
#include <stdint.h>

/*
 * The contract's version: bumped whenever a function's arguments or results change meaning.
 * src/chain/nativeHash.ts refuses an addon whose abiVersion() is not the one it was written for.
 */
#define UTXORACLE_NATIVE_ABI 2
/* sha256 of the sources this addon was built from (native/build.mjs passes it); "unknown" otherwise. */
#ifndef UTXORACLE_SOURCE_HASH
#define UTXORACLE_SOURCE_HASH "unknown"
#endif
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static const uint32_t IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/* Compresses `blocks` consecutive 64-byte blocks into state. */
typedef void (*compress_fn)(uint32_t state[8], const uint8_t *data, size_t blocks);

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static inline uint32_t be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void compress_portable(uint32_t s[8], const uint8_t *data, size_t blocks) {
  uint32_t w[64];
  for (; blocks > 0; blocks--, data += 64) {
    for (int t = 0; t < 16; t++) w[t] = be32(data + 4 * t);
    for (int t = 16; t < 64; t++) {
      uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
      uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int t = 0; t < 64; t++) {
      uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
      uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    s[0] += a, s[1] += b, s[2] += c, s[3] += d, s[4] += e, s[5] += f, s[6] += g, s[7] += h;
  }
}

#ifdef HAVE_X86
/*
 * The SHA-NI compression: the state lives in two registers as ABEF and CDGH (the order
 * sha256rnds2 works on); each sha256rnds2 makes two rounds, sha256msg1/msg2 extend the schedule
 * four words at a time: W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16].
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_shani(uint32_t s[8], const uint8_t *data,
                                                                        size_t blocks) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i dcba = _mm_loadu_si128((const __m128i *)&s[0]);
  __m128i hgfe = _mm_loadu_si128((const __m128i *)&s[4]);
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  for (; blocks > 0; blocks--, data += 64) {
    const __m128i abef0 = abef, cdgh0 = cdgh;
    __m128i m[4];
    for (int k = 0; k < 4; k++) m[k] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * k)), bswap);
    for (int i = 0; i < 16; i++) {
      /* m[i & 3] holds W[4i .. 4i+3]; the other three the next twelve words. */
      __m128i wk = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
      if (i < 12) {
        __m128i next = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
        next = _mm_add_epi32(next, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
        m[i & 3] = _mm_sha256msg2_epu32(next, m[(i + 3) & 3]);
      }
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128((__m128i *)&s[0], _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128((__m128i *)&s[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* SHA extensions (CPUID leaf 7, EBX bit 29) with SSSE3 and SSE4.1 (leaf 1, ECX bits 9 and 19). */
static int cpu_has_shani(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  if (!(c & (1u << 9)) || !(c & (1u << 19))) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b & (1u << 29)) != 0;
}
#endif

#ifdef HAVE_X86
/*
 * sha256d of two 64-byte messages at once (merkle nodes, ~860,000 of a full day's ~8.3 million
 * compressions). SHA-NI rounds wait on the one before; two independent messages interleaved keep
 * the unit busy, and the rest is fixed: the first round's second block is the constant padding of
 * a 64-byte message, so its schedule + K is worked out once (sha_pad_wk), and the second round's
 * message is the first digest's words as they are in the registers, never written out as bytes.
 * Measured on the day's blocks: the two merkle trees 225 -> ~125 ms.
 */
#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Two rounds groups on one state: cdgh/abef updated from the four words w (+K) in wk. */
#define SHA_QUAD(abef, cdgh, wk)                                            \
  do {                                                                      \
    (cdgh) = _mm_sha256rnds2_epu32((cdgh), (abef), (wk));                   \
    (abef) = _mm_sha256rnds2_epu32((abef), (cdgh), _mm_shuffle_epi32((wk), 0x0E)); \
  } while (0)

/* W[t..t+3] for the next group from the four groups before (m[i&3] is replaced). */
#define SHA_SCHEDULE(m, i)                                                              \
  do {                                                                                  \
    __m128i next_ = _mm_sha256msg1_epu32((m)[(i) & 3], (m)[((i) + 1) & 3]);             \
    next_ = _mm_add_epi32(next_, _mm_alignr_epi8((m)[((i) + 3) & 3], (m)[((i) + 2) & 3], 4)); \
    (m)[(i) & 3] = _mm_sha256msg2_epu32(next_, (m)[((i) + 3) & 3]);                     \
  } while (0)

/* 64 rounds on states a and b from message words ma and mb (lane j of m[k] is W[4k+j]), each state's value before added back. */
SHA_TARGET static inline void rounds_x2(__m128i st[4], __m128i ma[4], __m128i mb[4]) {
  const __m128i a0 = st[0], a1 = st[1], b0 = st[2], b1 = st[3];
  for (int i = 0; i < 16; i++) {
    const __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * i]);
    SHA_QUAD(st[0], st[1], _mm_add_epi32(ma[i & 3], k));
    SHA_QUAD(st[2], st[3], _mm_add_epi32(mb[i & 3], k));
    if (i < 12) {
      SHA_SCHEDULE(ma, i);
      SHA_SCHEDULE(mb, i);
    }
  }
  st[0] = _mm_add_epi32(st[0], a0), st[1] = _mm_add_epi32(st[1], a1);
  st[2] = _mm_add_epi32(st[2], b0), st[3] = _mm_add_epi32(st[3], b1);
}

/* W + K of the padding block of a 64-byte message (0x80, zeros, bit length 512), for every round. */
static __m128i sha_pad_wk[16];

SHA_TARGET static void sha_pad_init(void) {
  uint32_t w[64] = {0x80000000u, [15] = 512};
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  for (int i = 0; i < 16; i++)
    sha_pad_wk[i] = _mm_set_epi32((int)(w[4 * i + 3] + K[4 * i + 3]), (int)(w[4 * i + 2] + K[4 * i + 2]),
                                  (int)(w[4 * i + 1] + K[4 * i + 1]), (int)(w[4 * i] + K[4 * i]));
}

/* The state (ABEF, CDGH) as the words H0..H3 and H4..H7, lane j = H[4k+j]. */
SHA_TARGET static inline void state_words(__m128i abef, __m128i cdgh, __m128i *lo, __m128i *hi) {
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B), dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  *lo = _mm_blend_epi16(feba, dchg, 0xF0);
  *hi = _mm_alignr_epi8(dchg, feba, 8);
}

SHA_TARGET static void sha256d_64_x2(const uint8_t *in_a, uint8_t *out_a, const uint8_t *in_b, uint8_t *out_b) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  /* IV as ABEF and CDGH. */
  const __m128i iv_abef = _mm_set_epi32((int)IV[0], (int)IV[1], (int)IV[4], (int)IV[5]);
  const __m128i iv_cdgh = _mm_set_epi32((int)IV[2], (int)IV[3], (int)IV[6], (int)IV[7]);
  __m128i st[4] = {iv_abef, iv_cdgh, iv_abef, iv_cdgh}, ma[4], mb[4];
  for (int k = 0; k < 4; k++) {
    ma[k] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in_a + 16 * k)), bswap);
    mb[k] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in_b + 16 * k)), bswap);
  }
  rounds_x2(st, ma, mb);
  /* The padding block, from its precomputed W + K. */
  const __m128i a0 = st[0], a1 = st[1], b0 = st[2], b1 = st[3];
  for (int i = 0; i < 16; i++) {
    SHA_QUAD(st[0], st[1], sha_pad_wk[i]);
    SHA_QUAD(st[2], st[3], sha_pad_wk[i]);
  }
  st[0] = _mm_add_epi32(st[0], a0), st[1] = _mm_add_epi32(st[1], a1);
  st[2] = _mm_add_epi32(st[2], b0), st[3] = _mm_add_epi32(st[3], b1);
  /* Second round: the 32-byte digest, 0x80, zeros, bit length 256. */
  const __m128i pad_lo = _mm_set_epi32(0, 0, 0, (int)0x80000000u), pad_hi = _mm_set_epi32(256, 0, 0, 0);
  state_words(st[0], st[1], &ma[0], &ma[1]);
  state_words(st[2], st[3], &mb[0], &mb[1]);
  ma[2] = mb[2] = pad_lo;
  ma[3] = mb[3] = pad_hi;
  st[0] = st[2] = iv_abef;
  st[1] = st[3] = iv_cdgh;
  rounds_x2(st, ma, mb);
  __m128i lo, hi;
  state_words(st[0], st[1], &lo, &hi);
  _mm_storeu_si128((__m128i *)out_a, _mm_shuffle_epi8(lo, bswap));
  _mm_storeu_si128((__m128i *)(out_a + 16), _mm_shuffle_epi8(hi, bswap));
  state_words(st[2], st[3], &lo, &hi);
  _mm_storeu_si128((__m128i *)out_b, _mm_shuffle_epi8(lo, bswap));
  _mm_storeu_si128((__m128i *)(out_b + 16), _mm_shuffle_epi8(hi, bswap));
}
#endif

static compress_fn compress = compress_portable;
static const char *implementation = "portable";

/* Incremental SHA-256 over a few ranges, whole blocks compressed straight from the caller's bytes. */
typedef struct {
  uint32_t s[8];
  uint8_t buf[64];
  size_t fill;
  uint64_t length;
} sha256_ctx;

static void sha_init(sha256_ctx *c) {
  memcpy(c->s, IV, sizeof IV);
  c->fill = 0;
  c->length = 0;
}

static void sha_update(sha256_ctx *c, const uint8_t *p, size_t n) {
  c->length += n;
  if (c->fill > 0) {
    size_t take = 64 - c->fill < n ? 64 - c->fill : n;
    memcpy(c->buf + c->fill, p, take);
    c->fill += take, p += take, n -= take;
    if (c->fill < 64) return;
    compress(c->s, c->buf, 1);
    c->fill = 0;
  }
  if (n >= 64) {
    compress(c->s, p, n / 64);
    p += n & ~(size_t)63;
    n &= 63;
  }
  memcpy(c->buf, p, n);
  c->fill = n;
}

static void put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* The second round of sha256d: sha256 of the 32-byte first digest (one block, fixed padding). */
static void second_round(const uint32_t first[8], uint8_t out[32]) {
  uint8_t block[64] = {0};
  for (int k = 0; k < 8; k++) put_be32(block + 4 * k, first[k]);
  block[32] = 0x80;
  block[62] = 0x01; /* 256 bits */
  uint32_t s[8];
  memcpy(s, IV, sizeof IV);
  compress(s, block, 1);
  for (int k = 0; k < 8; k++) put_be32(out + 4 * k, s[k]);
}

/* Finishes the first round and writes sha256d of everything updated into out. */
static void sha_final_double(sha256_ctx *c, uint8_t out[32]) {
  uint64_t bits = c->length * 8;
  c->buf[c->fill++] = 0x80;
  if (c->fill > 56) {
    memset(c->buf + c->fill, 0, 64 - c->fill);
    compress(c->s, c->buf, 1);
    c->fill = 0;
  }
  memset(c->buf + c->fill, 0, 56 - c->fill);
  put_be32(c->buf + 56, (uint32_t)(bits >> 32));
  put_be32(c->buf + 60, (uint32_t)bits);
  compress(c->s, c->buf, 1);
  second_round(c->s, out);
}

/* sha256d of a 64-byte message (a merkle node): the padding block is a constant. */
static void sha256d_64(const uint8_t in[64], uint8_t out[32]) {
  static const uint8_t pad[64] = {0x80, [62] = 0x02}; /* 512 bits */
  uint32_t s[8];
  memcpy(s, IV, sizeof IV);
  compress(s, in, 1);
  compress(s, pad, 1);
  second_round(s, out);
}

/* Merkle root of n 32-byte leaves (n >= 1) in place in `level`; sets *mutated as Core does. */
static void merkle_root(uint8_t *level, size_t n, uint8_t root[32], int *mutated) {
  uint8_t pair[64];
  while (n > 1) {
    const size_t pairs = n / 2; /* nodes with two children; an odd last node is paired with itself */
    for (size_t p = 0; p < pairs; p++)
      if (memcmp(level + 64 * p, level + 64 * p + 32, 32) == 0) *mutated = 1;
    /* Node p is written at 32p, below every child not yet read (64p and up). */
    size_t p = 0;
#ifdef HAVE_X86
    if (compress == compress_shani)
      for (; p + 1 < pairs; p += 2)
        sha256d_64_x2(level + 64 * p, level + 32 * p, level + 64 * (p + 1), level + 32 * (p + 1));
#endif
    for (; p < pairs; p++) {
      memcpy(pair, level + 64 * p, 64);
      sha256d_64(pair, level + 32 * p);
    }
    if (n & 1) {
      memcpy(pair, level + 32 * (n - 1), 32);
      memcpy(pair + 32, level + 32 * (n - 1), 32);
      sha256d_64(pair, level + 32 * pairs);
    }
    n = pairs + (n & 1);
  }
  memcpy(root, level, 32);
}

static napi_value throw_error(napi_env env, const char *code, const char *message, int range) {
  if (range)
    napi_throw_range_error(env, code, message);
  else
    napi_throw_type_error(env, code, message);
  return NULL;
}

static napi_value hash_block(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6)
    return throw_error(env, "ERR_ARGS", "hashBlock takes 6 arguments", 0);
  uint8_t *bytes, *txids, *wtxids = NULL, *roots;
  int32_t *ranges;
  size_t nBytes, nRanges, nTxids, nWtxids = 0, nRoots;
  uint32_t n;
  if (!typed(env, argv[0], napi_uint8_array, (void **)&bytes, &nBytes) ||
      !typed(env, argv[1], napi_int32_array, (void **)&ranges, &nRanges) ||
      napi_get_value_uint32(env, argv[2], &n) != napi_ok ||
      !typed(env, argv[3], napi_uint8_array, (void **)&txids, &nTxids) ||
      !typed(env, argv[5], napi_uint8_array, (void **)&roots, &nRoots))
    return throw_error(env, "ERR_ARGS", "hashBlock(Uint8Array, Int32Array, count, Uint8Array, Uint8Array|null, Uint8Array)", 0);
  napi_valuetype t;
  napi_typeof(env, argv[4], &t);
  if (t != napi_null && !typed(env, argv[4], napi_uint8_array, (void **)&wtxids, &nWtxids))
    return throw_error(env, "ERR_ARGS", "hashBlock: wtxids must be a Uint8Array or null", 0);
  if (n == 0 || nRanges < 4 * (size_t)n || nTxids < 32 * (size_t)n || nRoots < 64 || (wtxids && nWtxids < 32 * (size_t)n))
    return throw_error(env, "ERR_RANGES", "hashBlock: arrays too short for the transaction count", 1);
  int any_segwit = 0;
  for (uint32_t i = 0; i < n; i++) {
    const int32_t *r = ranges + 4 * (size_t)i;
    int64_t start = r[0], body = r[1], body_end = r[2], lock = r[3];
    if (start < 0 || !(body == start + 4 || body == start + 6) || body_end < body || lock < body_end ||
        lock + 4 > (int64_t)nBytes)
      return throw_error(env, "ERR_RANGES", "hashBlock: a transaction's ranges are outside the block", 1);
    if (body == start + 6) any_segwit = 1;
  }
  /* Leaves for both trees, worked on in place. */
  uint8_t *level = malloc(32 * (size_t)n);
  if (!level) return throw_error(env, "ERR_MEMORY", "hashBlock: out of memory", 1);
  sha256_ctx c;
  for (uint32_t i = 0; i < n; i++) {
    const int32_t *r = ranges + 4 * (size_t)i;
    uint8_t *out = txids + 32 * (size_t)i;
    sha_init(&c);
    if (r[1] == r[0] + 6) {
      sha_update(&c, bytes + r[0], 4);
      sha_update(&c, bytes + r[1], (size_t)(r[2] - r[1]));
      sha_update(&c, bytes + r[3], 4);
    } else {
      sha_update(&c, bytes + r[0], (size_t)(r[3] + 4 - r[0]));
    }
    sha_final_double(&c, out);
  }
  int mutated = 0;
  memcpy(level, txids, 32 * (size_t)n);
  merkle_root(level, n, roots, &mutated);
  memset(roots + 32, 0, 32);
  if (any_segwit || wtxids) {
    for (uint32_t i = 0; i < n; i++) {
      const int32_t *r = ranges + 4 * (size_t)i;
      uint8_t *w = level + 32 * (size_t)i;
      if (i == 0) {
        memset(w, 0, 32); /* the coinbase's wtxid counts as zero (BIP141) */
      } else if (r[1] == r[0] + 6) {
        sha_init(&c);
        sha_update(&c, bytes + r[0], (size_t)(r[3] + 4 - r[0]));
        sha_final_double(&c, w);
      } else {
        memcpy(w, txids + 32 * (size_t)i, 32);
      }
    }
    if (wtxids) memcpy(wtxids, level, 32 * (size_t)n);
    int ignored = 0; /* Core checks mutation on the txid tree only */
    if (any_segwit) merkle_root(level, n, roots + 32, &ignored);
  }
  free(level);
  napi_value result;
  napi_create_uint32(env, 1u | (mutated ? 2u : 0u) | (any_segwit ? 4u : 0u), &result);
  return result;
}

/* sha256d of one Uint8Array (tests hold it to node:crypto on every length around the padding). */
static napi_value sha256d_js(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint8_t *in, *out;
  size_t nIn, nOut;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 ||
      !typed(env, argv[0], napi_uint8_array, (void **)&in, &nIn) ||
      !typed(env, argv[1], napi_uint8_array, (void **)&out, &nOut) || nOut < 32)
    return throw_error(env, "ERR_ARGS", "sha256d(Uint8Array, Uint8Array of 32)", 0);
  sha256_ctx c;
  sha_init(&c);
  sha_update(&c, in, nIn);
  sha_final_double(&c, out);
  return NULL;
}

/* Switches to the portable compression (tests compare it with SHA-NI on the same machine). */
static napi_value use_portable(napi_env env, napi_callback_info info) {
  (void)env, (void)info;
  compress = compress_portable;
  implementation = "portable";
  return NULL;
}

static napi_value implementation_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  napi_create_string_utf8(env, implementation, NAPI_AUTO_LENGTH, &s);
  return s;
}

static napi_value abi_version_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_uint32(env, UTXORACLE_NATIVE_ABI, &v);
  return v;
}

static napi_value source_hash_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  napi_create_string_utf8(env, UTXORACLE_SOURCE_HASH, NAPI_AUTO_LENGTH, &s);
  return s;
}

NAPI_MODULE_INIT() {
#ifdef HAVE_X86
  if (cpu_has_shani()) {
    sha_pad_init();
    compress = compress_shani;
    implementation = "sha-ni";
  }
#endif
  const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"hashBlock", hash_block},
             {"sha256d", sha256d_js},
             {"usePortable", use_portable},
             {"layoutTxs", layout_txs_js},
             {"implementation", implementation_js},
             {"abiVersion", abi_version_js},
             {"sourceHash", source_hash_js}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
