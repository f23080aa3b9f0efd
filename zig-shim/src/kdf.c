/* Argon2id with the full RFC 9106 input set, and smem's KDF (Argon2id, then a SHA3-256 chain). */
#include "smem_shim.h"
#include "internal.h"

#include <sodium.h>
#include <string.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#endif

/* libsodium's internal Argon2 core (crypto_pwhash/argon2/argon2.h, on the include path by
 * build.zig). crypto_pwhash() fixes the salt at 16 bytes and lanes at 1 and takes no secret or
 * associated data; smem accepts 8-byte salts (DESIGN 5) and the RFC 9106 vector needs all four,
 * so the shim calls the core directly: the same code crypto_pwhash runs, same SIMD dispatch. */
#include "argon2.h"

int smem_argon2id(uint8_t *out, size_t outlen, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
                  size_t saltlen, const uint8_t *secret, size_t secretlen, const uint8_t *ad,
                  size_t adlen, uint32_t t_cost, uint32_t m_kib, uint32_t lanes)
{
    argon2_context ctx;

    if (outlen < ARGON2_MIN_OUTLEN || outlen > 0xffffffffUL || pwlen > 0xffffffffUL || saltlen < 8 ||
        saltlen > 0xffffffffUL || secretlen > 0xffffffffUL || adlen > 0xffffffffUL || t_cost < 1 ||
        lanes < 1 || lanes > 0xffffffUL || m_kib < 8 * lanes) {
        return -1;
    }
    memset(&ctx, 0, sizeof ctx);
    ctx.out = out;
    ctx.outlen = (uint32_t) outlen;
    ctx.pwd = (uint8_t *) pw;
    ctx.pwdlen = (uint32_t) pwlen;
    ctx.salt = (uint8_t *) salt;
    ctx.saltlen = (uint32_t) saltlen;
    ctx.secret = (uint8_t *) secret;
    ctx.secretlen = (uint32_t) secretlen;
    ctx.ad = (uint8_t *) ad;
    ctx.adlen = (uint32_t) adlen;
    ctx.t_cost = t_cost;
    ctx.m_cost = m_kib;
    ctx.lanes = lanes;
    ctx.threads = 1;
    ctx.flags = ARGON2_DEFAULT_FLAGS; /* never clear the caller's locked password */
    return argon2_ctx(&ctx, Argon2_id) == ARGON2_OK ? 0 : -1;
}

int smem_kdf_derive(uint8_t out[32], const uint8_t *pw, size_t pwlen, const uint8_t *salt,
                    size_t saltlen, uint32_t m_kib, uint32_t t_cost, uint64_t rounds)
{
    uint8_t digest[32];
    uint64_t i;

    if (smem_argon2id(digest, sizeof digest, pw, pwlen, salt, saltlen, NULL, 0, NULL, 0, t_cost,
                      m_kib, 1) != 0) {
        sodium_memzero(digest, sizeof digest);
        return -1;
    }
    /* Rounds 0 and 1 both hash once: the chain is at least one SHA3-256 of k0. */
    smem_sha3_256(digest, digest, sizeof digest);
    for (i = 1; i < rounds; i++) {
        smem_sha3_256(digest, digest, sizeof digest);
    }
    memcpy(out, digest, sizeof digest);
    sodium_memzero(digest, sizeof digest);
    return 0;
}

/* ---- the KDF on its own thread ------------------------------------------------------------- */
typedef struct {
#if defined(_WIN32)
    HANDLE thread;
#else
    pthread_t thread;
#endif
    int done; /* atomic: set (release) by the thread after rc and key */
    int rc;
    uint8_t key[32];
    size_t pwlen, saltlen;
    uint32_t m_kib, t_cost;
    uint64_t rounds;
    uint8_t data[]; /* pw, then salt */
} kdf_job_t;

static void kdf_job_run(kdf_job_t *job)
{
    job->rc = smem_kdf_derive(job->key, job->data, job->pwlen, job->data + job->pwlen, job->saltlen,
                              job->m_kib, job->t_cost, job->rounds);
    __atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
}

#if defined(_WIN32)
static DWORD WINAPI kdf_job_main(LPVOID arg)
{
    kdf_job_run((kdf_job_t *) arg);
    return 0;
}
#else
static void *kdf_job_main(void *arg)
{
    kdf_job_run((kdf_job_t *) arg);
    return NULL;
}
#endif

void *smem_kdf_derive_start(const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                            uint32_t m_kib, uint32_t t_cost, uint64_t rounds)
{
    kdf_job_t *job;

    if ((pw == NULL && pwlen != 0) || salt == NULL || saltlen < 8 || pwlen > 0xffffffffUL ||
        saltlen > 0xffffffffUL) {
        return NULL;
    }
    /* sodium_malloc puts the block at the end of its pages: a size that is a multiple of 16
     * keeps the start aligned for the struct. */
    job = (kdf_job_t *) sodium_malloc((sizeof *job + pwlen + saltlen + 15) & ~(size_t) 15);
    if (job == NULL) return NULL;
    memset(job, 0, sizeof *job);
    if (pwlen > 0) memcpy(job->data, pw, pwlen);
    memcpy(job->data + pwlen, salt, saltlen);
    job->pwlen = pwlen;
    job->saltlen = saltlen;
    job->m_kib = m_kib;
    job->t_cost = t_cost;
    job->rounds = rounds;
#if defined(_WIN32)
    job->thread = CreateThread(NULL, 0, kdf_job_main, job, 0, NULL);
    if (job->thread == NULL) {
        sodium_free(job); /* sodium_free wipes */
        return NULL;
    }
#else
    if (pthread_create(&job->thread, NULL, kdf_job_main, job) != 0) {
        sodium_free(job);
        return NULL;
    }
#endif
    return job;
}

int smem_kdf_job_done(void *job)
{
    return job != NULL && __atomic_load_n(&((kdf_job_t *) job)->done, __ATOMIC_ACQUIRE) ? 1 : 0;
}

int smem_kdf_job_finish(void *p, uint8_t out[32])
{
    kdf_job_t *job = (kdf_job_t *) p;
    int rc;

    if (job == NULL) return -1;
#if defined(_WIN32)
    WaitForSingleObject(job->thread, INFINITE);
    CloseHandle(job->thread);
#else
    pthread_join(job->thread, NULL);
#endif
    rc = job->rc;
    if (rc == 0) memcpy(out, job->key, sizeof job->key);
    sodium_free(job); /* wipes the passphrase copy and the key */
    return rc == 0 ? 0 : -1;
}

int smem_scrypt(uint8_t *out, size_t outlen, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
                size_t saltlen, uint32_t log_n, uint32_t r, uint32_t p)
{
    if (log_n < 1 || log_n > 63 || r < 1 || p < 1 || outlen == 0) {
        return -1;
    }
    return crypto_pwhash_scryptsalsa208sha256_ll(smem_nonnull_in(pw, pwlen), pwlen,
                                                 smem_nonnull_in(salt, saltlen), saltlen,
                                                 (uint64_t) 1 << log_n, r, p, out, outlen);
}
