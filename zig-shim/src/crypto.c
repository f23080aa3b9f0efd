/* Thin, length-checked wrappers over libsodium's primitives. */
#include "smem_shim.h"
#include "internal.h"

#include <sodium.h>
#include <string.h>

int smem_blake2b(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen, const uint8_t *key,
                 size_t keylen)
{
    if (outlen < crypto_generichash_blake2b_BYTES_MIN || outlen > crypto_generichash_blake2b_BYTES_MAX ||
        keylen > crypto_generichash_blake2b_KEYBYTES_MAX) {
        return -1;
    }
    return crypto_generichash_blake2b(out, outlen, in, (unsigned long long) inlen,
                                      keylen ? key : NULL, keylen);
}

/* SHA3-256 (FIPS 202) is libsodium's since 1.0.22; out may alias in (the KDF chain hashes its
 * digest in place). libsodium wipes its sponge state. */
int smem_sha3_256(uint8_t out[32], const uint8_t *in, size_t inlen)
{
    return crypto_hash_sha3256(out, smem_nonnull_in(in, inlen), (unsigned long long) inlen);
}

int smem_hmac_sha256(uint8_t out[32], const uint8_t *msg, size_t msglen, const uint8_t *key,
                     size_t keylen)
{
    crypto_auth_hmacsha256_state st;

    if (crypto_auth_hmacsha256_init(&st, smem_nonnull_in(key, keylen), keylen) != 0 ||
        crypto_auth_hmacsha256_update(&st, msg, (unsigned long long) msglen) != 0 ||
        crypto_auth_hmacsha256_final(&st, out) != 0) {
        sodium_memzero(&st, sizeof st);
        return -1;
    }
    sodium_memzero(&st, sizeof st);
    return 0;
}

int smem_hkdf_sha256(uint8_t *out, size_t outlen, const uint8_t *ikm, size_t ikmlen,
                     const uint8_t *salt, size_t saltlen, const uint8_t *info, size_t infolen)
{
    uint8_t prk[crypto_kdf_hkdf_sha256_KEYBYTES];
    uint8_t no_output[1];
    int rc;

    if (outlen > crypto_kdf_hkdf_sha256_BYTES_MAX) {
        return -1;
    }
    if (out == NULL && outlen == 0) {
        out = no_output; /* expand's output is nonnull even for 0 bytes */
    }
    if (crypto_kdf_hkdf_sha256_extract(prk, saltlen ? salt : NULL, saltlen,
                                       smem_nonnull_in(ikm, ikmlen), ikmlen) != 0) {
        sodium_memzero(prk, sizeof prk);
        return -1;
    }
    rc = crypto_kdf_hkdf_sha256_expand(out, outlen, (const char *) info, infolen, prk);
    sodium_memzero(prk, sizeof prk);
    return rc;
}

int smem_aead_xchacha20poly1305_encrypt(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
                                        size_t adlen, const uint8_t npub[24], const uint8_t k[32])
{
    if (mlen > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX) {
        return -1;
    }
    return crypto_aead_xchacha20poly1305_ietf_encrypt(c, NULL, m, (unsigned long long) mlen, ad,
                                                      (unsigned long long) adlen, NULL, npub, k);
}

int smem_aead_xchacha20poly1305_decrypt(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad,
                                        size_t adlen, const uint8_t npub[24], const uint8_t k[32])
{
    if (clen < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
        return -1;
    }
    return crypto_aead_xchacha20poly1305_ietf_decrypt(m, NULL, NULL, c, (unsigned long long) clen, ad,
                                                      (unsigned long long) adlen, npub, k);
}

int smem_aead_chacha20poly1305_ietf_encrypt(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
                                            size_t adlen, const uint8_t npub[12], const uint8_t k[32])
{
    if (mlen > crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX) {
        return -1;
    }
    smem_cp_seal(c, smem_nonnull_in(m, mlen), mlen, smem_nonnull_in(ad, adlen), adlen, npub, k);
    return 0;
}

int smem_aead_chacha20poly1305_ietf_decrypt(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad,
                                            size_t adlen, const uint8_t npub[12], const uint8_t k[32])
{
    if (clen < crypto_aead_chacha20poly1305_ietf_ABYTES) {
        return -1;
    }
    return smem_cp_open(m, c, clen, smem_nonnull_in(ad, adlen), adlen, npub, k);
}

int smem_x25519(uint8_t q[32], const uint8_t n[32], const uint8_t p[32])
{
    /* libsodium writes its all-zero result before refusing it; q is written only on success. */
    uint8_t shared[crypto_scalarmult_curve25519_BYTES];
    int rc = crypto_scalarmult_curve25519(shared, n, p);

    if (rc == 0) {
        memcpy(q, shared, sizeof shared);
    }
    sodium_memzero(shared, sizeof shared);
    return rc;
}

int smem_x25519_base(uint8_t q[32], const uint8_t n[32])
{
    return crypto_scalarmult_curve25519_base(q, n);
}
