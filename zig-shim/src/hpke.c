/* RFC 9180 HPKE, base mode, receiver side, for the one suite age's mlkem768x25519 recipients use:
 * KEM X-Wing (0x647a), KDF HKDF-SHA256 (0x0001), AEAD ChaCha20Poly1305 (0x0003), first message
 * only (sequence number 0, so the nonce is base_nonce itself). age passes empty AAD.
 *
 * It lives here rather than in TypeScript over smaller calls so that opening a file holds no
 * intermediate secret outside this function: the KEM shared secret, the HPKE secret, key and
 * nonce stay on this stack and are wiped on every return. It is also one call where the
 * TypeScript key schedule takes a dozen (issue 4 times `smem open -i` as a whole process). The
 * sender side stays in core/kem/hpke.ts; the tests check the two against each other. */
#include "smem_shim.h"

#include <sodium.h>
#include <string.h>

#define SUITE_ID_BYTES 10U
#define HPKE_VERSION "HPKE-v1"
#define HPKE_VERSION_BYTES 7U

static const uint8_t SUITE_ID[SUITE_ID_BYTES] = {'H', 'P', 'K', 'E', 0x64, 0x7a, 0x00, 0x01, 0x00, 0x03};

/* HMAC-SHA256(key, prefix || "HPKE-v1" || suite_id || label || data || suffix); prefix is the
 * two-byte output length of LabeledExpand (NULL for LabeledExtract), suffix its block counter. */
static void labeled_hmac(uint8_t out[32], const uint8_t *key, size_t keylen, const uint8_t *prefix,
                         const char *label, const uint8_t *data, size_t datalen, int suffix)
{
    crypto_auth_hmacsha256_state st;
    const uint8_t counter = 1;

    crypto_auth_hmacsha256_init(&st, key, keylen);
    if (prefix != NULL) crypto_auth_hmacsha256_update(&st, prefix, 2);
    crypto_auth_hmacsha256_update(&st, (const uint8_t *) HPKE_VERSION, HPKE_VERSION_BYTES);
    crypto_auth_hmacsha256_update(&st, SUITE_ID, SUITE_ID_BYTES);
    crypto_auth_hmacsha256_update(&st, (const uint8_t *) label, strlen(label));
    if (datalen > 0) crypto_auth_hmacsha256_update(&st, data, (unsigned long long) datalen);
    if (suffix) crypto_auth_hmacsha256_update(&st, &counter, 1);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

int smem_hpke_xwing_open_first(uint8_t *pt, size_t ptlen, const uint8_t *enc, size_t enclen,
                               const uint8_t *ct, size_t ctlen, const uint8_t *ad, size_t adlen,
                               const uint8_t *info, size_t infolen, const uint8_t *seed,
                               size_t seedlen)
{
    /* mode_base (0x00) || psk_id_hash || info_hash */
    uint8_t context[1 + 32 + 32];
    uint8_t shared[crypto_kem_xwing_SHAREDSECRETBYTES];
    uint8_t secret[32];
    uint8_t key[32];
    uint8_t nonce[32];
    static const uint8_t key_length[2] = {0x00, 32};
    static const uint8_t nonce_length[2] = {0x00, crypto_aead_chacha20poly1305_ietf_NPUBBYTES};
    unsigned long long written = 0;
    int rc = 0;

    if (pt == NULL || enc == NULL || ct == NULL || seed == NULL || (info == NULL && infolen > 0) ||
        (ad == NULL && adlen > 0) ||
        enclen != smem_XWING_CIPHERTEXTBYTES || seedlen != smem_XWING_SEEDBYTES ||
        ctlen < crypto_aead_chacha20poly1305_ietf_ABYTES ||
        ptlen != ctlen - crypto_aead_chacha20poly1305_ietf_ABYTES) {
        return -1;
    }
    if (crypto_kem_xwing_dec(shared, enc, seed) != 0) {
        rc = -2;
        goto done;
    }
    context[0] = 0x00;
    labeled_hmac(context + 1, NULL, 0, NULL, "psk_id_hash", NULL, 0, 0);
    labeled_hmac(context + 33, NULL, 0, NULL, "info_hash", info, infolen, 0);
    labeled_hmac(secret, shared, sizeof shared, NULL, "secret", NULL, 0, 0);
    labeled_hmac(key, secret, sizeof secret, key_length, "key", context, sizeof context, 1);
    labeled_hmac(nonce, secret, sizeof secret, nonce_length, "base_nonce", context, sizeof context, 1);
    /* libsodium checks the tag before decrypting and zeroes pt when it does not verify. */
    if (crypto_aead_chacha20poly1305_ietf_decrypt(pt, &written, NULL, ct, (unsigned long long) ctlen,
                                                  adlen ? ad : NULL, (unsigned long long) adlen, nonce,
                                                  key) != 0) {
        rc = -3;
    }
done:
    sodium_memzero(shared, sizeof shared);
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(key, sizeof key);
    sodium_memzero(nonce, sizeof nonce);
    return rc;
}
