/*
 * smem_symbol: the address of an exported function by name. bun:ffi compiles a call stub for every
 * function it is given at dlopen time, about 30 microseconds each here; with the whole ABI that
 * was over a millisecond of every start-up, for functions most commands never call. The FFI
 * layer (ffi/shim.ts) binds only smem_symbol and smem_init at load, then each function on its
 * first use.
 */
#include "smem_shim.h"

#include <string.h>

typedef void (*smem_fn)(void);

static const struct {
    const char *name;
    smem_fn fn;
} smem_symbols[] = {
    {"smem_abi_version", (smem_fn) smem_abi_version},
    {"smem_aead_chacha20poly1305_ietf_decrypt", (smem_fn) smem_aead_chacha20poly1305_ietf_decrypt},
    {"smem_aead_chacha20poly1305_ietf_encrypt", (smem_fn) smem_aead_chacha20poly1305_ietf_encrypt},
    {"smem_aead_xchacha20poly1305_decrypt", (smem_fn) smem_aead_xchacha20poly1305_decrypt},
    {"smem_aead_xchacha20poly1305_encrypt", (smem_fn) smem_aead_xchacha20poly1305_encrypt},
    {"smem_alloc", (smem_fn) smem_alloc},
    {"smem_alloc_footprint", (smem_fn) smem_alloc_footprint},
    {"smem_alloc_inner_page", (smem_fn) smem_alloc_inner_page},
    {"smem_argon2id", (smem_fn) smem_argon2id},
    {"smem_blake2b", (smem_fn) smem_blake2b},
    {"smem_canary_check", (smem_fn) smem_canary_check},
    {"smem_core_limit", (smem_fn) smem_core_limit},
    {"smem_dumpable", (smem_fn) smem_dumpable},
    {"smem_errno_name", (smem_fn) smem_errno_name},
    {"smem_fd_read_nowait", (smem_fn) smem_fd_read_nowait},
    {"smem_fd_seek", (smem_fn) smem_fd_seek},
    {"smem_fd_write_nowait", (smem_fn) smem_fd_write_nowait},
    {"smem_file_close", (smem_fn) smem_file_close},
    {"smem_file_open", (smem_fn) smem_file_open},
    {"smem_file_read", (smem_fn) smem_file_read},
    {"smem_file_stat", (smem_fn) smem_file_stat},
    {"smem_file_write", (smem_fn) smem_file_write},
    {"smem_flock", (smem_fn) smem_flock},
    {"smem_free", (smem_fn) smem_free},
    {"smem_funlock", (smem_fn) smem_funlock},
    {"smem_harden_process", (smem_fn) smem_harden_process},
    {"smem_exit_now", (smem_fn) smem_exit_now},
    {"smem_hkdf_sha256", (smem_fn) smem_hkdf_sha256},
    {"smem_hmac_sha256", (smem_fn) smem_hmac_sha256},
    {"smem_hpke_xwing_open_first", (smem_fn) smem_hpke_xwing_open_first},
    {"smem_init", (smem_fn) smem_init},
    {"smem_isatty", (smem_fn) smem_isatty},
    {"smem_kdf_derive", (smem_fn) smem_kdf_derive},
    {"smem_kdf_derive_start", (smem_fn) smem_kdf_derive_start},
    {"smem_kdf_job_done", (smem_fn) smem_kdf_job_done},
    {"smem_kdf_job_finish", (smem_fn) smem_kdf_job_finish},
    {"smem_kem_mlkem768_dec", (smem_fn) smem_kem_mlkem768_dec},
    {"smem_kem_mlkem768_enc", (smem_fn) smem_kem_mlkem768_enc},
    {"smem_kem_mlkem768_enc_deterministic", (smem_fn) smem_kem_mlkem768_enc_deterministic},
    {"smem_kem_mlkem768_seed_keypair", (smem_fn) smem_kem_mlkem768_seed_keypair},
    {"smem_kem_xwing_dec", (smem_fn) smem_kem_xwing_dec},
    {"smem_kem_xwing_enc", (smem_fn) smem_kem_xwing_enc},
    {"smem_kem_xwing_enc_deterministic", (smem_fn) smem_kem_xwing_enc_deterministic},
    {"smem_kem_xwing_seed_keypair", (smem_fn) smem_kem_xwing_seed_keypair},
    {"smem_memcmp", (smem_fn) smem_memcmp},
    {"smem_memzero", (smem_fn) smem_memzero},
    {"smem_mlock_limit", (smem_fn) smem_mlock_limit},
    {"smem_page_size", (smem_fn) smem_page_size},
    {"smem_path_stat", (smem_fn) smem_path_stat},
    {"smem_platform_features", (smem_fn) smem_platform_features},
    {"smem_protect", (smem_fn) smem_protect},
    {"smem_randombytes", (smem_fn) smem_randombytes},
    {"smem_scrypt", (smem_fn) smem_scrypt},
    {"smem_sha3_256", (smem_fn) smem_sha3_256},
    {"smem_sodium_version_string", (smem_fn) smem_sodium_version_string},
    {"smem_stream_default_threads", (smem_fn) smem_stream_default_threads},
    {"smem_stream_open", (smem_fn) smem_stream_open},
    {"smem_stream_seal", (smem_fn) smem_stream_seal},
    {"smem_stream_seal_fd", (smem_fn) smem_stream_seal_fd},
    {"smem_x25519", (smem_fn) smem_x25519},
    {"smem_x25519_base", (smem_fn) smem_x25519_base},
};

void *smem_symbol(const char *name)
{
    size_t i;

    if (name == NULL) return NULL;
    for (i = 0; i < sizeof smem_symbols / sizeof smem_symbols[0]; i++) {
        if (strcmp(smem_symbols[i].name, name) == 0) {
            /* A function pointer as an address: what bun:ffi's CFunction takes. */
            union {
                smem_fn fn;
                void *address;
            } u;
            u.fn = smem_symbols[i].fn;
            return u.address;
        }
    }
    return NULL;
}
