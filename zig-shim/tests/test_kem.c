/*
 * ML-KEM-768 and X-Wing through the shim: known answers, implicit rejection, rejected keys and
 * low-order shares, argument checks, and "outputs untouched on failure".
 *
 * ML-KEM-768 known answers (Wycheproof, ../shared/vectors/wycheproof, all for the official round 3
 * seed 0): mlkem_768_keygen_seed_test.json tcId 1 (seed -> ek, dk), mlkem_768_encaps_test.json
 * tcId 14 (ek, m -> c, K) and mlkem_768_test.json tcId 2 (the same c decapsulates to K). The long
 * values (ek 1184, dk 2400, c 1088 bytes) are compared through their SHA-3-256 digests, computed
 * from the vector files with Python's hashlib. The implicit-rejection secret for c with its first
 * bit flipped is SHAKE256(z || c', 32) (FIPS 203 ML-KEM.Decaps_internal), also from hashlib.
 * X-Wing: the first vector of draft-connolly-cfrg-xwing-kem (tests/fixtures/xwing-draft-vectors.json),
 * pk and ct likewise as digests.
 */
#include "smem_shim.h"
#include "check.h"

static const char *MLKEM_SEED =
    "7c9935a0b07694aa0c6d10e4db6b1add2fd81a25ccb148032dcd739936737f2d"
    "8626ed79d451140800e03b59b956f8210e556067407d13dc90fa9e8b872bfb8f";
static const char *MLKEM_EK_SHA3 = "f57262661358cde8d3ebf990e5fd1d5b896c992ccfaadb5256b68bbf5943b132";
static const char *MLKEM_DK_SHA3 = "7deef44965b03d76de543ad6ef9e74a2772fa5a9fa0e761120dac767cf0152ef";
static const char *MLKEM_M = "147c03f7a5bebba406c8fae1874d7f13c80efe79a3a9a874cc09fe76f6997615";
static const char *MLKEM_C_SHA3 = "6e777e2cf8054659136a971d9e70252f301226930c19c470ee0688163a63c15b";
static const char *MLKEM_K = "e7184a0975ee3470878d2d159ec83129c8aec253d4ee17b4810311d198cd0368";
static const char *MLKEM_K_REJECT = "d8f24fa38430a171f93f27d46c52e0bc636d0a1fd5b9571951afbf1ad0b895a5";

static const char *XWING_SEED = "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26";
static const char *XWING_ESEED =
    "3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e2"
    "35b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2";
static const char *XWING_PK_SHA3 = "5121745904643ad9dfacca7869292c19a8a69533b53e60666b7db910b4ad6367";
static const char *XWING_CT_SHA3 = "c0abd149f83f45324ac3a7ddc7606c71f257e5ea86113522834a0ee1bcb34e3e";
static const char *XWING_SS = "d2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384";

static uint8_t pk[smem_XWING_PUBLICKEYBYTES], sk[smem_MLKEM768_SECRETKEYBYTES];
static uint8_t ct[smem_XWING_CIPHERTEXTBYTES], ct2[smem_XWING_CIPHERTEXTBYTES];
static uint8_t seed[64], coins[64], ss[32], ss2[32], digest[32];

static int digest_is(const uint8_t *p, size_t len, const char *want)
{
    return smem_sha3_256(digest, p, len) == 0 && bytes_equal_hex(digest, 32, want);
}

static void test_mlkem768_known_answers(void)
{
    CHECK(hex_decode(seed, sizeof seed, MLKEM_SEED) == 64);
    CHECK(smem_kem_mlkem768_seed_keypair(pk, smem_MLKEM768_PUBLICKEYBYTES, sk,
                                         smem_MLKEM768_SECRETKEYBYTES, seed, 64) == 0);
    CHECK(digest_is(pk, smem_MLKEM768_PUBLICKEYBYTES, MLKEM_EK_SHA3));
    CHECK(digest_is(sk, smem_MLKEM768_SECRETKEYBYTES, MLKEM_DK_SHA3));

    CHECK(hex_decode(coins, sizeof coins, MLKEM_M) == 32);
    CHECK(smem_kem_mlkem768_enc_deterministic(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk,
                                              smem_MLKEM768_PUBLICKEYBYTES, coins, 32) == 0);
    CHECK(digest_is(ct, smem_MLKEM768_CIPHERTEXTBYTES, MLKEM_C_SHA3));
    CHECK_HEX(ss, 32, MLKEM_K);

    memset(ss2, 0, sizeof ss2);
    CHECK(smem_kem_mlkem768_dec(ss2, 32, ct, smem_MLKEM768_CIPHERTEXTBYTES, sk,
                                smem_MLKEM768_SECRETKEYBYTES) == 0);
    CHECK_HEX(ss2, 32, MLKEM_K);

    /* Implicit rejection: an altered ciphertext gives the pseudorandom K-bar, not an error. */
    ct[0] ^= 0x01;
    CHECK(smem_kem_mlkem768_dec(ss2, 32, ct, smem_MLKEM768_CIPHERTEXTBYTES, sk,
                                smem_MLKEM768_SECRETKEYBYTES) == 0);
    CHECK_HEX(ss2, 32, MLKEM_K_REJECT);
    ct[0] ^= 0x01;
}

static void test_mlkem768_random_and_rejections(void)
{
    uint8_t before[smem_MLKEM768_CIPHERTEXTBYTES];

    smem_randombytes(seed, 64);
    CHECK(smem_kem_mlkem768_seed_keypair(pk, smem_MLKEM768_PUBLICKEYBYTES, sk,
                                         smem_MLKEM768_SECRETKEYBYTES, seed, 64) == 0);
    CHECK(smem_kem_mlkem768_enc(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk,
                                smem_MLKEM768_PUBLICKEYBYTES) == 0);
    CHECK(smem_kem_mlkem768_enc(ct2, smem_MLKEM768_CIPHERTEXTBYTES, ss2, 32, pk,
                                smem_MLKEM768_PUBLICKEYBYTES) == 0);
    CHECK(memcmp(ct, ct2, smem_MLKEM768_CIPHERTEXTBYTES) != 0); /* fresh randomness each time */
    CHECK(smem_kem_mlkem768_dec(ss2, 32, ct, smem_MLKEM768_CIPHERTEXTBYTES, sk,
                                smem_MLKEM768_SECRETKEYBYTES) == 0);
    CHECK(memcmp(ss, ss2, 32) == 0);

    /* FIPS 203 modulus check: first coefficient 0xfff = 4095 >= q. Nothing is written. */
    pk[0] = 0xff;
    pk[1] |= 0x0f;
    memset(ct, 0xa5, sizeof ct);
    memset(ss, 0xa5, sizeof ss);
    memcpy(before, ct, sizeof before);
    CHECK(smem_kem_mlkem768_enc(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk,
                                smem_MLKEM768_PUBLICKEYBYTES) == -1);
    CHECK(smem_kem_mlkem768_enc_deterministic(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk,
                                              smem_MLKEM768_PUBLICKEYBYTES, coins, 32) == -1);
    CHECK(memcmp(ct, before, sizeof before) == 0);
    CHECK(all_bytes_are(ss, 32, 0xa5));
    /* 3328 = q - 1 is the largest value allowed. */
    pk[0] = 0x00;
    pk[1] = (uint8_t) ((pk[1] & 0xf0) | 0x0d);
    CHECK(smem_kem_mlkem768_enc(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk,
                                smem_MLKEM768_PUBLICKEYBYTES) == 0);

    /* Every length must be exact. */
    CHECK(smem_kem_mlkem768_seed_keypair(pk, smem_MLKEM768_PUBLICKEYBYTES, sk,
                                         smem_MLKEM768_SECRETKEYBYTES, seed, 63) == -1);
    CHECK(smem_kem_mlkem768_seed_keypair(pk, smem_MLKEM768_PUBLICKEYBYTES - 1, sk,
                                         smem_MLKEM768_SECRETKEYBYTES, seed, 64) == -1);
    CHECK(smem_kem_mlkem768_seed_keypair(pk, smem_MLKEM768_PUBLICKEYBYTES, sk, 32, seed, 64) == -1);
    CHECK(smem_kem_mlkem768_enc(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk, 1183) == -1);
    CHECK(smem_kem_mlkem768_enc(ct, smem_MLKEM768_CIPHERTEXTBYTES - 1, ss, 32, pk,
                                smem_MLKEM768_PUBLICKEYBYTES) == -1);
    CHECK(smem_kem_mlkem768_enc(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 31, pk,
                                smem_MLKEM768_PUBLICKEYBYTES) == -1);
    CHECK(smem_kem_mlkem768_enc_deterministic(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk,
                                              smem_MLKEM768_PUBLICKEYBYTES, coins, 64) == -1);
    CHECK(smem_kem_mlkem768_enc_deterministic(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk,
                                              smem_MLKEM768_PUBLICKEYBYTES, NULL, 0) == -1);
    CHECK(smem_kem_mlkem768_dec(ss2, 32, ct, smem_MLKEM768_CIPHERTEXTBYTES + 1, sk,
                                smem_MLKEM768_SECRETKEYBYTES) == -1);
    CHECK(smem_kem_mlkem768_dec(ss2, 32, ct, smem_MLKEM768_CIPHERTEXTBYTES, sk, 64) == -1);
    CHECK(smem_kem_mlkem768_dec(NULL, 0, ct, smem_MLKEM768_CIPHERTEXTBYTES, sk,
                                smem_MLKEM768_SECRETKEYBYTES) == -1);
}

static void test_xwing_known_answers(void)
{
    uint8_t seed_copy[32];

    CHECK(hex_decode(seed, sizeof seed, XWING_SEED) == 32);
    memset(seed_copy, 0, sizeof seed_copy);
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_XWING_PUBLICKEYBYTES, seed_copy, 32, seed, 32) == 0);
    CHECK(digest_is(pk, smem_XWING_PUBLICKEYBYTES, XWING_PK_SHA3));
    CHECK(memcmp(seed_copy, seed, 32) == 0); /* the X-Wing secret key is the seed */
    memset(pk, 0, sizeof pk);
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_XWING_PUBLICKEYBYTES, NULL, 0, seed, 32) == 0);
    CHECK(digest_is(pk, smem_XWING_PUBLICKEYBYTES, XWING_PK_SHA3));

    CHECK(hex_decode(coins, sizeof coins, XWING_ESEED) == 64);
    CHECK(smem_kem_xwing_enc_deterministic(ct, smem_XWING_CIPHERTEXTBYTES, ss, 32, pk,
                                           smem_XWING_PUBLICKEYBYTES, coins, 64) == 0);
    CHECK(digest_is(ct, smem_XWING_CIPHERTEXTBYTES, XWING_CT_SHA3));
    CHECK_HEX(ss, 32, XWING_SS);
    memset(ss2, 0, sizeof ss2);
    CHECK(smem_kem_xwing_dec(ss2, 32, ct, smem_XWING_CIPHERTEXTBYTES, seed, 32) == 0);
    CHECK_HEX(ss2, 32, XWING_SS);

    /* Another ciphertext for the same key: an unrelated secret (implicit rejection). */
    ct[5] ^= 0x40;
    CHECK(smem_kem_xwing_dec(ss2, 32, ct, smem_XWING_CIPHERTEXTBYTES, seed, 32) == 0);
    CHECK(memcmp(ss2, ss, 32) != 0);
    ct[5] ^= 0x40;
}

static void test_xwing_random_and_rejections(void)
{
    smem_randombytes(seed, 32);
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_XWING_PUBLICKEYBYTES, NULL, 0, seed, 32) == 0);
    CHECK(smem_kem_xwing_enc(ct, smem_XWING_CIPHERTEXTBYTES, ss, 32, pk, smem_XWING_PUBLICKEYBYTES) == 0);
    CHECK(smem_kem_xwing_enc(ct2, smem_XWING_CIPHERTEXTBYTES, ss2, 32, pk, smem_XWING_PUBLICKEYBYTES) == 0);
    CHECK(memcmp(ct, ct2, smem_XWING_CIPHERTEXTBYTES) != 0);
    CHECK(smem_kem_xwing_dec(ss2, 32, ct, smem_XWING_CIPHERTEXTBYTES, seed, 32) == 0);
    CHECK(memcmp(ss, ss2, 32) == 0);

    /* A low-order X25519 share in the ciphertext (zero point) is refused; ss stays as it was. */
    memcpy(ct2, ct, sizeof ct2);
    memset(ct2 + smem_MLKEM768_CIPHERTEXTBYTES, 0, 32);
    memset(ss2, 0x5a, sizeof ss2);
    CHECK(smem_kem_xwing_dec(ss2, 32, ct2, smem_XWING_CIPHERTEXTBYTES, seed, 32) == -1);
    CHECK(all_bytes_are(ss2, 32, 0x5a));
    ct2[smem_MLKEM768_CIPHERTEXTBYTES] = 1; /* the point 1, also low-order */
    CHECK(smem_kem_xwing_dec(ss2, 32, ct2, smem_XWING_CIPHERTEXTBYTES, seed, 32) == -1);

    /* A low-order X25519 public key, and an unreduced ML-KEM coefficient, are refused. */
    memcpy(ct2, ct, sizeof ct2);
    memset(pk + smem_MLKEM768_PUBLICKEYBYTES, 0, 32);
    CHECK(smem_kem_xwing_enc(ct2, smem_XWING_CIPHERTEXTBYTES, ss2, 32, pk, smem_XWING_PUBLICKEYBYTES) == -1);
    CHECK(memcmp(ct2, ct, sizeof ct2) == 0);
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_XWING_PUBLICKEYBYTES, NULL, 0, seed, 32) == 0);
    pk[0] = 0xff;
    pk[1] |= 0x0f;
    CHECK(smem_kem_xwing_enc_deterministic(ct2, smem_XWING_CIPHERTEXTBYTES, ss2, 32, pk,
                                           smem_XWING_PUBLICKEYBYTES, coins, 64) == -1);
    CHECK(memcmp(ct2, ct, sizeof ct2) == 0);

    /* Every length must be exact. */
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_XWING_PUBLICKEYBYTES, NULL, 0, seed, 31) == -1);
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_XWING_PUBLICKEYBYTES, sk, 31, seed, 32) == -1);
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_MLKEM768_PUBLICKEYBYTES, NULL, 0, seed, 32) == -1);
    CHECK(smem_kem_xwing_enc(ct, smem_XWING_CIPHERTEXTBYTES, ss, 32, pk, smem_MLKEM768_PUBLICKEYBYTES) == -1);
    CHECK(smem_kem_xwing_enc(ct, smem_MLKEM768_CIPHERTEXTBYTES, ss, 32, pk, smem_XWING_PUBLICKEYBYTES) == -1);
    CHECK(smem_kem_xwing_enc_deterministic(ct, smem_XWING_CIPHERTEXTBYTES, ss, 32, pk,
                                           smem_XWING_PUBLICKEYBYTES, coins, 32) == -1);
    CHECK(smem_kem_xwing_dec(ss, 32, ct, smem_XWING_CIPHERTEXTBYTES - 1, seed, 32) == -1);
    CHECK(smem_kem_xwing_dec(ss, 32, ct, smem_XWING_CIPHERTEXTBYTES, seed, 64) == -1);
    CHECK(smem_kem_xwing_dec(ss, 16, ct, smem_XWING_CIPHERTEXTBYTES, seed, 32) == -1);
}

/* The HPKE receiver's failure paths and its argument checks. Known answers (filippo.io/hpke's
 * vector) and agreement with the TypeScript sender are in tests/vectors/hpke-xwing.test.ts. */
static void test_hpke_xwing_open_first(void)
{
    static const uint8_t info[] = "age-encryption.org/mlkem768x25519";
    uint8_t body[32], out[16];

    smem_randombytes(seed, 32);
    CHECK(smem_kem_xwing_seed_keypair(pk, smem_XWING_PUBLICKEYBYTES, NULL, 0, seed, 32) == 0);
    CHECK(smem_kem_xwing_enc(ct, smem_XWING_CIPHERTEXTBYTES, ss, 32, pk, smem_XWING_PUBLICKEYBYTES) == 0);
    smem_randombytes(body, sizeof body);

    /* A body not sealed to this key does not authenticate, and leaves zeros, not plaintext. */
    memset(out, 0x5a, sizeof out);
    CHECK(smem_hpke_xwing_open_first(out, 16, ct, smem_XWING_CIPHERTEXTBYTES, body, 32, NULL, 0,
                                     info, sizeof info - 1, seed, 32) == -3);
    CHECK(all_bytes_are(out, 16, 0));

    /* A low-order X25519 share is refused before any key schedule; out is untouched. */
    memcpy(ct2, ct, sizeof ct2);
    memset(ct2 + smem_MLKEM768_CIPHERTEXTBYTES, 0, 32);
    memset(out, 0x5a, sizeof out);
    CHECK(smem_hpke_xwing_open_first(out, 16, ct2, smem_XWING_CIPHERTEXTBYTES, body, 32, NULL, 0,
                                     info, sizeof info - 1, seed, 32) == -2);
    CHECK(all_bytes_are(out, 16, 0x5a));

    /* Every length must fit: enc, seed, pt = ct - 16, and no NULL with a length. */
    CHECK(smem_hpke_xwing_open_first(out, 16, ct, smem_XWING_CIPHERTEXTBYTES - 1, body, 32, NULL,
                                     0, info, sizeof info - 1, seed, 32) == -1);
    CHECK(smem_hpke_xwing_open_first(out, 16, ct, smem_XWING_CIPHERTEXTBYTES, body, 32, NULL, 0,
                                     info, sizeof info - 1, seed, 31) == -1);
    CHECK(smem_hpke_xwing_open_first(out, 15, ct, smem_XWING_CIPHERTEXTBYTES, body, 32, NULL, 0,
                                     info, sizeof info - 1, seed, 32) == -1);
    CHECK(smem_hpke_xwing_open_first(out, 0, ct, smem_XWING_CIPHERTEXTBYTES, body, 15, NULL, 0,
                                     info, sizeof info - 1, seed, 32) == -1);
    CHECK(smem_hpke_xwing_open_first(out, 16, ct, smem_XWING_CIPHERTEXTBYTES, body, 32, NULL, 4,
                                     info, sizeof info - 1, seed, 32) == -1);
    CHECK(smem_hpke_xwing_open_first(out, 16, ct, smem_XWING_CIPHERTEXTBYTES, body, 32, NULL, 0,
                                     NULL, 3, seed, 32) == -1);
}

int main(void)
{
    if (smem_init() != 0) {
        fprintf(stderr, "smem_init failed\n");
        return 1;
    }
    test_mlkem768_known_answers();
    test_mlkem768_random_and_rejections();
    test_xwing_known_answers();
    test_xwing_random_and_rejections();
    test_hpke_xwing_open_first();
    return check_done("test_kem");
}
