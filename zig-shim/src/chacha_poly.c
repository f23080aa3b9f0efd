/*
 * ChaCha20-Poly1305 (IETF, RFC 8439 section 2.8) for the STREAM payload and the age key wraps,
 * with a ChaCha20 keystream kernel for AVX-512 written from RFC 8439 section 2.3: sixteen blocks
 * at a time, one 512-bit register per state word (lane b holds block b). It is used when the CPU
 * and the OS support AVX-512F (checked at run time by libsodium's CPU probe); other CPUs and the
 * tail shorter than sixteen blocks go through libsodium's ChaCha20. Poly1305 is src/poly1305.c.
 * The result is bit for bit libsodium's crypto_aead_chacha20poly1305_ietf_*
 * (zig-shim/tests/test_chacha_poly.c checks it).
 */
#include "internal.h"

#include <sodium.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define HAVE_AVX512_KERNEL 1
/* Clang 18+ splits 512-bit registers out of avx512f (as "evex512"); GCC has no such name. */
#if defined(__clang__) && __clang_major__ >= 18
#define AVX512_TARGET __attribute__((target("avx512f,evex512")))
#else
#define AVX512_TARGET __attribute__((target("avx512f")))
#endif
#endif

#define KERNEL_BYTES 1024U /* sixteen 64-byte blocks */

#if defined(HAVE_AVX512_KERNEL) /* its only user; unused (an error under -Werror) elsewhere */
static uint32_t load32_le(const uint8_t *p)
{
    return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}
#endif

static void store64_le(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++) p[i] = (uint8_t) (v >> (8 * i));
}

#if defined(HAVE_AVX512_KERNEL)

#define ROUND_QR(a, b, c, d)                                                                        \
    do {                                                                                           \
        x[a] = _mm512_add_epi32(x[a], x[b]);                                                       \
        x[d] = _mm512_rol_epi32(_mm512_xor_si512(x[d], x[a]), 16);                                 \
        x[c] = _mm512_add_epi32(x[c], x[d]);                                                       \
        x[b] = _mm512_rol_epi32(_mm512_xor_si512(x[b], x[c]), 12);                                 \
        x[a] = _mm512_add_epi32(x[a], x[b]);                                                       \
        x[d] = _mm512_rol_epi32(_mm512_xor_si512(x[d], x[a]), 8);                                  \
        x[c] = _mm512_add_epi32(x[c], x[d]);                                                       \
        x[b] = _mm512_rol_epi32(_mm512_xor_si512(x[b], x[c]), 7);                                  \
    } while (0)

/*
 * XORs `count` x 1024 bytes of `in` with the keystream from block `counter` on (the 32-bit IETF
 * block counter, wrapping as RFC 8439's does). `words` is the state of section 2.3 without the
 * counter: constants, key, and the nonce in words 13..15.
 */
AVX512_TARGET static void xor_blocks16(uint8_t *out, const uint8_t *in, size_t count,
                                                             const uint32_t words[16], uint32_t counter)
{
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i sixteen = _mm512_set1_epi32(16);
    __m512i init[16];
    size_t n;
    int j;

    for (j = 0; j < 16; j++) init[j] = _mm512_set1_epi32((int) words[j]);
    init[12] = _mm512_add_epi32(_mm512_set1_epi32((int) counter), lane);

    for (n = 0; n < count; n++) {
        __m512i x[16], a[4][4];
        int r, g;

        for (j = 0; j < 16; j++) x[j] = init[j];
        for (r = 0; r < 10; r++) {
            ROUND_QR(0, 4, 8, 12);
            ROUND_QR(1, 5, 9, 13);
            ROUND_QR(2, 6, 10, 14);
            ROUND_QR(3, 7, 11, 15);
            ROUND_QR(0, 5, 10, 15);
            ROUND_QR(1, 6, 11, 12);
            ROUND_QR(2, 7, 8, 13);
            ROUND_QR(3, 4, 9, 14);
        }
        for (j = 0; j < 16; j++) x[j] = _mm512_add_epi32(x[j], init[j]);
        init[12] = _mm512_add_epi32(init[12], sixteen);

        /* Transpose: words 4g..4g+3 of block 4L+r end up in 128-bit lane L of a[g][r]. */
        for (g = 0; g < 4; g++) {
            __m512i t0 = _mm512_unpacklo_epi32(x[4 * g], x[4 * g + 1]);
            __m512i t1 = _mm512_unpackhi_epi32(x[4 * g], x[4 * g + 1]);
            __m512i t2 = _mm512_unpacklo_epi32(x[4 * g + 2], x[4 * g + 3]);
            __m512i t3 = _mm512_unpackhi_epi32(x[4 * g + 2], x[4 * g + 3]);
            a[g][0] = _mm512_unpacklo_epi64(t0, t2);
            a[g][1] = _mm512_unpackhi_epi64(t0, t2);
            a[g][2] = _mm512_unpacklo_epi64(t1, t3);
            a[g][3] = _mm512_unpackhi_epi64(t1, t3);
        }
        /* Then gather lane L of a[0..3][r]: the whole 64-byte block 4L+r. */
        for (r = 0; r < 4; r++) {
            __m512i p0 = _mm512_shuffle_i32x4(a[0][r], a[1][r], 0x44);
            __m512i p1 = _mm512_shuffle_i32x4(a[0][r], a[1][r], 0xEE);
            __m512i p2 = _mm512_shuffle_i32x4(a[2][r], a[3][r], 0x44);
            __m512i p3 = _mm512_shuffle_i32x4(a[2][r], a[3][r], 0xEE);
            __m512i q[4];
            int l;
            q[0] = _mm512_shuffle_i32x4(p0, p2, 0x88);
            q[1] = _mm512_shuffle_i32x4(p0, p2, 0xDD);
            q[2] = _mm512_shuffle_i32x4(p1, p3, 0x88);
            q[3] = _mm512_shuffle_i32x4(p1, p3, 0xDD);
            for (l = 0; l < 4; l++) {
                size_t at = (size_t) (4 * l + r) * 64;
                __m512i m = _mm512_loadu_si512((const void *) (in + at));
                _mm512_storeu_si512((void *) (out + at), _mm512_xor_si512(m, q[l]));
            }
        }
        in += KERNEL_BYTES;
        out += KERNEL_BYTES;
    }
    /* No key-derived state may stay behind in this frame. */
    for (j = 0; j < 16; j++) init[j] = _mm512_setzero_si512();
    sodium_memzero(init, sizeof init);
}

#undef ROUND_QR
#endif

/* Set only by the shim's C tests, to check the other CPUs' path on this one. */
int smem_simd_kernels_off = 0;

int smem_chacha20_kernel_active(void)
{
#if defined(HAVE_AVX512_KERNEL)
    return !smem_simd_kernels_off && sodium_runtime_has_avx512f();
#else
    return 0;
#endif
}

void smem_chacha20_ietf_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t nonce[12],
                            uint32_t counter, const uint8_t key[32])
{
#if defined(HAVE_AVX512_KERNEL)
    if (len >= KERNEL_BYTES && smem_chacha20_kernel_active()) {
        uint32_t words[16];
        size_t whole = len / KERNEL_BYTES;
        int i;
        words[0] = 0x61707865U; /* "expand 32-byte k" */
        words[1] = 0x3320646eU;
        words[2] = 0x79622d32U;
        words[3] = 0x6b206574U;
        for (i = 0; i < 8; i++) words[4 + i] = load32_le(key + 4 * i);
        words[12] = 0;
        for (i = 0; i < 3; i++) words[13 + i] = load32_le(nonce + 4 * i);
        xor_blocks16(out, in, whole, words, counter);
        sodium_memzero(words, sizeof words);
        out += whole * KERNEL_BYTES;
        in += whole * KERNEL_BYTES;
        len -= whole * KERNEL_BYTES;
        counter += (uint32_t) (whole * (KERNEL_BYTES / 64));
    }
#endif
    if (len > 0) crypto_stream_chacha20_ietf_xor_ic(out, in, (unsigned long long) len, nonce, counter, key);
}

static const uint8_t zero_pad[16];

/* Poly1305 over pad16(ad) || pad16(c) || le64(adlen) || le64(clen) with the block-0 key. */
static void aead_tag(uint8_t tag[16], const uint8_t *c, size_t clen, const uint8_t *ad, size_t adlen,
                     const uint8_t nonce[12], const uint8_t key[32])
{
    smem_poly1305_t st;
    uint8_t block0[64];
    uint8_t lengths[16];

    crypto_stream_chacha20_ietf(block0, sizeof block0, nonce, key);
    smem_poly1305_init(&st, block0);
    sodium_memzero(block0, sizeof block0);
    if (adlen > 0) {
        smem_poly1305_update(&st, ad, adlen);
        smem_poly1305_update(&st, zero_pad, (0x10 - adlen) & 0xf);
    }
    if (clen > 0) {
        smem_poly1305_update(&st, c, clen);
        smem_poly1305_update(&st, zero_pad, (0x10 - clen) & 0xf);
    }
    store64_le(lengths, (uint64_t) adlen);
    store64_le(lengths + 8, (uint64_t) clen);
    smem_poly1305_update(&st, lengths, sizeof lengths);
    smem_poly1305_final(&st, tag); /* wipes st */
}

void smem_cp_seal(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
                  const uint8_t nonce[12], const uint8_t key[32])
{
    smem_chacha20_ietf_xor(c, m, mlen, nonce, 1, key);
    aead_tag(c + mlen, c, mlen, ad, adlen, nonce, key);
}

int smem_cp_open(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad, size_t adlen,
                 const uint8_t nonce[12], const uint8_t key[32])
{
    uint8_t tag[16];
    size_t mlen;
    int ok;

    if (clen < 16) return -1;
    mlen = clen - 16;
    /* Authenticate first: no byte of unauthenticated plaintext is ever written. */
    aead_tag(tag, c, mlen, ad, adlen, nonce, key);
    ok = crypto_verify_16(tag, c + mlen) == 0;
    sodium_memzero(tag, sizeof tag);
    if (!ok) return -1;
    smem_chacha20_ietf_xor(m, c, mlen, nonce, 1, key);
    return 0;
}
