#ifndef smem_shim_H
#define smem_shim_H

/*
 * smem native shim: guarded memory, process hardening and the libsodium primitives smem uses.
 *
 * Conventions (as libsodium): every function takes pointer + length pairs, returns an int status
 * (0 = success, -1 = failure) unless it returns a size or a constant string, and never hands out
 * memory except through smem_alloc(). Output buffers are written only on success; secrets held in
 * temporaries are wiped on every exit path.
 */

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define SMEM_EXPORT __declspec(dllexport)
#else
#define SMEM_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SMEM_SHIM_ABI_VERSION 1

#define smem_PROT_NOACCESS 0
#define smem_PROT_READONLY 1
#define smem_PROT_READWRITE 2

/* Smallest random canary in front of every allocation; the rest of the page slack is canary too. */
#define smem_CANARY_MIN_BYTES 16U

#define smem_AEAD_KEYBYTES 32U
#define smem_AEAD_ABYTES 16U
#define smem_XCHACHA_NPUBBYTES 24U
#define smem_CHACHA_IETF_NPUBBYTES 12U

/* ---- library ------------------------------------------------------------------------------- */

/* Initialise libsodium and the canary. Idempotent; 0 on success. Must precede everything else. */
SMEM_EXPORT int smem_init(void);
SMEM_EXPORT int smem_abi_version(void);
SMEM_EXPORT const char *smem_sodium_version_string(void);
/* The address of the exported smem_* function `name` (NUL-terminated), or NULL: lets an FFI bind
 * each function on first use instead of all of them at load. Callable before smem_init. */
SMEM_EXPORT void *smem_symbol(const char *name);

/* ---- guarded allocation ---------------------------------------------------------------------
 * Layout: [guard page][canary | data][guard page]. The data is right-aligned against the trailing
 * guard page, so reading or writing one byte past the end faults; the canary fills the slack in
 * front (at least smem_CANARY_MIN_BYTES) and is checked in constant time by smem_free().
 * The inner pages are mlocked (best effort: *locked_p tells) and excluded from core dumps.
 * The same (data, size) pair identifies the allocation in every other call. */
SMEM_EXPORT int smem_alloc(void **data_p, size_t size, int *locked_p);
/* Wipe, check the canary (mismatch: abort() after wiping), unlock, unmap. */
SMEM_EXPORT int smem_free(void *data, size_t size);
/* 0 if the canary is intact, -1 if not. Read-only: leaves the protection as it found it, so the
 * allocation must be readable (read-only or read-write, not no-access) when this is called. */
SMEM_EXPORT int smem_canary_check(const void *data, size_t size);
SMEM_EXPORT int smem_protect(void *data, size_t size, int prot);
/* Bytes of address space one allocation of `size` takes (guard pages included). */
SMEM_EXPORT size_t smem_alloc_footprint(size_t size);
/* Address of the first inner (data) page: what /proc/self/smaps lists for the allocation. */
SMEM_EXPORT void *smem_alloc_inner_page(const void *data, size_t size);

/* ---- process ------------------------------------------------------------------------------- */

/* RLIMIT_CORE = 0 and, on Linux, PR_SET_DUMPABLE 0. Returns 0 if every step that exists worked. */
SMEM_EXPORT int smem_harden_process(void);
/* Ends the process at once with `status` (_exit): no atexit handlers, no stdio flush, no runtime
 * teardown. For a caller that has already flushed and wiped everything it owns. Never returns. */
SMEM_EXPORT void smem_exit_now(int status);
SMEM_EXPORT size_t smem_page_size(void);
/* RLIMIT_MEMLOCK soft and hard limits in bytes; UINT64_MAX means unlimited. -1 where unknown.
 * Windows has no such limit: there it reports the minimum and maximum working set size, which is
 * what bounds VirtualLock (the shim grows it when a lock needs more). */
SMEM_EXPORT int smem_mlock_limit(uint64_t *soft_p, uint64_t *hard_p);
/* RLIMIT_CORE soft limit in bytes (UINT64_MAX unlimited); -1 where unknown. */
SMEM_EXPORT int smem_core_limit(uint64_t *soft_p);
/* 1 dumpable, 0 not, -1 unknown (non-Linux). */
SMEM_EXPORT int smem_dumpable(void);
/* 1 when fd is a terminal, else 0 (also for a closed or invalid fd). isatty() without loading
 * Node's tty and stream modules, which cost a short command several milliseconds. */
SMEM_EXPORT int smem_isatty(int fd);
/* Which protections this build uses on this platform, as bit flags below. Compile-time facts,
 * except smem_FEATURE_WER_EXCLUDE, which needs smem_init() to have found the API at run time. */
SMEM_EXPORT uint32_t smem_platform_features(void);
#define smem_FEATURE_GUARD_PAGES 1U
#define smem_FEATURE_MLOCK 2U
#define smem_FEATURE_DONTDUMP 4U   /* MADV_DONTDUMP */
#define smem_FEATURE_NOCORE 8U     /* MADV_NOCORE / MAP_NOCORE */
#define smem_FEATURE_NODUMPABLE 16U /* prctl(PR_SET_DUMPABLE) */
#define smem_FEATURE_RLIMIT_CORE 32U
#define smem_FEATURE_WER_EXCLUDE 64U /* Windows: data pages excluded from Windows Error Reporting dumps */
#define smem_FEATURE_NO_CRASH_UI 128U /* Windows: SetErrorMode(SEM_NOGPFAULTERRORBOX | …) */

/* ---- advisory file locks ------------------------------------------------------------------- */

/* Locks the whole file open on fd: exclusive (1) or shared (0); nonblocking (1) returns at once.
 * flock() on POSIX, LockFileEx() on Windows (fd is a C runtime descriptor). The lock belongs to
 * the open file and ends when it is closed or the process dies. Returns 0 when the lock is held,
 * 1 when nonblocking and someone else holds a conflicting lock, -1 on any other failure. */
SMEM_EXPORT int smem_flock(int fd, int exclusive, int nonblocking);
/* Releases a lock taken by smem_flock(). 0 on success, -1 on failure. */
SMEM_EXPORT int smem_funlock(int fd);

/* ---- file descriptors (POSIX) ------------------------------------------------------------- */

/* Plain I/O on descriptors for regular files, devices and stdout, so that a short command needs
 * no node:fs. Every function returns a negative errno on failure (never touching errno's value
 * for the caller), and smem_FILE_ENOTSUP in the Windows build, where node:fs is used instead. */
#define smem_FILE_ENOTSUP (-100000)
#define smem_FILE_READ 0       /* O_RDONLY */
#define smem_FILE_WRITE 1      /* O_WRONLY | O_CREAT | O_TRUNC */
#define smem_FILE_CREATE_NEW 2 /* O_WRONLY | O_CREAT | O_EXCL */
/* st_mode, st_size, st_rdev, st_dev, st_ino */
#define smem_FILE_INFO_LEN 5

/* open(path, how's flags | O_CLOEXEC, mode), retried on EINTR. Returns the descriptor. */
SMEM_EXPORT int smem_file_open(const char *path, int how, uint32_t mode);
/* fstat(fd) into info_p[smem_FILE_INFO_LEN]. Returns 0. */
SMEM_EXPORT int smem_file_stat(int fd, int64_t info_p[smem_FILE_INFO_LEN]);
/* stat(path) (links followed) into info_p[smem_FILE_INFO_LEN]. Returns 0. */
SMEM_EXPORT int smem_path_stat(const char *path, int64_t info_p[smem_FILE_INFO_LEN]);
/* read() at the current offset when offset < 0, else pread(); retried on EINTR. Returns the byte
 * count, 0 at the end of the file. */
SMEM_EXPORT int64_t smem_file_read(int fd, uint8_t *buf, size_t len, int64_t offset);
/* write() at the current offset when offset < 0, else pwrite(); retried on EINTR. Returns the
 * byte count written (possibly short). */
SMEM_EXPORT int64_t smem_file_write(int fd, const uint8_t *buf, size_t len, int64_t offset);
/* A write to a pipe or socket that never waits for the reader: a socket gets send() with
 * MSG_DONTWAIT; a pipe or FIFO gets at most PIPE_BUF bytes, written only when poll() says there is
 * room for them (or that the reader is gone, which write() then reports). Returns the byte count
 * written (possibly short), -EAGAIN when writing would have to wait, and -EAGAIN as well for any
 * other kind of descriptor, which the caller writes its usual way. Racing writers on the same pipe
 * can still make a write wait. */
SMEM_EXPORT int64_t smem_fd_write_nowait(int fd, const uint8_t *buf, size_t len);
/* A read from a pipe or socket that never waits for the writer: a socket gets recv() with
 * MSG_DONTWAIT; a pipe or FIFO is read only when poll() says bytes are waiting or every writer is
 * gone. Returns the byte count, 0 at the end of the input, -EAGAIN when reading would have to wait,
 * and -EAGAIN as well for any other kind of descriptor. Racing readers can still make it wait. */
SMEM_EXPORT int64_t smem_fd_read_nowait(int fd, uint8_t *buf, size_t len);
/* close(fd). Returns 0. */
SMEM_EXPORT int smem_file_close(int fd);
/* The symbolic name of errno value e ("ENOENT"), or NULL for one this table does not know. */
SMEM_EXPORT const char *smem_errno_name(int e);

/* ---- utilities ----------------------------------------------------------------------------- */

SMEM_EXPORT void smem_randombytes(void *buf, size_t len);
SMEM_EXPORT void smem_memzero(void *buf, size_t len);
/* Constant time: 0 if equal, -1 if not. */
SMEM_EXPORT int smem_memcmp(const void *a, const void *b, size_t len);

/* ---- hashes and MACs ----------------------------------------------------------------------- */

/* outlen 16..64, keylen 0..64 (key may be NULL when keylen is 0). */
SMEM_EXPORT int smem_blake2b(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen,
                             const uint8_t *key, size_t keylen);
SMEM_EXPORT int smem_sha3_256(uint8_t out[32], const uint8_t *in, size_t inlen);
SMEM_EXPORT int smem_hmac_sha256(uint8_t out[32], const uint8_t *msg, size_t msglen,
                                 const uint8_t *key, size_t keylen);
/* RFC 5869 extract-and-expand; outlen at most 255 * 32. */
SMEM_EXPORT int smem_hkdf_sha256(uint8_t *out, size_t outlen, const uint8_t *ikm, size_t ikmlen,
                                 const uint8_t *salt, size_t saltlen, const uint8_t *info,
                                 size_t infolen);

/* ---- AEAD (combined mode: c = ciphertext || 16-byte tag, clen = mlen + 16) --------------------- */

SMEM_EXPORT int smem_aead_xchacha20poly1305_encrypt(uint8_t *c, const uint8_t *m, size_t mlen,
                                                    const uint8_t *ad, size_t adlen,
                                                    const uint8_t npub[24], const uint8_t k[32]);
/* -1 (and m untouched beyond wiping) when the tag does not verify. */
SMEM_EXPORT int smem_aead_xchacha20poly1305_decrypt(uint8_t *m, const uint8_t *c, size_t clen,
                                                    const uint8_t *ad, size_t adlen,
                                                    const uint8_t npub[24], const uint8_t k[32]);
SMEM_EXPORT int smem_aead_chacha20poly1305_ietf_encrypt(uint8_t *c, const uint8_t *m, size_t mlen,
                                                        const uint8_t *ad, size_t adlen,
                                                        const uint8_t npub[12],
                                                        const uint8_t k[32]);
SMEM_EXPORT int smem_aead_chacha20poly1305_ietf_decrypt(uint8_t *m, const uint8_t *c, size_t clen,
                                                        const uint8_t *ad, size_t adlen,
                                                        const uint8_t npub[12],
                                                        const uint8_t k[32]);

/* ---- X25519 -------------------------------------------------------------------------------- */

/* -1 when the result is all zeros (low-order point). */
SMEM_EXPORT int smem_x25519(uint8_t q[32], const uint8_t n[32], const uint8_t p[32]);
SMEM_EXPORT int smem_x25519_base(uint8_t q[32], const uint8_t n[32]);

/* ---- post-quantum KEMs (libsodium's crypto_kem_mlkem768_* and crypto_kem_xwing_*) ------------
 * ML-KEM-768 (FIPS 203): the secret key is the 2400-byte expanded decapsulation key derived from
 * the 64-byte seed d || z. X-Wing (draft-connolly-cfrg-xwing-kem, ML-KEM-768 + X25519): the secret
 * key is the 32-byte seed itself, expanded again on every decapsulation. Every length must be the
 * exact size below (else -1, nothing written). Encapsulation returns -1 for a rejected
 * encapsulation key: an ML-KEM coefficient not below q (the FIPS 203 modulus check), or for X-Wing
 * also an X25519 share giving an all-zero secret (low-order point). X-Wing decapsulation returns
 * -1 when the ciphertext's X25519 share is low-order; otherwise a ciphertext for another key
 * decapsulates to an unrelated secret (implicit rejection), not an error. `coins` makes
 * encapsulation deterministic (known-answer tests): 32 bytes (FIPS 203 m) for ML-KEM, 64 bytes
 * (ML-KEM m || X25519 ephemeral scalar) for X-Wing. */
#define smem_MLKEM768_SEEDBYTES 64U
#define smem_MLKEM768_PUBLICKEYBYTES 1184U
#define smem_MLKEM768_SECRETKEYBYTES 2400U
#define smem_MLKEM768_CIPHERTEXTBYTES 1088U
#define smem_MLKEM768_COINBYTES 32U
#define smem_XWING_SEEDBYTES 32U
#define smem_XWING_PUBLICKEYBYTES 1216U
#define smem_XWING_CIPHERTEXTBYTES 1120U
#define smem_XWING_COINBYTES 64U
#define smem_KEM_SHAREDSECRETBYTES 32U
SMEM_EXPORT int smem_kem_mlkem768_seed_keypair(uint8_t *pk, size_t pklen, uint8_t *sk, size_t sklen,
                                               const uint8_t *seed, size_t seedlen);
SMEM_EXPORT int smem_kem_mlkem768_enc(uint8_t *ct, size_t ctlen, uint8_t *ss, size_t sslen,
                                      const uint8_t *pk, size_t pklen);
SMEM_EXPORT int smem_kem_mlkem768_enc_deterministic(uint8_t *ct, size_t ctlen, uint8_t *ss,
                                                    size_t sslen, const uint8_t *pk, size_t pklen,
                                                    const uint8_t *coins, size_t coinslen);
SMEM_EXPORT int smem_kem_mlkem768_dec(uint8_t *ss, size_t sslen, const uint8_t *ct, size_t ctlen,
                                      const uint8_t *sk, size_t sklen);
/* pk = ML-KEM-768 encapsulation key || X25519 public key; sk = a copy of the seed, or NULL with
 * sklen 0 when the caller keeps the seed itself (it is the whole X-Wing secret key). */
SMEM_EXPORT int smem_kem_xwing_seed_keypair(uint8_t *pk, size_t pklen, uint8_t *sk, size_t sklen,
                                            const uint8_t *seed, size_t seedlen);
SMEM_EXPORT int smem_kem_xwing_enc(uint8_t *ct, size_t ctlen, uint8_t *ss, size_t sslen,
                                   const uint8_t *pk, size_t pklen);
SMEM_EXPORT int smem_kem_xwing_enc_deterministic(uint8_t *ct, size_t ctlen, uint8_t *ss,
                                                 size_t sslen, const uint8_t *pk, size_t pklen,
                                                 const uint8_t *coins, size_t coinslen);
SMEM_EXPORT int smem_kem_xwing_dec(uint8_t *ss, size_t sslen, const uint8_t *ct, size_t ctlen,
                                   const uint8_t *sk, size_t sklen);

/* ---- HPKE (RFC 9180) ----------------------------------------------------------------------
 * Base-mode receiver for age's mlkem768x25519 stanza: KEM X-Wing (0x647a), HKDF-SHA256,
 * ChaCha20Poly1305, the first message (nonce = base_nonce; age's AAD is empty). Decapsulates enc
 * (smem_XWING_CIPHERTEXTBYTES) with the X-Wing seed, runs the key schedule for info and opens ct
 * (with ad) into pt (ptlen = ctlen - 16). -1 bad lengths, -2 low-order X25519 share, -3 the ciphertext
 * does not authenticate (another key, or tampered; pt is then zeroed). Every intermediate secret
 * is wiped before returning. */
SMEM_EXPORT int smem_hpke_xwing_open_first(uint8_t *pt, size_t ptlen, const uint8_t *enc,
                                           size_t enclen, const uint8_t *ct, size_t ctlen,
                                           const uint8_t *ad, size_t adlen,
                                           const uint8_t *info, size_t infolen,
                                           const uint8_t *seed, size_t seedlen);

/* ---- password hashing ---------------------------------------------------------------------- */

/* Argon2id v0x13 with every RFC 9106 input. outlen >= 16 (libsodium's Argon2 minimum; RFC 9106
 * allows 4), saltlen >= 8, t_cost >= 1, lanes >= 1, m_kib >= 8 * lanes. */
SMEM_EXPORT int smem_argon2id(uint8_t *out, size_t outlen, const uint8_t *pw, size_t pwlen,
                              const uint8_t *salt, size_t saltlen, const uint8_t *secret,
                              size_t secretlen, const uint8_t *ad, size_t adlen, uint32_t t_cost,
                              uint32_t m_kib, uint32_t lanes);
/* scrypt (RFC 7914) as age uses it: N = 2^log_n, r, p; salt of any length. Needs 128 * r * N bytes. */
SMEM_EXPORT int smem_scrypt(uint8_t *out, size_t outlen, const uint8_t *pw, size_t pwlen,
                            const uint8_t *salt, size_t saltlen, uint32_t log_n, uint32_t r,
                            uint32_t p);
/* smem's KDF (DESIGN section 6): k0 = Argon2id(pw, salt, m_kib, t_cost, p = 1, 32 bytes), then
 * out = SHA3-256 applied max(rounds, 1) times to k0. k0 and every intermediate digest stay in
 * this function's frame and are wiped before it returns. */
SMEM_EXPORT int smem_kdf_derive(uint8_t out[32], const uint8_t *pw, size_t pwlen,
                                const uint8_t *salt, size_t saltlen, uint32_t m_kib,
                                uint32_t t_cost, uint64_t rounds);
/* smem_kdf_derive on a thread of its own, so that the caller can work meanwhile (seal encrypts
 * the payload while the passphrase KDF runs). The job copies pw and salt into locked memory it
 * owns; NULL when the arguments are invalid or no thread could start (then call smem_kdf_derive).
 * smem_kdf_job_done: 1 once the result is ready, else 0 (never blocks). smem_kdf_job_finish waits
 * for the thread, copies the key to out (0) or reports failure (-1), wipes and frees the job:
 * call it exactly once per job. */
SMEM_EXPORT void *smem_kdf_derive_start(const uint8_t *pw, size_t pwlen, const uint8_t *salt,
                                        size_t saltlen, uint32_t m_kib, uint32_t t_cost,
                                        uint64_t rounds);
SMEM_EXPORT int smem_kdf_job_done(void *job);
SMEM_EXPORT int smem_kdf_job_finish(void *job, uint8_t out[32]);

/* ---- age STREAM, many chunks per call ------------------------------------------------------
 * Chunk i: ChaCha20-Poly1305 IETF under a 32-byte payload key, nonce = 11-byte big-endian counter
 * || last flag (0x01 on the payload's final chunk). Plaintext chunks are 65536 bytes except the
 * final one (1..65536 bytes; 0 only when the whole payload is empty); sealed chunks add 16 bytes.
 * A batch is consecutive chunks starting at `first_counter`; `final` says whether the batch ends
 * the payload. `threads` caps the worker threads (0 = one per online CPU, at most
 * smem_STREAM_MAX_THREADS); any thread that cannot start is replaced by the calling thread.
 * Output buffers are capacities: at least the sealed / opened size. */
#define smem_STREAM_CHUNK_BYTES 65536U
#define smem_STREAM_SEALED_CHUNK_BYTES 65552U
#define smem_STREAM_MAX_THREADS 64U

#define smem_STREAM_OK 0
#define smem_STREAM_EINVAL (-1)     /* bad arguments (a non-final batch not whole chunks, ...) */
#define smem_STREAM_EAUTH (-2)      /* a chunk did not authenticate */
#define smem_STREAM_ETRUNCATED (-3) /* the payload ends without its final chunk */
#define smem_STREAM_ETRAILING (-4)  /* data follows the final chunk */
#define smem_STREAM_EEMPTY (-5)     /* an empty final chunk after other chunks */
#define smem_STREAM_EIO (-6)        /* reading the input failed (errno in result[2]) */
#define smem_STREAM_ESHRANK (-7)    /* the input file ended before where the last batch said */
#define smem_STREAM_ENOMEM (-8)

/* Seal a batch: in = whole 64 KiB chunks (the last may be short, or the batch empty, only when
 * `final`). Fails only on bad arguments. */
SMEM_EXPORT int smem_stream_seal(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
                                 const uint8_t key[32], uint64_t first_counter, int final,
                                 uint32_t threads);
/* Open a batch: in = whole 65552-byte sealed chunks (the last may be short only when `final`).
 * *good_chunks_p = how many leading chunks authenticated and may be released; their plaintext is
 * in out, everything after it is wiped. With ETRUNCATED / ETRAILING the chunk that revealed the
 * problem authenticated with the other last flag, so it counts as good (age releases it too). */
SMEM_EXPORT int smem_stream_open(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
                                 const uint8_t key[32], uint64_t first_counter, int final,
                                 uint32_t threads, uint64_t *good_chunks_p);
/* Read and seal the next `count` chunks of a regular file (POSIX): the workers take chunk i, read
 * it from offset + i * 64 KiB into their own 64 KiB of `scratch` (locked memory; one per thread,
 * so no more threads than scratch_len / 64 KiB) and seal it at once, while it is still in that
 * core's cache. The batch is final when the input ends in it, or right after it (one byte past it
 * is probed). result[0] = plaintext bytes taken, result[1] = sealed bytes in out, result[2] = 1
 * when the payload is complete (errno on EIO). scratch holds some plaintext afterwards; the
 * caller wipes it when done. */
SMEM_EXPORT int smem_stream_seal_fd(uint8_t *out, size_t out_len, uint8_t *scratch, size_t scratch_len,
                                    uint64_t count, int fd, int64_t offset, const uint8_t key[32],
                                    uint64_t first_counter, uint32_t threads, uint64_t result[3]);
/* The worker count `threads = 0` means here. */
SMEM_EXPORT unsigned smem_stream_default_threads(void);
/* lseek(fd, offset, whence) (0 SET, 1 CUR, 2 END) on POSIX: the engines read regular files at
 * explicit offsets (several reads in flight) and keep the descriptor's own offset where
 * sequential reading would have left it. The new offset, or -1 (pipes, errors, Windows). */
SMEM_EXPORT int64_t smem_fd_seek(int fd, int64_t offset, int whence);

#ifdef __cplusplus
}
#endif

#endif
