/*
 * ChaCha20-Poly1305 of src/chacha_poly.c and src/poly1305.c (their own kernels where the CPU has
 * them) must equal libsodium's crypto_stream_chacha20_ietf_xor_ic, crypto_onetimeauth_poly1305
 * and crypto_aead_chacha20poly1305_ietf_* bit for bit: every length 0..3100 (the kernel's 1 KiB steps and every tail), larger sizes,
 * in place, odd counters and alignments, AAD of every length 0..40, and tag failures that write
 * nothing. The RFC 8439 and Wycheproof vectors go through the same code via the bun tests
 * (tests/vectors/wycheproof-aead.test.ts) and the vector below.
 */
#include "smem_shim.h"
#include "../src/internal.h"
#include "check.h"

#include <sodium.h>
#include <stdlib.h>

#define MAXLEN (3 * 65536 + 333)

static uint8_t *buf_m, *buf_a, *buf_b;

static void test_keystream(void)
{
    uint8_t key[32], nonce[12];
    size_t len;
    int bad = 0;

    for (len = 0; len <= 3100; len++) {
        uint32_t counter = (uint32_t) (len * 7919U) % 100000U;
        randombytes_buf(key, sizeof key);
        randombytes_buf(nonce, sizeof nonce);
        randombytes_buf(buf_m, len);
        smem_chacha20_ietf_xor(buf_a, buf_m, len, nonce, counter, key);
        crypto_stream_chacha20_ietf_xor_ic(buf_b, buf_m, len, nonce, counter, key);
        if (memcmp(buf_a, buf_b, len) != 0) bad++;
    }
    CHECK(bad == 0);
    {
        static const size_t big[] = {65536, 65536 + 1, 65536 * 2 - 1, MAXLEN};
        size_t i;
        for (i = 0; i < sizeof big / sizeof big[0]; i++) {
            len = big[i];
            randombytes_buf(key, sizeof key);
            randombytes_buf(nonce, sizeof nonce);
            randombytes_buf(buf_m, len);
            /* Unaligned input and output. */
            smem_chacha20_ietf_xor(buf_a + 3, buf_m + 1, len - 1, nonce, 1, key);
            crypto_stream_chacha20_ietf_xor_ic(buf_b, buf_m + 1, len - 1, nonce, 1, key);
            CHECK(memcmp(buf_a + 3, buf_b, len - 1) == 0);
            /* In place. */
            memcpy(buf_a, buf_m, len);
            smem_chacha20_ietf_xor(buf_a, buf_a, len, nonce, 5, key);
            crypto_stream_chacha20_ietf_xor_ic(buf_b, buf_m, len, nonce, 5, key);
            CHECK(memcmp(buf_a, buf_b, len) == 0);
        }
    }
}

/* RFC 8439 section 2.4.2: key 00..1f, nonce 00 00 00 00 00 00 00 4a 00 00 00 00, counter 1. */
static void test_rfc8439_keystream(void)
{
    static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                                "for the future, sunscreen would be it.";
    static const char cipher[] =
        "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b357"
        "1639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
        "5af90bbf74a35be6b40b8eedf2785e42874d";
    uint8_t key[32], nonce[12] = {0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0}, out[114], want[114];
    uint8_t *big = malloc(1024 + 114);
    int i;

    CHECK(sizeof plain - 1 == 114);
    CHECK(hex_decode(want, sizeof want, cipher) == 114);
    for (i = 0; i < 32; i++) key[i] = (uint8_t) i;
    smem_chacha20_ietf_xor(out, (const uint8_t *) plain, 114, nonce, 1, key);
    CHECK(memcmp(out, want, 114) == 0);
    /* The same text behind 1 KiB of zeros (sixteen blocks: one kernel step) from counter
     * 2^32 - 15: the kernel's 32-bit counter wraps, as RFC 8439's does, and the text meets block 1
     * again. (libsodium refuses to wrap and aborts; no caller gets near: a chunk starts at 1.) */
    if (smem_chacha20_kernel_active()) {
        memset(big, 0, 1024);
        memcpy(big + 1024, plain, 114);
        smem_chacha20_ietf_xor(big, big, 1024 + 114, nonce, (uint32_t) -15, key);
        CHECK(memcmp(big + 1024, want, 114) == 0);
    }
    free(big);
}

/* One-shot through smem_poly1305_* with the message fed in two pieces split at `cut`. */
static void poly_mine(uint8_t tag[16], const uint8_t *m, size_t len, size_t cut, const uint8_t key[32])
{
    smem_poly1305_t st;
    smem_poly1305_init(&st, key);
    smem_poly1305_update(&st, m, cut);
    smem_poly1305_update(&st, m + cut, len - cut);
    smem_poly1305_final(&st, tag);
}

static void test_poly1305(void)
{
    /* RFC 8439 section 2.5.2. */
    static const char key_hex[] = "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b";
    static const char tag_hex[] = "a8061dc1305136c6c22b8baf0c0127a9";
    static const char msg[] = "Cryptographic Forum Research Group";
    uint8_t key[32], tag[16], want[16];
    size_t len;
    int bad = 0, pattern;

    CHECK(hex_decode(key, sizeof key, key_hex) == 32 && hex_decode(want, sizeof want, tag_hex) == 16);
    poly_mine(tag, (const uint8_t *) msg, sizeof msg - 1, 5, key);
    CHECK(memcmp(tag, want, 16) == 0);

    /* Every length to 4200 (the eight-block vector steps and every tail), random and extreme keys
     * and messages (all-ones limbs push every carry), split anywhere. */
    for (pattern = 0; pattern < 3; pattern++) {
        for (len = 0; len <= 4200; len++) {
            size_t cut = len == 0 ? 0 : (len * 31) % (len + 1);
            randombytes_buf(key, sizeof key);
            randombytes_buf(buf_m, len);
            if (pattern == 1) memset(buf_m, 0xff, len);
            if (pattern == 2) {
                memset(key, 0xff, sizeof key);
                memset(buf_m, (len & 1) ? 0xff : 0x00, len);
            }
            poly_mine(tag, buf_m, len, cut, key);
            crypto_onetimeauth_poly1305(want, buf_m, len, key);
            if (memcmp(tag, want, 16) != 0) bad++;
        }
    }
    CHECK(bad == 0);
    /* Many small updates equal one big one. */
    len = 65536 + 77;
    randombytes_buf(key, sizeof key);
    randombytes_buf(buf_m, len);
    {
        smem_poly1305_t st;
        size_t at = 0, step = 1;
        smem_poly1305_init(&st, key);
        while (at < len) {
            size_t n = step < len - at ? step : len - at;
            smem_poly1305_update(&st, buf_m + at, n);
            at += n;
            step = step * 3 % 997 + 1;
        }
        smem_poly1305_final(&st, tag);
    }
    crypto_onetimeauth_poly1305(want, buf_m, len, key);
    CHECK(memcmp(tag, want, 16) == 0);
}

static void test_aead(void)
{
    uint8_t key[32], nonce[12], ad[40];
    size_t len, adlen;
    unsigned long long rlen;
    int bad = 0;

    for (len = 0; len <= 1100; len++) {
        adlen = len % 41;
        randombytes_buf(key, sizeof key);
        randombytes_buf(nonce, sizeof nonce);
        randombytes_buf(ad, sizeof ad);
        randombytes_buf(buf_m, len);
        smem_cp_seal(buf_a, buf_m, len, ad, adlen, nonce, key);
        crypto_aead_chacha20poly1305_ietf_encrypt(buf_b, &rlen, buf_m, len, ad, adlen, NULL, nonce, key);
        if (rlen != len + 16 || memcmp(buf_a, buf_b, len + 16) != 0) bad++;
        memset(buf_b, 0xAA, len);
        if (smem_cp_open(buf_b, buf_a, len + 16, ad, adlen, nonce, key) != 0 || memcmp(buf_b, buf_m, len) != 0)
            bad++;
    }
    CHECK(bad == 0);
    /* Chunk-sized and larger. */
    for (len = 65536 - 1; len <= MAXLEN; len += 65536 + 97) {
        randombytes_buf(key, sizeof key);
        randombytes_buf(nonce, sizeof nonce);
        randombytes_buf(buf_m, len);
        smem_cp_seal(buf_a, buf_m, len, NULL, 0, nonce, key);
        crypto_aead_chacha20poly1305_ietf_encrypt(buf_b, &rlen, buf_m, len, NULL, 0, NULL, nonce, key);
        CHECK(memcmp(buf_a, buf_b, len + 16) == 0);
        CHECK(smem_cp_open(buf_b, buf_a, len + 16, NULL, 0, nonce, key) == 0);
        CHECK(memcmp(buf_b, buf_m, len) == 0);
        /* A flipped bit anywhere (ciphertext, tag) or another AAD: refused, nothing written. */
        {
            size_t at[3] = {0, len / 2, len + 15}, i;
            for (i = 0; i < 3; i++) {
                buf_a[at[i]] ^= 0x01;
                memset(buf_b, 0x5C, len);
                CHECK(smem_cp_open(buf_b, buf_a, len + 16, NULL, 0, nonce, key) == -1);
                CHECK(buf_b[0] == 0x5C && buf_b[len - 1] == 0x5C && buf_b[len / 2] == 0x5C);
                buf_a[at[i]] ^= 0x01;
            }
            CHECK(smem_cp_open(buf_b, buf_a, len + 16, (const uint8_t *) "x", 1, nonce, key) == -1);
        }
    }
    CHECK(smem_cp_open(buf_b, buf_a, 15, NULL, 0, nonce, key) == -1);
}

int main(void)
{
    if (smem_init() != 0) return 1;
    fprintf(stderr, "  (ChaCha20 kernel %s, Poly1305 kernel %s)\n",
            smem_chacha20_kernel_active() ? "active" : "not available",
            smem_poly1305_kernel_active() ? "active" : "not available");
    buf_m = malloc(MAXLEN + 16);
    buf_a = malloc(MAXLEN + 32);
    buf_b = malloc(MAXLEN + 32);
    test_keystream();
    test_rfc8439_keystream();
    test_poly1305();
    test_aead();
    /* Again on the path every other CPU takes (libsodium's ChaCha20, the scalar Poly1305). */
    smem_simd_kernels_off = 1;
    CHECK(!smem_chacha20_kernel_active() && !smem_poly1305_kernel_active());
    test_keystream();
    test_rfc8439_keystream();
    test_poly1305();
    test_aead();
    smem_simd_kernels_off = 0;
    free(buf_m);
    free(buf_a);
    free(buf_b);
    return check_done("chacha_poly");
}
