/*
 * SHA3-256 (FIPS 202). libsodium has no SHA-3; smem's KDF chain needs it on secret data, so it
 * runs here, in C, where its state can be wiped, instead of in a JS heap.
 */
#include "smem_shim.h"

#include <sodium.h>
#include <string.h>

#define SHA3_256_RATE 136U

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* rho offsets and pi lane order, walking the (x, y) -> (y, 2x + 3y) cycle from lane 1. */
static const unsigned rho_offsets[24] = { 1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                          27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44 };
static const unsigned pi_lanes[24] = { 10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                       15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1 };

static uint64_t rotl64(uint64_t x, unsigned n)
{
    return (x << n) | (x >> (64U - n));
}

static void keccak_f1600(uint64_t a[25])
{
    uint64_t c[5], t;
    unsigned round, i, j;

    for (round = 0; round < 24; round++) {
        /* theta */
        for (i = 0; i < 5; i++) {
            c[i] = a[i] ^ a[i + 5] ^ a[i + 10] ^ a[i + 15] ^ a[i + 20];
        }
        for (i = 0; i < 5; i++) {
            t = c[(i + 4) % 5] ^ rotl64(c[(i + 1) % 5], 1);
            for (j = 0; j < 25; j += 5) {
                a[j + i] ^= t;
            }
        }
        /* rho and pi */
        t = a[1];
        for (i = 0; i < 24; i++) {
            uint64_t next = a[pi_lanes[i]];
            a[pi_lanes[i]] = rotl64(t, rho_offsets[i]);
            t = next;
        }
        /* chi */
        for (j = 0; j < 25; j += 5) {
            for (i = 0; i < 5; i++) {
                c[i] = a[j + i];
            }
            for (i = 0; i < 5; i++) {
                a[j + i] = c[i] ^ ((~c[(i + 1) % 5]) & c[(i + 2) % 5]);
            }
        }
        /* iota */
        a[0] ^= round_constants[round];
    }
    sodium_memzero(c, sizeof c);
}

static uint64_t load64_le(const uint8_t *p)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < 8; i++) {
        v |= (uint64_t) p[i] << (8 * i);
    }
    return v;
}

static void store64_le(uint8_t *p, uint64_t v)
{
    unsigned i;
    for (i = 0; i < 8; i++) {
        p[i] = (uint8_t) (v >> (8 * i));
    }
}

static void absorb_block(uint64_t a[25], const uint8_t *block)
{
    unsigned i;
    for (i = 0; i < SHA3_256_RATE / 8; i++) {
        a[i] ^= load64_le(block + 8 * i);
    }
    keccak_f1600(a);
}

int smem_sha3_256(uint8_t out[32], const uint8_t *in, size_t inlen)
{
    uint64_t a[25];
    uint8_t last[SHA3_256_RATE];
    unsigned i;

    memset(a, 0, sizeof a);
    while (inlen >= SHA3_256_RATE) {
        absorb_block(a, in);
        in += SHA3_256_RATE;
        inlen -= SHA3_256_RATE;
    }
    memset(last, 0, sizeof last);
    if (inlen > 0) {
        memcpy(last, in, inlen);
    }
    last[inlen] ^= 0x06; /* SHA-3 domain bits 01 + first pad bit */
    last[SHA3_256_RATE - 1] ^= 0x80;
    absorb_block(a, last);
    for (i = 0; i < 4; i++) {
        store64_le(out + 8 * i, a[i]);
    }
    sodium_memzero(a, sizeof a);
    sodium_memzero(last, sizeof last);
    return 0;
}
