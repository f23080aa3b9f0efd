/*
 * Argon2id (RFC 9106 vector, argument checks, equality with libsodium's crypto_pwhash) and smem's
 * KDF (DESIGN section 6: Argon2id, then a SHA3-256 chain; rounds 0 and 1 agree); scrypt (RFC 7914).
 */
#include "smem_shim.h"
#include "check.h"

#include <sodium.h>
#include <unistd.h>

static void test_rfc9106(void)
{
    uint8_t pw[32], salt[16], secret[8], ad[12], out[32];

    /* RFC 9106 section 5.3. */
    memset(pw, 0x01, sizeof pw);
    memset(salt, 0x02, sizeof salt);
    memset(secret, 0x03, sizeof secret);
    memset(ad, 0x04, sizeof ad);
    CHECK(smem_argon2id(out, 32, pw, 32, salt, 16, secret, 8, ad, 12, 3, 32, 4) == 0);
    CHECK_HEX(out, 32, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    /* Secret and associated data are inputs: dropping either changes the tag. */
    CHECK(smem_argon2id(out, 32, pw, 32, salt, 16, NULL, 0, ad, 12, 3, 32, 4) == 0);
    CHECK(!bytes_equal_hex(out, 32, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"));
    CHECK(smem_argon2id(out, 32, pw, 32, salt, 16, secret, 8, NULL, 0, 3, 32, 4) == 0);
    CHECK(!bytes_equal_hex(out, 32, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"));
}

static void test_argon2id_arguments(void)
{
    uint8_t out[64], salt[16];
    const uint8_t *pw = (const uint8_t *) "password";

    memset(salt, 0x5a, sizeof salt);
    CHECK(smem_argon2id(out, 32, pw, 8, salt, 8, NULL, 0, NULL, 0, 1, 8, 1) == 0);  /* minimums */
    CHECK(smem_argon2id(out, 32, pw, 8, salt, 7, NULL, 0, NULL, 0, 1, 64, 1) == -1); /* salt < 8 */
    CHECK(smem_argon2id(out, 32, pw, 8, salt, 16, NULL, 0, NULL, 0, 0, 64, 1) == -1); /* t = 0 */
    CHECK(smem_argon2id(out, 32, pw, 8, salt, 16, NULL, 0, NULL, 0, 1, 64, 0) == -1); /* p = 0 */
    CHECK(smem_argon2id(out, 32, pw, 8, salt, 16, NULL, 0, NULL, 0, 1, 31, 4) == -1); /* m < 8p */
    CHECK(smem_argon2id(out, 15, pw, 8, salt, 16, NULL, 0, NULL, 0, 1, 64, 1) == -1); /* out < 16 */
    CHECK(smem_argon2id(out, 16, pw, 8, salt, 16, NULL, 0, NULL, 0, 1, 64, 1) == 0);
    CHECK(smem_argon2id(out, 64, NULL, 0, salt, 16, NULL, 0, NULL, 0, 1, 64, 1) == 0); /* empty pw */
}

/* With p = 1, a 16-byte salt and no secret or AD, the shim's direct call into libsodium's
 * Argon2 core must equal libsodium's own crypto_pwhash (the same algorithm through its API). */
static void test_matches_crypto_pwhash(void)
{
    uint8_t salt[crypto_pwhash_SALTBYTES], a[32], b[32];
    const char *pw = "correct horse battery staple";

    smem_randombytes(salt, sizeof salt);
    CHECK(smem_argon2id(a, 32, (const uint8_t *) pw, strlen(pw), salt, sizeof salt, NULL, 0, NULL, 0,
                        2, 256, 1) == 0);
    CHECK(crypto_pwhash(b, 32, pw, strlen(pw), salt, 2, 256 * 1024, crypto_pwhash_ALG_ARGON2ID13) == 0);
    CHECK(memcmp(a, b, 32) == 0);
}

static void test_kdf_derive(void)
{
    const uint8_t *pw = (const uint8_t *) "pass";
    const uint8_t *salt = (const uint8_t *) "saltsalt";
    uint8_t k0[32], r0[32], r1[32], r2[32], r10[32], chain[32];
    int i;

    /* Known answer from an independent implementation (hash-wasm Argon2id + Node's SHA3-256):
     * Argon2id("pass", "saltsalt", m = 1024 KiB, t = 1, p = 1), then SHA3-256 ten times. */
    CHECK(smem_kdf_derive(r10, pw, 4, salt, 8, 1024, 1, 10) == 0);
    CHECK_HEX(r10, 32, "9122556b77b2419f22540075c1fdf2f038a5c5389f760674d6acc8ffda807482");

    /* The chain, step by step, from the shim's own Argon2id and SHA3-256. */
    CHECK(smem_argon2id(k0, 32, pw, 4, salt, 8, NULL, 0, NULL, 0, 1, 1024, 1) == 0);
    CHECK_HEX(k0, 32, "29b75a37ebfece1e966cc9e8cb8268c127ab3ac613524e42bed5d16bf3ff36e4");
    CHECK(smem_kdf_derive(r0, pw, 4, salt, 8, 1024, 1, 0) == 0);
    CHECK(smem_kdf_derive(r1, pw, 4, salt, 8, 1024, 1, 1) == 0);
    CHECK(smem_kdf_derive(r2, pw, 4, salt, 8, 1024, 1, 2) == 0);
    CHECK(memcmp(r0, r1, 32) == 0); /* rounds 0 == rounds 1 */
    smem_sha3_256(chain, k0, 32);
    CHECK(memcmp(chain, r1, 32) == 0);
    smem_sha3_256(chain, chain, 32);
    CHECK(memcmp(chain, r2, 32) == 0);
    for (i = 2; i < 10; i++) smem_sha3_256(chain, chain, 32);
    CHECK(memcmp(chain, r10, 32) == 0);

    /* Every input matters. */
    CHECK(smem_kdf_derive(chain, (const uint8_t *) "pasS", 4, salt, 8, 1024, 1, 10) == 0);
    CHECK(memcmp(chain, r10, 32) != 0);
    CHECK(smem_kdf_derive(chain, pw, 4, (const uint8_t *) "saltsalT", 8, 1024, 1, 10) == 0);
    CHECK(memcmp(chain, r10, 32) != 0);
    CHECK(smem_kdf_derive(chain, pw, 4, salt, 8, 1032, 1, 10) == 0);
    CHECK(memcmp(chain, r10, 32) != 0);
    CHECK(smem_kdf_derive(chain, pw, 4, salt, 8, 1024, 2, 10) == 0);
    CHECK(memcmp(chain, r10, 32) != 0);

    /* Bad Argon2 parameters fail and leave the output untouched. */
    memset(chain, 0xa5, 32);
    CHECK(smem_kdf_derive(chain, pw, 4, salt, 7, 1024, 1, 1) == -1);
    CHECK(smem_kdf_derive(chain, pw, 4, salt, 8, 1024, 0, 1) == -1);
    CHECK(smem_kdf_derive(chain, pw, 4, salt, 8, 7, 1, 1) == -1);
    CHECK(all_bytes_are(chain, 32, 0xa5));
}

/* The KDF on its own thread gives exactly smem_kdf_derive's key; bad parameters fail at finish
 * and leave out untouched; invalid arguments get no job. */
static void test_kdf_job(void)
{
    const uint8_t *salt = (const uint8_t *) "saltsalt";
    uint8_t pw[5] = {'p', 'a', 's', 's', 0};
    uint8_t want[32], got[32];
    void *job, *bad;
    int polls = 0;

    CHECK(smem_kdf_derive(want, pw, 4, salt, 8, 1024, 1, 10) == 0);
    job = smem_kdf_derive_start(pw, 4, salt, 8, 1024, 1, 10);
    CHECK(job != NULL);
    pw[0] = 'X'; /* the job works on its own copy */
    while (job != NULL && !smem_kdf_job_done(job) && polls < 100000) {
        polls++;
        usleep(1000);
    }
    CHECK(job != NULL && smem_kdf_job_done(job) == 1);
    memset(got, 0, sizeof got);
    CHECK(smem_kdf_job_finish(job, got) == 0);
    CHECK(memcmp(got, want, 32) == 0);

    /* finish without polling waits for the thread. */
    pw[0] = 'p';
    job = smem_kdf_derive_start(pw, 4, salt, 8, 1024, 1, 10);
    CHECK(job != NULL && smem_kdf_job_finish(job, got) == 0 && memcmp(got, want, 32) == 0);

    /* t_cost 0 is refused by Argon2: the job reports failure and out is untouched. */
    bad = smem_kdf_derive_start(pw, 4, salt, 8, 1024, 0, 10);
    CHECK(bad != NULL);
    memset(got, 0xa5, sizeof got);
    CHECK(smem_kdf_job_finish(bad, got) == -1);
    CHECK(all_bytes_are(got, 32, 0xa5));

    CHECK(smem_kdf_derive_start(pw, 4, salt, 7, 1024, 1, 10) == NULL);
    CHECK(smem_kdf_derive_start(NULL, 4, salt, 8, 1024, 1, 10) == NULL);
    CHECK(smem_kdf_job_done(NULL) == 0);
    CHECK(smem_kdf_job_finish(NULL, got) == -1);
}

static void test_scrypt(void)
{
    uint8_t out[64], before[64];

    /* RFC 7914 section 12, first two vectors (the first with every input empty, as NULL). */
    CHECK(smem_scrypt(out, 64, NULL, 0, NULL, 0, 4, 1, 1) == 0);
    CHECK_HEX(out, 64,
              "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
              "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    CHECK(smem_scrypt(out, 64, (const uint8_t *) "password", 8, (const uint8_t *) "NaCl", 4, 10, 8,
                      16) == 0);
    CHECK_HEX(out, 64,
              "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
              "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    /* Bad parameters are refused without writing. */
    memset(out, 0x3c, sizeof out);
    memcpy(before, out, sizeof out);
    CHECK(smem_scrypt(out, 64, (const uint8_t *) "pw", 2, (const uint8_t *) "salt", 4, 0, 8, 1) == -1);
    CHECK(smem_scrypt(out, 64, (const uint8_t *) "pw", 2, (const uint8_t *) "salt", 4, 64, 8, 1) == -1);
    CHECK(smem_scrypt(out, 64, (const uint8_t *) "pw", 2, (const uint8_t *) "salt", 4, 4, 0, 1) == -1);
    CHECK(smem_scrypt(out, 64, (const uint8_t *) "pw", 2, (const uint8_t *) "salt", 4, 4, 1, 0) == -1);
    CHECK(smem_scrypt(out, 0, (const uint8_t *) "pw", 2, (const uint8_t *) "salt", 4, 4, 1, 1) == -1);
    CHECK(memcmp(out, before, sizeof out) == 0);
}

int main(void)
{
    if (smem_init() != 0) {
        fprintf(stderr, "smem_init failed\n");
        return 1;
    }
    test_rfc9106();
    test_argon2id_arguments();
    test_matches_crypto_pwhash();
    test_kdf_derive();
    test_kdf_job();
    test_scrypt();
    return check_done("test_kdf");
}
