/*
 * age STREAM, a batch of chunks per call, split over worker threads.
 *
 * Chunk i of a payload is ChaCha20-Poly1305 (IETF) under the payload key with the 12-byte nonce
 * counter(11 bytes, big-endian) || last(1 byte: 0x01 on the final chunk, else 0x00). Every chunk
 * but the final one carries exactly 64 KiB of plaintext; the final one carries 1..64 KiB, or 0
 * bytes when the whole payload is empty. Chunks are independent: the calling thread and a
 * persistent pool take the batch's chunks one at a time from a shared counter, so a thread that
 * loses its core for a while (to the reader, the writer or a KDF) holds back one chunk, not a
 * fixed share of the batch. Thread creation failing is not an error: the calling thread then
 * does the work itself.
 */
#include "smem_shim.h"
#include "internal.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#include <unistd.h>
#endif

#define CHUNK smem_STREAM_CHUNK_BYTES
#define SEALED smem_STREAM_SEALED_CHUNK_BYTES
#define TAG crypto_aead_chacha20poly1305_ietf_ABYTES
#define NO_FAILURE UINT64_MAX

/* Below this many chunks per thread, a thread costs more than it saves. */
#define MIN_CHUNKS_PER_THREAD 4U

typedef struct {
    uint8_t *out;
    const uint8_t *in;
    size_t in_len;        /* the whole batch */
    const uint8_t *key;
    uint64_t first_counter;
    uint64_t count;       /* chunks in the whole batch */
    int final;            /* the batch's last chunk is the payload's final chunk */
    int open;             /* 1 = decrypt, 0 = encrypt */
    int fd;               /* seal from a file: each chunk is read first (-1: `in` is filled), */
                          /* into `in` + worker * CHUNK, a scratch chunk per thread */
    int64_t offset;       /* ... from this offset (chunk i at offset + i * CHUNK) */
    int64_t *read_lens;   /* ... bytes read per chunk, or -errno */
    uint64_t next;        /* next chunk to take (atomic) */
    uint64_t failed;      /* lowest chunk that did not authenticate, or NO_FAILURE (atomic) */
} batch_t;

static void batch_init(batch_t *b, uint8_t *out, const uint8_t *in, size_t in_len, const uint8_t *key,
                       uint64_t first_counter, uint64_t count, int final, int open)
{
    b->out = out;
    b->in = in;
    b->in_len = in_len;
    b->key = key;
    b->first_counter = first_counter;
    b->count = count;
    b->final = final ? 1 : 0;
    b->open = open;
    b->fd = -1;
    b->offset = 0;
    b->read_lens = NULL;
}

static void make_nonce(uint8_t nonce[12], uint64_t counter, int last)
{
    int i;
    nonce[0] = nonce[1] = nonce[2] = 0;
    for (i = 0; i < 8; i++) {
        nonce[3 + i] = (uint8_t) (counter >> (56 - 8 * i));
    }
    nonce[11] = last ? 0x01 : 0x00;
}

/* Reads up to len bytes at offset, as many as the file has; the count or -errno. */
static int64_t read_at(int fd, uint8_t *buf, size_t len, int64_t offset)
{
#if defined(_WIN32)
    (void) fd;
    (void) buf;
    (void) len;
    (void) offset;
    return -EINVAL;
#else
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t) (offset + (int64_t) got));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -(int64_t) errno;
        }
        if (n == 0) break;
        got += (size_t) n;
    }
    return (int64_t) got;
#endif
}

/* Plaintext length of chunk i of the batch. */
static size_t plain_len(const batch_t *b, uint64_t i)
{
    size_t unit = b->open ? SEALED : CHUNK;
    size_t start = (size_t) i * unit;
    size_t len = b->in_len - start < unit ? b->in_len - start : unit;
    return b->open ? len - TAG : len;
}

static int chunk_is_last(const batch_t *b, uint64_t i)
{
    return b->final && i + 1 == b->count;
}

/* Seal `m` bytes at `plain` as chunk i with the given last flag. */
static void seal_chunk(const batch_t *b, uint64_t i, const uint8_t *plain, size_t m, int last)
{
    uint8_t nonce[12];

    make_nonce(nonce, b->first_counter + i, last);
    smem_cp_seal(b->out + (size_t) i * SEALED, plain, m, NULL, 0, nonce, b->key);
    sodium_memzero(nonce, sizeof nonce);
}

/* Seal or open chunk i with the given last flag; 0 on success. */
static int do_chunk(const batch_t *b, uint64_t i, int last)
{
    uint8_t nonce[12];
    size_t m = plain_len(b, i);
    int rc;

    if (!b->open) {
        seal_chunk(b, i, b->in + (size_t) i * CHUNK, m, last);
        return 0;
    }
    make_nonce(nonce, b->first_counter + i, last);
    rc = smem_cp_open(b->out + (size_t) i * CHUNK, b->in + (size_t) i * SEALED, m + TAG, NULL, 0, nonce, b->key);
    sodium_memzero(nonce, sizeof nonce);
    return rc;
}

/* Lowers b->failed to chunk i unless a lower chunk already failed. */
static void note_failure(batch_t *b, uint64_t i)
{
    uint64_t seen = __atomic_load_n(&b->failed, __ATOMIC_RELAXED);
    while (i < seen && !__atomic_compare_exchange_n(&b->failed, &seen, i, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
}

/* Takes chunks from the batch until none is left. After a failure no chunk above it is taken:
 * every chunk below the lowest failure was taken before it, so it is still finished. */
static void run_chunks(batch_t *b, unsigned worker)
{
    for (;;) {
        uint64_t i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);
        if (i >= b->count || i > __atomic_load_n(&b->failed, __ATOMIC_RELAXED)) return;
        if (b->fd >= 0) {
            /* Read into this thread's scratch chunk, then seal at once: the plaintext never leaves
             * this core's cache. A short chunk is sealed as the last one; smem_stream_seal_fd
             * settles the flag afterwards. */
            uint8_t *scratch = (uint8_t *) b->in + (size_t) worker * CHUNK;
            int64_t n = read_at(b->fd, scratch, CHUNK, b->offset + (int64_t) (i * CHUNK));
            b->read_lens[i] = n;
            if (n < 0) {
                note_failure(b, i);
                continue;
            }
            seal_chunk(b, i, scratch, (size_t) n, n < (int64_t) CHUNK);
            continue;
        }
        if (do_chunk(b, i, chunk_is_last(b, i)) != 0) note_failure(b, i);
    }
}

static unsigned online_cpus(void)
{
#if defined(_WIN32)
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors > 0 ? (unsigned) si.dwNumberOfProcessors : 1U;
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned) n : 1U;
#endif
}

unsigned smem_stream_default_threads(void)
{
    unsigned n = online_cpus();
    return n > smem_STREAM_MAX_THREADS ? smem_STREAM_MAX_THREADS : n;
}

/* ---- a persistent worker pool ----------------------------------------------------------------
 * Starting threads for every batch would cost tens of microseconds per call; the workers are
 * started once, on first need, and then sleep on a condition variable between batches. One batch
 * runs at a time (batch_lock); the calling thread and the workers asked for take its chunks. */
#if defined(_WIN32)
typedef SRWLOCK lock_t;
typedef CONDITION_VARIABLE cond_t;
#define LOCK_INIT SRWLOCK_INIT
#define COND_INIT CONDITION_VARIABLE_INIT
#define lock_acquire(l) AcquireSRWLockExclusive(l)
#define lock_release(l) ReleaseSRWLockExclusive(l)
#define cond_wait(c, l) SleepConditionVariableSRW((c), (l), INFINITE, 0)
#define cond_broadcast(c) WakeAllConditionVariable(c)
#define cond_signal(c) WakeConditionVariable(c)
#else
typedef pthread_mutex_t lock_t;
typedef pthread_cond_t cond_t;
#define LOCK_INIT PTHREAD_MUTEX_INITIALIZER
#define COND_INIT PTHREAD_COND_INITIALIZER
#define lock_acquire(l) pthread_mutex_lock(l)
#define lock_release(l) pthread_mutex_unlock(l)
#define cond_wait(c, l) pthread_cond_wait((c), (l))
#define cond_broadcast(c) pthread_cond_broadcast(c)
#define cond_signal(c) pthread_cond_signal(c)
#endif

static lock_t batch_lock = LOCK_INIT; /* one batch at a time */
static lock_t pool_lock = LOCK_INIT;  /* everything below */
static cond_t work_cv = COND_INIT;
static cond_t done_cv = COND_INIT;
static unsigned pool_workers = 0;     /* started workers, numbered 1..pool_workers */
static uint64_t pool_generation = 0;
static batch_t *pool_batch = NULL;
static unsigned pool_helpers = 0;     /* workers 1..pool_helpers work on pool_batch */
static unsigned pool_pending = 0;

static void worker_loop(unsigned index)
{
    uint64_t seen = 0;
    lock_acquire(&pool_lock);
    for (;;) {
        while (pool_generation == seen) cond_wait(&work_cv, &pool_lock);
        seen = pool_generation;
        if (index <= pool_helpers) {
            batch_t *b = pool_batch;
            lock_release(&pool_lock);
            run_chunks(b, index);
            lock_acquire(&pool_lock);
            if (--pool_pending == 0) cond_signal(&done_cv);
        }
    }
}

#if defined(_WIN32)
static DWORD WINAPI worker_main(LPVOID arg)
{
    worker_loop((unsigned) (uintptr_t) arg);
    return 0;
}
#else
static void *worker_main(void *arg)
{
    worker_loop((unsigned) (uintptr_t) arg);
    return NULL;
}
#endif

/* Starts workers until there are `want` (or one fails to start); pool_lock held. */
static void grow_pool(unsigned want)
{
    while (pool_workers < want) {
        uintptr_t index = pool_workers + 1;
#if defined(_WIN32)
        HANDLE h = CreateThread(NULL, 0, worker_main, (LPVOID) index, 0, NULL);
        if (h == NULL) return;
        CloseHandle(h);
#else
        pthread_t h;
        pthread_attr_t attr;
        int ok;
        if (pthread_attr_init(&attr) != 0) return;
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        ok = pthread_create(&h, &attr, worker_main, (void *) index) == 0;
        pthread_attr_destroy(&attr);
        if (!ok) return;
#endif
        pool_workers++;
    }
}

/* Runs the batch on the calling thread and up to `helpers` pool workers. */
static void run_on_pool(batch_t *b, unsigned helpers)
{
    unsigned on_workers;

    lock_acquire(&batch_lock);
    lock_acquire(&pool_lock);
    grow_pool(helpers);
    on_workers = pool_workers < helpers ? pool_workers : helpers;
    pool_batch = b;
    pool_helpers = on_workers;
    pool_pending = on_workers;
    pool_generation++;
    if (on_workers > 0) cond_broadcast(&work_cv);
    lock_release(&pool_lock);

    run_chunks(b, 0);

    /* The batch lives on the caller's stack: every worker asked must be done with it. */
    lock_acquire(&pool_lock);
    while (pool_pending > 0) cond_wait(&done_cv, &pool_lock);
    pool_batch = NULL;
    pool_helpers = 0;
    lock_release(&pool_lock);
    lock_release(&batch_lock);
}

/* Runs every chunk of the batch; returns the first chunk that failed, or NO_FAILURE. */
static uint64_t run_batch(batch_t *b, unsigned threads)
{
    unsigned n;

    if (threads == 0) threads = smem_stream_default_threads();
    if (threads > smem_STREAM_MAX_THREADS) threads = smem_STREAM_MAX_THREADS;
    n = threads;
    if ((uint64_t) n * MIN_CHUNKS_PER_THREAD > b->count) {
        n = (unsigned) (b->count / MIN_CHUNKS_PER_THREAD);
        if (n == 0) n = 1;
    }
    b->next = 0;
    b->failed = NO_FAILURE;
    if (n == 1) {
        run_chunks(b, 0);
    } else {
        run_on_pool(b, n - 1);
    }
    return b->failed;
}

int smem_stream_seal(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
                     const uint8_t key[32], uint64_t first_counter, int final, uint32_t threads)
{
    batch_t b;
    uint64_t count;

    if (final) {
        count = in_len == 0 ? 1 : (in_len + CHUNK - 1) / CHUNK;
        /* An empty final chunk is allowed only as the payload's sole chunk. */
        if (in_len == 0 && first_counter != 0) return smem_STREAM_EINVAL;
    } else {
        if (in_len % CHUNK != 0) return smem_STREAM_EINVAL;
        count = in_len / CHUNK;
    }
    if (count > UINT64_MAX - first_counter) return smem_STREAM_EINVAL;
    if (out_len < in_len + (size_t) count * TAG) return smem_STREAM_EINVAL;
    if (count == 0) return smem_STREAM_OK;
    if ((out == NULL || in == NULL) && in_len != 0) return smem_STREAM_EINVAL;

    batch_init(&b, out, in, in_len, key, first_counter, count, final, 0);
    /* Encryption cannot fail once the arguments are valid. */
    (void) run_batch(&b, threads);
    return smem_STREAM_OK;
}

int smem_stream_open(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
                     const uint8_t key[32], uint64_t first_counter, int final, uint32_t threads,
                     uint64_t *good_chunks_p)
{
    batch_t b;
    uint64_t count, failed, last_len;
    int rc = smem_STREAM_OK;

    if (good_chunks_p == NULL) return smem_STREAM_EINVAL;
    *good_chunks_p = 0;
    if (in_len == 0) {
        /* No chunk at all: fine mid-payload, but a payload cannot end without its final chunk. */
        return final ? smem_STREAM_ETRUNCATED : smem_STREAM_OK;
    }
    if (in == NULL || key == NULL) return smem_STREAM_EINVAL;
    if (final) {
        count = (in_len + SEALED - 1) / SEALED;
        last_len = in_len - (count - 1) * SEALED;
        /* A final piece too short to hold a tag is a cut-off chunk. */
        if (last_len < TAG) count--;
    } else {
        if (in_len % SEALED != 0) return smem_STREAM_EINVAL;
        count = in_len / SEALED;
        last_len = SEALED;
    }
    if (count > UINT64_MAX - first_counter) return smem_STREAM_EINVAL;
    /* With a cut-off tail the last whole chunk is not the end of the payload. */
    batch_init(&b, out, in, final && last_len < TAG ? (size_t) count * SEALED : in_len, key,
               first_counter, count, final && last_len >= TAG, 1);
    if (out_len < b.in_len - (size_t) count * TAG) return smem_STREAM_EINVAL;
    if (out == NULL && out_len != 0) return smem_STREAM_EINVAL;

    failed = count == 0 ? NO_FAILURE : run_batch(&b, threads);
    if (failed == NO_FAILURE && final && last_len < TAG) {
        failed = count; /* the partial chunk after the whole ones */
        rc = smem_STREAM_ETRUNCATED;
    } else if (failed != NO_FAILURE) {
        /* Tell truncation and trailing data apart from plain tampering: would the failed chunk
         * authenticate with the other last flag? If so its plaintext is genuine (the encryptor
         * wrote exactly that chunk): it is released like every chunk before it, as age does,
         * and the error comes after it. */
        int was_last = chunk_is_last(&b, failed);
        if (do_chunk(&b, failed, !was_last) == 0) {
            rc = was_last ? smem_STREAM_ETRUNCATED : smem_STREAM_ETRAILING;
            /* A short chunk is never a valid non-final chunk: not released. */
            if (!was_last || plain_len(&b, failed) == CHUNK) failed++;
        } else {
            rc = smem_STREAM_EAUTH;
        }
    } else if (b.final && plain_len(&b, count - 1) == 0 && first_counter + count - 1 != 0) {
        /* An empty final chunk after other chunks: age forbids it (one canonical encoding). */
        failed = count - 1;
        rc = smem_STREAM_EEMPTY;
    }
    if (failed != NO_FAILURE) {
        /* Nothing after the released chunks may leave: other threads may have decrypted later chunks
         * already, so wipe everything from there to the end of the output. */
        size_t from = (size_t) failed * CHUNK;
        if (from < out_len) sodium_memzero(out + from, out_len - from);
        *good_chunks_p = failed;
        return rc;
    }
    *good_chunks_p = count;
    return smem_STREAM_OK;
}

int smem_stream_seal_fd(uint8_t *out, size_t out_len, uint8_t *scratch, size_t scratch_len,
                        uint64_t count, int fd, int64_t offset, const uint8_t key[32],
                        uint64_t first_counter, uint32_t threads, uint64_t result_p[3])
{
    batch_t b;
    uint64_t i, chunks, failed;
    int64_t *lens;
    int final = 1;
    unsigned workers;
    size_t plain_bytes, batch_len;

    if (result_p == NULL) return smem_STREAM_EINVAL;
    result_p[0] = result_p[1] = result_p[2] = 0;
    if (out == NULL || scratch == NULL || key == NULL || fd < 0 || offset < 0) return smem_STREAM_EINVAL;
    if (count == 0 || count > SIZE_MAX / SEALED || scratch_len < CHUNK) return smem_STREAM_EINVAL;
    if (count > UINT64_MAX - first_counter - 1) return smem_STREAM_EINVAL;
    batch_len = (size_t) count * CHUNK;
    if (out_len < batch_len + (size_t) count * TAG) return smem_STREAM_EINVAL;
    if ((uint64_t) offset > (uint64_t) INT64_MAX - batch_len - 1) return smem_STREAM_EINVAL;
#if defined(_WIN32)
    return smem_STREAM_EINVAL;
#endif
    /* One scratch chunk per thread: no more threads than there are. */
    workers = threads == 0 ? smem_stream_default_threads() : threads;
    if (workers > scratch_len / CHUNK) workers = (unsigned) (scratch_len / CHUNK);
    lens = calloc((size_t) count, sizeof *lens);
    if (lens == NULL) return smem_STREAM_ENOMEM;

    batch_init(&b, out, scratch, scratch_len, key, first_counter, count, 0, 0);
    b.fd = fd;
    b.offset = offset;
    b.read_lens = lens;
    failed = run_batch(&b, workers);
    if (failed != NO_FAILURE) {
        result_p[2] = (uint64_t) -lens[failed];
        free(lens);
        return smem_STREAM_EIO;
    }

    /* The first chunk that came back short ends the payload (a file growing meanwhile may have
     * filled later chunks: they are not part of it). */
    for (i = 0; i < count && lens[i] == (int64_t) CHUNK; i++) {
    }
    if (i == count) {
        /* All full: the last one is final only if nothing follows it. */
        uint8_t probe;
        int64_t n = read_at(fd, &probe, 1, offset + (int64_t) batch_len);
        sodium_memzero(&probe, sizeof probe);
        if (n < 0) {
            result_p[2] = (uint64_t) -n;
            free(lens);
            return smem_STREAM_EIO;
        }
        chunks = count;
        final = n == 0;
    } else if (lens[i] > 0 || first_counter + i == 0) {
        /* A short final chunk, or the empty sole chunk of an empty payload: sealed as last. */
        chunks = i + 1;
    } else if (i > 0) {
        /* The input ended exactly after chunk i - 1, which was sealed as not the last. */
        chunks = i;
    } else {
        /* The previous batch saw more input, and now there is none: the file shrank. */
        free(lens);
        return smem_STREAM_ESHRANK;
    }
    plain_bytes = (size_t) (chunks - 1) * CHUNK + (size_t) lens[chunks - 1];
    free(lens);
    if (final && plain_bytes == (size_t) chunks * CHUNK) {
        /* A full chunk sealed as not the last turned out to be the last: its plaintext is gone
         * from the scratch chunk, so it is read again and sealed with the last flag. */
        uint64_t last = chunks - 1;
        int64_t n = read_at(fd, scratch, CHUNK, offset + (int64_t) (last * CHUNK));
        if (n < 0) {
            result_p[2] = (uint64_t) -n;
            return smem_STREAM_EIO;
        }
        if (n == 0 && last + first_counter != 0) return smem_STREAM_ESHRANK;
        seal_chunk(&b, last, scratch, (size_t) n, 1);
        plain_bytes = (size_t) last * CHUNK + (size_t) n;
    }
    result_p[0] = plain_bytes;
    result_p[1] = plain_bytes + (size_t) chunks * TAG;
    result_p[2] = (uint64_t) final;
    return smem_STREAM_OK;
}

int64_t smem_fd_seek(int fd, int64_t offset, int whence)
{
#if defined(_WIN32)
    (void) fd;
    (void) offset;
    (void) whence;
    return -1;
#else
    off_t r;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return -1;
    r = lseek(fd, (off_t) offset, whence);
    return r < 0 ? -1 : (int64_t) r;
#endif
}
