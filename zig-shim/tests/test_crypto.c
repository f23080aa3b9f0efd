/*
 * Utilities, hashes, MACs, AEAD and X25519 against published known answers (FIPS 202, RFC 7693,
 * RFC 4231, RFC 5869, RFC 8439, draft-irtf-cfrg-xchacha, RFC 7748), plus tamper and argument
 * checks. The full Wycheproof sets run through the same functions in tests/vectors/ (bun test).
 */
#include "smem_shim.h"
#include "check.h"

static uint8_t buf_a[1024], buf_b[1024], buf_c[1024];

static void test_utilities(void)
{
    uint8_t x[64], y[64];
    memset(x, 0, sizeof x);
    smem_randombytes(x, sizeof x);
    CHECK(!all_bytes_are(x, sizeof x, 0));
    memcpy(y, x, sizeof x);
    smem_randombytes(y, sizeof y);
    CHECK(memcmp(x, y, sizeof x) != 0);
    smem_randombytes(NULL, 0); /* zero lengths may come with NULL (an empty TypedArray) */

    memcpy(y, x, sizeof x);
    CHECK(smem_memcmp(x, y, sizeof x) == 0);
    CHECK(smem_memcmp(x, y, 0) == 0);
    CHECK(smem_memcmp(NULL, NULL, 0) == 0);
    y[63] ^= 0x01;
    CHECK(smem_memcmp(x, y, sizeof x) == -1);
    CHECK(smem_memcmp(x, y, 63) == 0);
    y[63] ^= 0x01;
    y[0] ^= 0x80;
    CHECK(smem_memcmp(x, y, sizeof x) == -1);

    smem_memzero(x + 8, 16);
    CHECK(all_bytes_are(x + 8, 16, 0));
    CHECK(memcmp(x + 24, y + 24, 40) == 0); /* only the asked range */
    smem_memzero(NULL, 0);
}

static void test_sha3_256(void)
{
    uint8_t out[32];
    size_t n;

    /* FIPS 202 / NIST CAVP known answers. */
    CHECK(smem_sha3_256(out, (const uint8_t *) "", 0) == 0);
    CHECK_HEX(out, 32, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    CHECK(smem_sha3_256(out, NULL, 0) == 0);
    CHECK_HEX(out, 32, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    CHECK(smem_sha3_256(out, (const uint8_t *) "abc", 3) == 0);
    CHECK_HEX(out, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    /* 200 bytes of 0xa3 (NIST's 1600-bit example): crosses the 136-byte rate. */
    memset(buf_a, 0xa3, 200);
    CHECK(smem_sha3_256(out, buf_a, 200) == 0);
    CHECK_HEX(out, 32, "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787");

    /* The padding edges around the rate: one short, exactly one block, one over, two blocks. */
    memset(buf_a, 'a', 272);
    n = 135;
    CHECK(smem_sha3_256(out, buf_a, n) == 0);
    CHECK_HEX(out, 32, "8094bb53c44cfb1e67b7c30447f9a1c33696d2463ecc1d9c92538913392843c9");
    n = 136;
    CHECK(smem_sha3_256(out, buf_a, n) == 0);
    CHECK_HEX(out, 32, "3fc5559f14db8e453a0a3091edbd2bc25e11528d81c66fa570a4efdcc2695ee1");
    n = 137;
    CHECK(smem_sha3_256(out, buf_a, n) == 0);
    CHECK_HEX(out, 32, "f8d6846cedd2ccfadf15c5879ef95af724d799eed7391fb1c91f95344e738614");
    n = 272;
    CHECK(smem_sha3_256(out, buf_a, n) == 0);
    CHECK_HEX(out, 32, "a490357b9b3fb39d0a89a117734e5b020b1f33c7bf3fa3575c396425432003d3");

    /* In place (the KDF chain hashes its own digest). */
    memcpy(buf_b, "abc", 3);
    memset(buf_b + 3, 0, 29);
    CHECK(smem_sha3_256(buf_b, buf_b, 3) == 0);
    CHECK_HEX(buf_b, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
}

static void test_blake2b(void)
{
    uint8_t out[64], key[64];
    size_t i;

    /* RFC 7693 appendix A: BLAKE2b-512("abc"). */
    CHECK(smem_blake2b(out, 64, (const uint8_t *) "abc", 3, NULL, 0) == 0);
    CHECK_HEX(out, 64,
              "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
              "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    /* BLAKE2b-256("abc"): the output length is a parameter, not a truncation. */
    CHECK(smem_blake2b(out, 32, (const uint8_t *) "abc", 3, NULL, 0) == 0);
    CHECK_HEX(out, 32, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    /* Reference keyed KAT (blake2b-kat.txt, first entry): key 00..3f, empty input. */
    for (i = 0; i < 64; i++) key[i] = (uint8_t) i;
    CHECK(smem_blake2b(out, 64, NULL, 0, key, 64) == 0);
    CHECK_HEX(out, 64,
              "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
              "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568");
    /* 16-byte output, 32-byte key, 256-byte input (computed with Python's hashlib). */
    for (i = 0; i < 256; i++) buf_a[i] = (uint8_t) i;
    CHECK(smem_blake2b(out, 16, buf_a, 256, key, 32) == 0);
    CHECK_HEX(out, 16, "c7eca2c1ae35a1e0f627b8ebbe105c94");

    /* Out-of-range lengths are refused. */
    CHECK(smem_blake2b(out, 15, buf_a, 3, NULL, 0) == -1);
    CHECK(smem_blake2b(out, 65, buf_a, 3, NULL, 0) == -1);
    CHECK(smem_blake2b(out, 32, buf_a, 3, key, 65) == -1);
}

static void test_hmac_sha256(void)
{
    uint8_t out[32], key[131];

    /* RFC 4231 test case 1. */
    memset(key, 0x0b, 20);
    CHECK(smem_hmac_sha256(out, (const uint8_t *) "Hi There", 8, key, 20) == 0);
    CHECK_HEX(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    /* Test case 2: a key shorter than the block. */
    CHECK(smem_hmac_sha256(out, (const uint8_t *) "what do ya want for nothing?", 28,
                           (const uint8_t *) "Jefe", 4) == 0);
    CHECK_HEX(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* Test case 6: a 131-byte key, longer than the block, is hashed first. */
    memset(key, 0xaa, 131);
    CHECK(smem_hmac_sha256(out,
                           (const uint8_t *) "Test Using Larger Than Block-Size Key - Hash Key First",
                           54, key, 131) == 0);
    CHECK_HEX(out, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    /* Empty key and message, as NULL (an empty TypedArray can arrive so). */
    CHECK(smem_hmac_sha256(out, NULL, 0, NULL, 0) == 0);
    CHECK_HEX(out, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

static void test_hkdf_sha256(void)
{
    uint8_t ikm[22], salt[13], info[10], okm[8200];
    size_t i;

    /* RFC 5869 test case 1. */
    memset(ikm, 0x0b, sizeof ikm);
    for (i = 0; i < sizeof salt; i++) salt[i] = (uint8_t) i;
    for (i = 0; i < sizeof info; i++) info[i] = (uint8_t) (0xf0 + i);
    CHECK(smem_hkdf_sha256(okm, 42, ikm, 22, salt, 13, info, 10) == 0);
    CHECK_HEX(okm, 42,
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
              "34007208d5b887185865");
    /* Test case 3: no salt, no info. */
    CHECK(smem_hkdf_sha256(okm, 42, ikm, 22, NULL, 0, NULL, 0) == 0);
    CHECK_HEX(okm, 42,
              "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
              "9d201395faa4b61a96c8");
    /* Shorter outputs are prefixes; the maximum is 255 blocks and one more is refused. */
    CHECK(smem_hkdf_sha256(okm, 5, ikm, 22, salt, 13, info, 10) == 0);
    CHECK_HEX(okm, 5, "3cb25f25fa");
    CHECK(smem_hkdf_sha256(okm, 255 * 32, ikm, 22, salt, 13, info, 10) == 0);
    CHECK_HEX(okm, 42,
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
              "34007208d5b887185865");
    CHECK(smem_hkdf_sha256(okm, 255 * 32 + 1, ikm, 22, salt, 13, info, 10) == -1);
    /* Empty everything, as NULL: PRK = HMAC(32 zero bytes, ""), OKM = HMAC(PRK, 0x01). */
    CHECK(smem_hkdf_sha256(okm, 32, NULL, 0, NULL, 0, NULL, 0) == 0);
    CHECK_HEX(okm, 32, "eb70f01dede9afafa449eee1b1286504e1f62388b3f7dd4f956697b0e828fe18");
    CHECK(smem_hkdf_sha256(NULL, 0, ikm, 22, salt, 13, info, 10) == 0);
}

/* RFC 8439 section 2.8.2 plaintext and AAD, shared by both AEAD known answers. */
static const char sunscreen[] =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
    "sunscreen would be it.";
static const char aead_key_hex[] = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
static const char aead_ad_hex[] = "50515253c0c1c2c3c4c5c6c7";

typedef int (*aead_fn)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                       const uint8_t *);

static void aead_known_answer(aead_fn enc, aead_fn dec, const char *nonce_hex, const char *want_hex)
{
    uint8_t key[32], ad[12], nonce[24];
    size_t mlen = sizeof sunscreen - 1;

    hex_decode(key, sizeof key, aead_key_hex);
    hex_decode(ad, sizeof ad, aead_ad_hex);
    hex_decode(nonce, sizeof nonce, nonce_hex);
    CHECK(mlen == 114);
    CHECK(enc(buf_a, (const uint8_t *) sunscreen, mlen, ad, 12, nonce, key) == 0);
    CHECK_HEX(buf_a, mlen + 16, want_hex);
    memset(buf_b, 0, sizeof buf_b);
    CHECK(dec(buf_b, buf_a, mlen + 16, ad, 12, nonce, key) == 0);
    CHECK(memcmp(buf_b, sunscreen, mlen) == 0);
}

/* Roundtrip and every kind of tampering, for sizes around the 64-byte ChaCha block. */
static void aead_tamper(aead_fn enc, aead_fn dec, size_t nonce_len)
{
    const size_t sizes[] = { 0, 1, 63, 64, 65, 500 };
    uint8_t key[32], nonce[24], ad[20];
    size_t s;

    smem_randombytes(key, sizeof key);
    smem_randombytes(nonce, sizeof nonce);
    smem_randombytes(ad, sizeof ad);
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t mlen = sizes[s], clen = mlen + 16;
        smem_randombytes(buf_a, mlen);
        CHECK(enc(buf_b, buf_a, mlen, ad, sizeof ad, nonce, key) == 0);
        CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad, nonce, key) == 0);
        CHECK(memcmp(buf_a, buf_c, mlen) == 0);
        /* A flipped ciphertext bit, tag bit, AD byte, nonce byte or key byte: rejected. */
        if (mlen > 0) {
            size_t i, leaked = 0;
            buf_b[mlen / 2] ^= 0x04;
            memset(buf_c, 0xaa, mlen);
            CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad, nonce, key) == -1);
            buf_b[mlen / 2] ^= 0x04;
            /* A failed decryption releases no plaintext: the output is untouched or zeroed. */
            for (i = 0; i < mlen; i++) leaked += buf_c[i] != 0xaa && buf_c[i] != 0;
            CHECK(leaked == 0);
        }
        buf_b[clen - 1] ^= 0x80;
        CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad, nonce, key) == -1);
        buf_b[clen - 1] ^= 0x80;
        ad[0] ^= 1;
        CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad, nonce, key) == -1);
        ad[0] ^= 1;
        CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad - 1, nonce, key) == -1);
        nonce[nonce_len - 1] ^= 1;
        CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad, nonce, key) == -1);
        nonce[nonce_len - 1] ^= 1;
        key[31] ^= 1;
        CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad, nonce, key) == -1);
        key[31] ^= 1;
        /* Truncated (tag cut short, or shorter than a tag at all). */
        CHECK(dec(buf_c, buf_b, clen - 1, ad, sizeof ad, nonce, key) == -1);
        CHECK(dec(buf_c, buf_b, 15, ad, sizeof ad, nonce, key) == -1);
        CHECK(dec(buf_c, buf_b, 0, ad, sizeof ad, nonce, key) == -1);
        /* Intact again. */
        CHECK(dec(buf_c, buf_b, clen, ad, sizeof ad, nonce, key) == 0);
    }
    /* No associated data at all. */
    CHECK(enc(buf_b, buf_a, 10, NULL, 0, nonce, key) == 0);
    CHECK(dec(buf_c, buf_b, 26, NULL, 0, nonce, key) == 0);
    CHECK(memcmp(buf_a, buf_c, 10) == 0);
}

static void test_aead(void)
{
    aead_known_answer(smem_aead_chacha20poly1305_ietf_encrypt,
                      smem_aead_chacha20poly1305_ietf_decrypt, "070000004041424344454647",
                      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                      "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                      "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                      "3ff4def08e4b7a9de576d26586cec64b6116"
                      "1ae10b594f09e26a7e902ecbd0600691");
    aead_known_answer(smem_aead_xchacha20poly1305_encrypt, smem_aead_xchacha20poly1305_decrypt,
                      "404142434445464748494a4b4c4d4e4f5051525354555657",
                      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
                      "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
                      "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
                      "21f9664c97637da9768812f615c68b13b52e"
                      "c0875924c1c7987947deafd8780acf49");
    aead_tamper(smem_aead_chacha20poly1305_ietf_encrypt, smem_aead_chacha20poly1305_ietf_decrypt,
                smem_CHACHA_IETF_NPUBBYTES);
    aead_tamper(smem_aead_xchacha20poly1305_encrypt, smem_aead_xchacha20poly1305_decrypt,
                smem_XCHACHA_NPUBBYTES);
}

static void test_x25519(void)
{
    uint8_t n[32], p[32], q[32], a_pub[32], b_pub[32], a_shared[32], b_shared[32];

    /* RFC 7748 section 5.2, first vector. */
    hex_decode(n, 32, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    hex_decode(p, 32, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    CHECK(smem_x25519(q, n, p) == 0);
    CHECK_HEX(q, 32, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");

    /* RFC 7748 section 6.1: both key pairs and the shared secret. */
    hex_decode(n, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    CHECK(smem_x25519_base(a_pub, n) == 0);
    CHECK_HEX(a_pub, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    hex_decode(p, 32, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    CHECK(smem_x25519_base(b_pub, p) == 0);
    CHECK_HEX(b_pub, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    CHECK(smem_x25519(a_shared, n, b_pub) == 0);
    CHECK(smem_x25519(b_shared, p, a_pub) == 0);
    CHECK_HEX(a_shared, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    CHECK(memcmp(a_shared, b_shared, 32) == 0);

    /* Low-order points give an all-zero secret, which must be refused (RFC 7748 section 6.1),
     * and a refused call leaves the output as it was. */
    memset(p, 0, 32); /* u = 0 */
    memset(q, 0x77, 32);
    CHECK(smem_x25519(q, n, p) == -1);
    CHECK(all_bytes_are(q, 32, 0x77));
    p[0] = 1; /* u = 1 */
    CHECK(smem_x25519(q, n, p) == -1);
    /* A point of order 8 (one of the small-order points RFC 7748 section 7 warns about). */
    hex_decode(p, 32, "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
    CHECK(smem_x25519(q, n, p) == -1);
}

int main(void)
{
    if (smem_init() != 0) {
        fprintf(stderr, "smem_init failed\n");
        return 1;
    }
    test_utilities();
    test_sha3_256();
    test_blake2b();
    test_hmac_sha256();
    test_hkdf_sha256();
    test_aead();
    test_x25519();
    return check_done("test_crypto");
}
