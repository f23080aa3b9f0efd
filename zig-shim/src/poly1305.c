/*
 * Poly1305 (RFC 8439 section 2.5) for src/chacha_poly.c, written from the RFC: the accumulator
 * and r in three limbs of 44, 44 and 42 bits (radix 2^44), so that a product of two limbs fits
 * the 52-bit multipliers of AVX-512 IFMA. Long messages run sixteen blocks at a time where the
 * CPU has AVX-512 IFMA: lane j of the vector accumulators collects blocks j, j+16, j+32, … by
 * Horner's rule with r^16, and at the end lane j is multiplied by r^(16-j) and the lanes are
 * summed, which is the same polynomial in r as one block at a time. Everything else (short messages, the last
 * blocks, other CPUs) is the scalar code below with 64x64->128-bit products.
 *
 * Arithmetic modulo p = 2^130 - 5: a limb product of weight 2^132 folds back as x20 (2^132 =
 * 4 * 2^130 = 4 * 5 mod p), and a carry out of bit 130 folds back as x5.
 * zig-shim/tests/test_chacha_poly.c checks it against libsodium's crypto_onetimeauth_poly1305.
 */
#include "internal.h"

#include <sodium.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_IFMA_KERNEL 1
#if defined(__clang__) && __clang_major__ >= 18
#define IFMA_TARGET __attribute__((target("avx512f,avx512ifma,evex512")))
#else
#define IFMA_TARGET __attribute__((target("avx512f,avx512ifma")))
#endif
#endif

#define M44 ((uint64_t) 0xfffffffffffULL)
#define M42 ((uint64_t) 0x3ffffffffffULL)
#define VECTOR_MIN_BYTES 512U /* below this, the set-up and the lane sum cost more than they save */

typedef unsigned __int128 u128;

static uint64_t load64_le(const uint8_t *p)
{
    uint64_t v = 0;
    int i;
    for (i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static void store64_le(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++) p[i] = (uint8_t) (v >> (8 * i));
}

/* a = a * b mod p (b's s1, s2 = 20 * b1, 20 * b2); a's limbs end up below 2^44 + 2^17. */
static void mul_limbs(uint64_t a[3], const uint64_t b[3], uint64_t s1, uint64_t s2)
{
    u128 d0 = (u128) a[0] * b[0] + (u128) a[1] * s2 + (u128) a[2] * s1;
    u128 d1 = (u128) a[0] * b[1] + (u128) a[1] * b[0] + (u128) a[2] * s2;
    u128 d2 = (u128) a[0] * b[2] + (u128) a[1] * b[1] + (u128) a[2] * b[0];
    uint64_t c;

    c = (uint64_t) (d0 >> 44);
    a[0] = (uint64_t) d0 & M44;
    d1 += c;
    c = (uint64_t) (d1 >> 44);
    a[1] = (uint64_t) d1 & M44;
    d2 += c;
    c = (uint64_t) (d2 >> 42);
    a[2] = (uint64_t) d2 & M42;
    a[0] += c * 5;
    c = a[0] >> 44;
    a[0] &= M44;
    a[1] += c;
}

/* h += block (+ 2^128 when `full`), h *= r. */
static void scalar_blocks(smem_poly1305_t *st, const uint8_t *m, size_t blocks, uint64_t hibit)
{
    uint64_t s1 = st->r[1] * 20, s2 = st->r[2] * 20;
    while (blocks-- > 0) {
        uint64_t t0 = load64_le(m), t1 = load64_le(m + 8);
        st->h[0] += t0 & M44;
        st->h[1] += ((t0 >> 44) | (t1 << 20)) & M44;
        st->h[2] += ((t1 >> 24) & M42) | (hibit << 40);
        mul_limbs(st->h, st->r, s1, s2);
        m += 16;
    }
}

#if defined(HAVE_IFMA_KERNEL)

static int ifma_available(void)
{
    static int cached = -1;
    int v = cached;
    if (v < 0) {
        unsigned a = 0, b = 0, c = 0, d = 0;
        v = sodium_runtime_has_avx512f() && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1U << 21)) != 0;
        cached = v;
    }
    return v;
}

/* Lane-wise a * b mod p, partly carried: limbs below 2^44 + 2^17 (a's below 2^52, b's s = 20b). */
IFMA_TARGET static inline void vec_mul(__m512i a[3], const __m512i b[3], __m512i s1, __m512i s2)
{
    const __m512i zero = _mm512_setzero_si512(), m44 = _mm512_set1_epi64((long long) M44),
                  m42 = _mm512_set1_epi64((long long) M42);
    __m512i l0, l1, l2, h0, h1, h2, c;

    l0 = _mm512_madd52lo_epu64(zero, a[0], b[0]);
    l0 = _mm512_madd52lo_epu64(l0, a[1], s2);
    l0 = _mm512_madd52lo_epu64(l0, a[2], s1);
    h0 = _mm512_madd52hi_epu64(zero, a[0], b[0]);
    h0 = _mm512_madd52hi_epu64(h0, a[1], s2);
    h0 = _mm512_madd52hi_epu64(h0, a[2], s1);
    l1 = _mm512_madd52lo_epu64(zero, a[0], b[1]);
    l1 = _mm512_madd52lo_epu64(l1, a[1], b[0]);
    l1 = _mm512_madd52lo_epu64(l1, a[2], s2);
    h1 = _mm512_madd52hi_epu64(zero, a[0], b[1]);
    h1 = _mm512_madd52hi_epu64(h1, a[1], b[0]);
    h1 = _mm512_madd52hi_epu64(h1, a[2], s2);
    l2 = _mm512_madd52lo_epu64(zero, a[0], b[2]);
    l2 = _mm512_madd52lo_epu64(l2, a[1], b[1]);
    l2 = _mm512_madd52lo_epu64(l2, a[2], b[0]);
    h2 = _mm512_madd52hi_epu64(zero, a[0], b[2]);
    h2 = _mm512_madd52hi_epu64(h2, a[1], b[1]);
    h2 = _mm512_madd52hi_epu64(h2, a[2], b[0]);

    /* The high halves weigh 2^52 = 2^44 * 2^8 more than their limb: limb k+1, shifted by 8; the
     * top one weighs 2^140 = 2^130 * 2^10, i.e. x 5 * 2^10 in limb 0. */
    l0 = _mm512_add_epi64(l0, _mm512_add_epi64(_mm512_slli_epi64(h2, 12), _mm512_slli_epi64(h2, 10)));
    l1 = _mm512_add_epi64(l1, _mm512_slli_epi64(h0, 8));
    l2 = _mm512_add_epi64(l2, _mm512_slli_epi64(h1, 8));

    c = _mm512_srli_epi64(l0, 44);
    a[0] = _mm512_and_si512(l0, m44);
    l1 = _mm512_add_epi64(l1, c);
    c = _mm512_srli_epi64(l1, 44);
    a[1] = _mm512_and_si512(l1, m44);
    l2 = _mm512_add_epi64(l2, c);
    c = _mm512_srli_epi64(l2, 42);
    a[2] = _mm512_and_si512(l2, m42);
    a[0] = _mm512_add_epi64(a[0], _mm512_add_epi64(_mm512_slli_epi64(c, 2), c));
}

/* Eight message blocks (128 bytes), lane j = block j, each with its 2^128 bit. */
IFMA_TARGET static inline void vec_load(__m512i m[3], const uint8_t *p)
{
    const __m512i lo_idx = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i hi_idx = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
    const __m512i m44 = _mm512_set1_epi64((long long) M44);
    __m512i a = _mm512_loadu_si512((const void *) p), b = _mm512_loadu_si512((const void *) (p + 64));
    __m512i lo = _mm512_permutex2var_epi64(a, lo_idx, b), hi = _mm512_permutex2var_epi64(a, hi_idx, b);
    m[0] = _mm512_and_si512(lo, m44);
    m[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(lo, 44), _mm512_slli_epi64(hi, 20)), m44);
    m[2] = _mm512_or_si512(_mm512_srli_epi64(hi, 24), _mm512_set1_epi64((long long) 1 << 40));
}

IFMA_TARGET static inline __m512i times20(__m512i x)
{
    return _mm512_add_epi64(_mm512_slli_epi64(x, 4), _mm512_slli_epi64(x, 2));
}

/* Absorbs `groups` x 16 full blocks into st->h, as two independent eight-lane accumulators (the
 * first takes blocks 0..7 of every 256 bytes, the second 8..15), so that one's multiplications
 * run while the other's wait for their results. */
IFMA_TARGET static void vector_blocks(smem_poly1305_t *st, const uint8_t *m, size_t groups)
{
    uint64_t pw[17][3]; /* pw[k] = r^k */
    __m512i r16[3], s1, s2, ra[3], sa1, sa2, rb[3], sb1, sb2, acc[3], bcc[3], msg[3];
    uint64_t lanes[3][8];
    int k, j;

    memcpy(pw[1], st->r, sizeof pw[1]);
    for (k = 2; k <= 16; k++) {
        memcpy(pw[k], pw[k - 1], sizeof pw[k]);
        mul_limbs(pw[k], st->r, st->r[1] * 20, st->r[2] * 20);
    }
    for (j = 0; j < 3; j++) {
        r16[j] = _mm512_set1_epi64((long long) pw[16][j]);
        /* lane i of the first gets r^(16-i), of the second r^(8-i) */
        ra[j] = _mm512_set_epi64((long long) pw[9][j], (long long) pw[10][j], (long long) pw[11][j],
                                 (long long) pw[12][j], (long long) pw[13][j], (long long) pw[14][j],
                                 (long long) pw[15][j], (long long) pw[16][j]);
        rb[j] = _mm512_set_epi64((long long) pw[1][j], (long long) pw[2][j], (long long) pw[3][j],
                                 (long long) pw[4][j], (long long) pw[5][j], (long long) pw[6][j],
                                 (long long) pw[7][j], (long long) pw[8][j]);
    }
    s1 = times20(r16[1]);
    s2 = times20(r16[2]);
    sa1 = times20(ra[1]);
    sa2 = times20(ra[2]);
    sb1 = times20(rb[1]);
    sb2 = times20(rb[2]);

    /* The running h joins block 0 (lane 0): it is multiplied by r^n exactly as block 0 is. */
    vec_load(acc, m);
    vec_load(bcc, m + 128);
    for (j = 0; j < 3; j++) {
        acc[j] = _mm512_add_epi64(acc[j], _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, (long long) st->h[j]));
    }
    for (m += 256; --groups > 0; m += 256) {
        vec_mul(acc, r16, s1, s2);
        vec_mul(bcc, r16, s1, s2);
        vec_load(msg, m);
        for (j = 0; j < 3; j++) acc[j] = _mm512_add_epi64(acc[j], msg[j]);
        vec_load(msg, m + 128);
        for (j = 0; j < 3; j++) bcc[j] = _mm512_add_epi64(bcc[j], msg[j]);
    }
    vec_mul(acc, ra, sa1, sa2);
    vec_mul(bcc, rb, sb1, sb2);
    for (j = 0; j < 3; j++) _mm512_storeu_si512((void *) lanes[j], _mm512_add_epi64(acc[j], bcc[j]));
    for (j = 0; j < 3; j++) {
        uint64_t sum = 0;
        for (k = 0; k < 8; k++) sum += lanes[j][k]; /* each below 2^46: no overflow */
        st->h[j] = sum;
    }
    /* Carry the sum back into limb ranges. */
    {
        uint64_t c = st->h[0] >> 44;
        st->h[0] &= M44;
        st->h[1] += c;
        c = st->h[1] >> 44;
        st->h[1] &= M44;
        st->h[2] += c;
        c = st->h[2] >> 42;
        st->h[2] &= M42;
        st->h[0] += c * 5;
        c = st->h[0] >> 44;
        st->h[0] &= M44;
        st->h[1] += c;
    }
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(lanes, sizeof lanes);
}
#endif

int smem_poly1305_kernel_active(void)
{
#if defined(HAVE_IFMA_KERNEL)
    return !smem_simd_kernels_off && ifma_available();
#else
    return 0;
#endif
}

void smem_poly1305_init(smem_poly1305_t *st, const uint8_t key[32])
{
    uint8_t r[16];
    uint64_t t0, t1;

    memcpy(r, key, 16);
    /* Clamp (RFC 8439 2.5): top four bits of r[3], r[7], r[11], r[15] and bottom two of r[4],
     * r[8], r[12] cleared. */
    r[3] &= 15;
    r[7] &= 15;
    r[11] &= 15;
    r[15] &= 15;
    r[4] &= 252;
    r[8] &= 252;
    r[12] &= 252;
    t0 = load64_le(r);
    t1 = load64_le(r + 8);
    st->r[0] = t0 & M44;
    st->r[1] = ((t0 >> 44) | (t1 << 20)) & M44;
    st->r[2] = t1 >> 24;
    st->h[0] = st->h[1] = st->h[2] = 0;
    st->pad[0] = load64_le(key + 16);
    st->pad[1] = load64_le(key + 24);
    st->leftover = 0;
    sodium_memzero(r, sizeof r);
}

void smem_poly1305_update(smem_poly1305_t *st, const uint8_t *m, size_t len)
{
    if (st->leftover > 0) {
        size_t want = 16 - st->leftover;
        if (want > len) want = len;
        memcpy(st->buf + st->leftover, m, want);
        st->leftover += want;
        m += want;
        len -= want;
        if (st->leftover < 16) return;
        scalar_blocks(st, st->buf, 1, 1);
        st->leftover = 0;
    }
#if defined(HAVE_IFMA_KERNEL)
    if (len >= VECTOR_MIN_BYTES && !smem_simd_kernels_off && ifma_available()) {
        size_t groups = len / 256;
        vector_blocks(st, m, groups);
        m += groups * 256;
        len -= groups * 256;
    }
#endif
    if (len >= 16) {
        scalar_blocks(st, m, len / 16, 1);
        m += len & ~(size_t) 15;
        len &= 15;
    }
    if (len > 0) {
        memcpy(st->buf, m, len);
        st->leftover = len;
    }
}

void smem_poly1305_final(smem_poly1305_t *st, uint8_t tag[16])
{
    uint64_t h0, h1, h2, g0, g1, g2, c, mask, lo, hi;

    if (st->leftover > 0) {
        /* A short last block: a 1 byte after it, zeros to 16, and no 2^128. */
        st->buf[st->leftover] = 1;
        memset(st->buf + st->leftover + 1, 0, 16 - st->leftover - 1);
        scalar_blocks(st, st->buf, 1, 0);
    }
    h0 = st->h[0];
    h1 = st->h[1];
    h2 = st->h[2];
    /* Carry fully: h below 2^130 + small, then fold once more. */
    c = h1 >> 44;
    h1 &= M44;
    h2 += c;
    c = h2 >> 42;
    h2 &= M42;
    h0 += c * 5;
    c = h0 >> 44;
    h0 &= M44;
    h1 += c;
    c = h1 >> 44;
    h1 &= M44;
    h2 += c;
    c = h2 >> 42;
    h2 &= M42;
    h0 += c * 5;
    c = h0 >> 44;
    h0 &= M44;
    h1 += c;
    c = h1 >> 44;
    h1 &= M44;
    h2 += c;
    /* h < 2^130 + 2^44 now; g = h - p = h + 5 - 2^130: take g when it does not borrow. */
    g0 = h0 + 5;
    c = g0 >> 44;
    g0 &= M44;
    g1 = h1 + c;
    c = g1 >> 44;
    g1 &= M44;
    g2 = h2 + c - ((uint64_t) 1 << 42);
    mask = (g2 >> 63) - 1; /* all ones when g2 did not go negative */
    h0 = (h0 & ~mask) | (g0 & mask);
    h1 = (h1 & ~mask) | (g1 & mask);
    h2 = (h2 & ~mask) | (g2 & mask & M42);
    /* tag = (h + s) mod 2^128 */
    lo = h0 | (h1 << 44);
    hi = (h1 >> 20) | (h2 << 24);
    {
        u128 sum = ((u128) hi << 64 | lo) + ((u128) st->pad[1] << 64 | st->pad[0]);
        store64_le(tag, (uint64_t) sum);
        store64_le(tag + 8, (uint64_t) (sum >> 64));
    }
    sodium_memzero(st, sizeof *st);
}
