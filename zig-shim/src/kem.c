/* ML-KEM-768 and X-Wing: length-checked wrappers over libsodium's crypto_kem_mlkem768_* and
 * crypto_kem_xwing_*. libsodium wipes its own temporaries (expanded keys, shared-secret halves,
 * hash states) and writes ct / ss only once encapsulation or decapsulation has succeeded, so
 * these wrappers hold no secret of their own except the X-Wing seed copy below. */
#include "smem_shim.h"

#include <sodium.h>

#if crypto_kem_mlkem768_SEEDBYTES != smem_MLKEM768_SEEDBYTES ||             \
    crypto_kem_mlkem768_PUBLICKEYBYTES != smem_MLKEM768_PUBLICKEYBYTES ||    \
    crypto_kem_mlkem768_SECRETKEYBYTES != smem_MLKEM768_SECRETKEYBYTES ||    \
    crypto_kem_mlkem768_CIPHERTEXTBYTES != smem_MLKEM768_CIPHERTEXTBYTES ||  \
    crypto_kem_mlkem768_SHAREDSECRETBYTES != smem_KEM_SHAREDSECRETBYTES ||   \
    crypto_kem_xwing_SEEDBYTES != smem_XWING_SEEDBYTES ||                    \
    crypto_kem_xwing_SECRETKEYBYTES != smem_XWING_SEEDBYTES ||               \
    crypto_kem_xwing_PUBLICKEYBYTES != smem_XWING_PUBLICKEYBYTES ||          \
    crypto_kem_xwing_CIPHERTEXTBYTES != smem_XWING_CIPHERTEXTBYTES ||        \
    crypto_kem_xwing_SHAREDSECRETBYTES != smem_KEM_SHAREDSECRETBYTES
#error "libsodium's KEM sizes differ from smem_shim.h"
#endif

int smem_kem_mlkem768_seed_keypair(uint8_t *pk, size_t pklen, uint8_t *sk, size_t sklen,
                                   const uint8_t *seed, size_t seedlen)
{
    if (pk == NULL || sk == NULL || seed == NULL || pklen != smem_MLKEM768_PUBLICKEYBYTES ||
        sklen != smem_MLKEM768_SECRETKEYBYTES || seedlen != smem_MLKEM768_SEEDBYTES) {
        return -1;
    }
    return crypto_kem_mlkem768_seed_keypair(pk, sk, seed);
}

int smem_kem_mlkem768_enc_deterministic(uint8_t *ct, size_t ctlen, uint8_t *ss, size_t sslen,
                                        const uint8_t *pk, size_t pklen, const uint8_t *coins,
                                        size_t coinslen)
{
    if (ct == NULL || ss == NULL || pk == NULL || coins == NULL ||
        ctlen != smem_MLKEM768_CIPHERTEXTBYTES || sslen != smem_KEM_SHAREDSECRETBYTES ||
        pklen != smem_MLKEM768_PUBLICKEYBYTES || coinslen != smem_MLKEM768_COINBYTES) {
        return -1;
    }
    return crypto_kem_mlkem768_enc_deterministic(ct, ss, pk, coins);
}

int smem_kem_mlkem768_enc(uint8_t *ct, size_t ctlen, uint8_t *ss, size_t sslen, const uint8_t *pk,
                          size_t pklen)
{
    if (ct == NULL || ss == NULL || pk == NULL || ctlen != smem_MLKEM768_CIPHERTEXTBYTES ||
        sslen != smem_KEM_SHAREDSECRETBYTES || pklen != smem_MLKEM768_PUBLICKEYBYTES) {
        return -1;
    }
    return crypto_kem_mlkem768_enc(ct, ss, pk);
}

int smem_kem_mlkem768_dec(uint8_t *ss, size_t sslen, const uint8_t *ct, size_t ctlen,
                          const uint8_t *sk, size_t sklen)
{
    if (ss == NULL || ct == NULL || sk == NULL || sslen != smem_KEM_SHAREDSECRETBYTES ||
        ctlen != smem_MLKEM768_CIPHERTEXTBYTES || sklen != smem_MLKEM768_SECRETKEYBYTES) {
        return -1;
    }
    return crypto_kem_mlkem768_dec(ss, ct, sk);
}

int smem_kem_xwing_seed_keypair(uint8_t *pk, size_t pklen, uint8_t *sk, size_t sklen,
                                const uint8_t *seed, size_t seedlen)
{
    uint8_t scratch[smem_XWING_SEEDBYTES];
    int rc;

    if (pk == NULL || seed == NULL || pklen != smem_XWING_PUBLICKEYBYTES ||
        seedlen != smem_XWING_SEEDBYTES) {
        return -1;
    }
    /* The X-Wing secret key is the seed itself: a caller that already holds it in locked memory
     * passes sk = NULL, sklen = 0 and the copy goes to a wiped scratch buffer instead. */
    if (sk == NULL && sklen == 0) {
        rc = crypto_kem_xwing_seed_keypair(pk, scratch, seed);
        sodium_memzero(scratch, sizeof scratch);
        return rc;
    }
    if (sk == NULL || sklen != smem_XWING_SEEDBYTES) {
        return -1;
    }
    return crypto_kem_xwing_seed_keypair(pk, sk, seed);
}

int smem_kem_xwing_enc_deterministic(uint8_t *ct, size_t ctlen, uint8_t *ss, size_t sslen,
                                     const uint8_t *pk, size_t pklen, const uint8_t *coins,
                                     size_t coinslen)
{
    if (ct == NULL || ss == NULL || pk == NULL || coins == NULL ||
        ctlen != smem_XWING_CIPHERTEXTBYTES || sslen != smem_KEM_SHAREDSECRETBYTES ||
        pklen != smem_XWING_PUBLICKEYBYTES || coinslen != smem_XWING_COINBYTES) {
        return -1;
    }
    return crypto_kem_xwing_enc_deterministic(ct, ss, pk, coins);
}

int smem_kem_xwing_enc(uint8_t *ct, size_t ctlen, uint8_t *ss, size_t sslen, const uint8_t *pk,
                       size_t pklen)
{
    if (ct == NULL || ss == NULL || pk == NULL || ctlen != smem_XWING_CIPHERTEXTBYTES ||
        sslen != smem_KEM_SHAREDSECRETBYTES || pklen != smem_XWING_PUBLICKEYBYTES) {
        return -1;
    }
    return crypto_kem_xwing_enc(ct, ss, pk);
}

int smem_kem_xwing_dec(uint8_t *ss, size_t sslen, const uint8_t *ct, size_t ctlen,
                       const uint8_t *sk, size_t sklen)
{
    if (ss == NULL || ct == NULL || sk == NULL || sslen != smem_KEM_SHAREDSECRETBYTES ||
        ctlen != smem_XWING_CIPHERTEXTBYTES || sklen != smem_XWING_SEEDBYTES) {
        return -1;
    }
    return crypto_kem_xwing_dec(ss, ct, sk);
}
