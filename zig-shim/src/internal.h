#ifndef smem_internal_H
#define smem_internal_H

#include <stddef.h>
#include <stdint.h>

/* Set by smem_init(); every allocation's canary is a prefix-aligned slice of this page. */
extern uint8_t *smem_canary_page;
extern size_t smem_cached_page_size;

size_t smem_sys_page_size(void);

/* libsodium declares some pointer parameters nonnull even when their length is 0, and an empty
 * buffer can reach the ABI as NULL (bun:ffi may pass an empty TypedArray so): hand libsodium a
 * valid address for those instead. */
static inline const uint8_t *smem_nonnull_in(const void *p, size_t len)
{
    static const uint8_t empty[1];
    return p == NULL && len == 0 ? empty : (const uint8_t *) p;
}

/* ChaCha20-Poly1305 (IETF) of src/chacha_poly.c: libsodium's results, with a faster ChaCha20 where
 * the CPU has one. smem_cp_seal writes mlen + 16 bytes (ciphertext, tag); smem_cp_open
 * authenticates before writing any plaintext and returns -1 (nothing written) on a bad tag. */
void smem_chacha20_ietf_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t nonce[12],
                            uint32_t counter, const uint8_t key[32]);
int smem_chacha20_kernel_active(void);
/* Nonzero: the ChaCha20 and Poly1305 kernels stand aside (the C tests check the portable path). */
extern int smem_simd_kernels_off;
void smem_cp_seal(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
                  const uint8_t nonce[12], const uint8_t key[32]);
int smem_cp_open(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad, size_t adlen,
                 const uint8_t nonce[12], const uint8_t key[32]);

/* Poly1305 of src/poly1305.c (AVX-512 IFMA for long messages where the CPU has it). */
typedef struct {
    uint64_t r[3], h[3], pad[2];
    uint8_t buf[16];
    size_t leftover;
} smem_poly1305_t;
void smem_poly1305_init(smem_poly1305_t *st, const uint8_t key[32]);
void smem_poly1305_update(smem_poly1305_t *st, const uint8_t *m, size_t len);
void smem_poly1305_final(smem_poly1305_t *st, uint8_t tag[16]);
int smem_poly1305_kernel_active(void);

#if defined(_WIN32)
/* Windows Error Reporting's per-process exclusion list (Windows 10+, looked up at run time so the
 * DLL still loads where it is missing). Best effort: the list holds a bounded number of blocks. */
void smem_wer_exclude(void *addr, size_t len);
void smem_wer_unexclude(void *addr);
#endif

#endif
