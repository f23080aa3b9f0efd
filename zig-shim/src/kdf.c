/* Argon2id with the full RFC 9106 input set, and smem's KDF (Argon2id, then a SHA3-256 chain). */
#include "smem_shim.h"
#include "internal.h"

#include <sodium.h>
#include <string.h>

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
