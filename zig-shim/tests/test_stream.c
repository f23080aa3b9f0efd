/*
 * Batch STREAM (src/stream.c): every chunk of a batch must equal a single-chunk ChaCha20-Poly1305
 * with the age nonce, whatever the thread count; opening reports the first bad chunk, wipes
 * everything from there on, and tells truncation, trailing data and an empty final chunk apart.
 */
#include "smem_shim.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define CH smem_STREAM_CHUNK_BYTES
#define SC smem_STREAM_SEALED_CHUNK_BYTES

static uint8_t key[32];

static void nonce_for(uint8_t n[12], uint64_t counter, int last)
{
    memset(n, 0, 12);
    for (int i = 0; i < 8; i++) n[3 + i] = (uint8_t) (counter >> (56 - 8 * i));
    n[11] = last ? 1 : 0;
}

/* Seals `len` bytes as one batch starting at `first` with `threads`, checks each chunk against
 * the single-shot AEAD, opens it back and compares. */
static void roundtrip(size_t len, uint64_t first, int final, uint32_t threads)
{
    size_t chunks = final ? (len == 0 ? 1 : (len + CH - 1) / CH) : len / CH;
    size_t clen = len + chunks * 16;
    uint8_t *m = malloc(len + 1), *c = malloc(clen + 1), *back = malloc(len + 1), *one = malloc(SC);
    uint64_t good = 99;
    uint8_t nonce[12];

    smem_randombytes(m, len);
    CHECK(smem_stream_seal(c, clen, m, len, key, first, final, threads) == smem_STREAM_OK);
    for (size_t i = 0; i < chunks; i++) {
        size_t mlen = (i + 1 == chunks && final) ? len - i * CH : CH;
        nonce_for(nonce, first + i, final && i + 1 == chunks);
        CHECK(smem_aead_chacha20poly1305_ietf_encrypt(one, m + i * CH, mlen, NULL, 0, nonce, key) == 0);
        CHECK(memcmp(one, c + i * SC, mlen + 16) == 0);
    }
    CHECK(smem_stream_open(back, len, c, clen, key, first, final, threads, &good) == smem_STREAM_OK);
    CHECK(good == chunks);
    CHECK(len == 0 || memcmp(back, m, len) == 0);
    free(m);
    free(c);
    free(back);
    free(one);
}

static void test_roundtrips(void)
{
    smem_randombytes(key, sizeof key);
    roundtrip(0, 0, 1, 0);
    roundtrip(1, 0, 1, 0);
    roundtrip(CH - 1, 0, 1, 2);
    roundtrip(CH, 0, 1, 2);
    roundtrip(CH + 1, 0, 1, 2);
    roundtrip(2 * CH, 7, 0, 3);
    roundtrip(37 * CH + 5, 1, 1, 4);
    roundtrip(37 * CH + 5, 1, 1, 1);
    roundtrip(16 * CH, 0x0102030405060708ULL, 1, 0);
}

static void test_threads_agree(void)
{
    size_t len = 40 * CH + 123, clen = len + 41 * 16;
    uint8_t *m = malloc(len), *c1 = malloc(clen), *c2 = malloc(clen);
    smem_randombytes(m, len);
    CHECK(smem_stream_seal(c1, clen, m, len, key, 3, 1, 1) == 0);
    CHECK(smem_stream_seal(c2, clen, m, len, key, 3, 1, 7) == 0);
    CHECK(memcmp(c1, c2, clen) == 0);
    CHECK(smem_stream_default_threads() >= 1);
    free(m);
    free(c1);
    free(c2);
}

static void test_bad_arguments(void)
{
    static uint8_t m[CH + 1], c[SC + 32], out[CH + 1];
    uint64_t good;
    CHECK(smem_stream_seal(c, sizeof c, m, CH + 1, key, 0, 0, 1) == smem_STREAM_EINVAL);
    CHECK(smem_stream_seal(c, CH + 15, m, CH, key, 0, 1, 1) == smem_STREAM_EINVAL);
    CHECK(smem_stream_seal(c, 16, m, 0, key, 5, 1, 1) == smem_STREAM_EINVAL); /* empty final, not first */
    CHECK(smem_stream_seal(c, 0, m, 0, key, 5, 0, 1) == smem_STREAM_OK);     /* nothing to do */
    CHECK(smem_stream_open(out, sizeof out, c, SC + 1, key, 0, 0, 1, &good) == smem_STREAM_EINVAL);
    CHECK(smem_stream_open(out, sizeof out, c, 0, key, 0, 1, 1, &good) == smem_STREAM_ETRUNCATED);
    CHECK(smem_stream_open(out, sizeof out, c, 0, key, 4, 0, 1, &good) == smem_STREAM_OK && good == 0);
    CHECK(smem_stream_open(out, sizeof out, c, SC, key, 0, 1, 1, NULL) == smem_STREAM_EINVAL);
}

static void test_failures(void)
{
    size_t n = 20, len = n * CH + 100, clen = len + (n + 1) * 16;
    uint8_t *m = malloc(len), *c = malloc(clen + SC), *out = malloc(len + CH);
    uint64_t good = 0;
    smem_randombytes(m, len);
    CHECK(smem_stream_seal(c, clen, m, len, key, 0, 1, 0) == 0);

    /* A flipped byte in chunk 13: chunks 0..12 are released, everything after is wiped. */
    c[13 * SC + 77] ^= 0x20;
    memset(out, 0xAA, len);
    CHECK(smem_stream_open(out, len, c, clen, key, 0, 1, 2, &good) == smem_STREAM_EAUTH);
    CHECK(good == 13);
    CHECK(memcmp(out, m, 13 * CH) == 0);
    CHECK(all_bytes_are(out + 13 * CH, len - 13 * CH, 0));
    c[13 * SC + 77] ^= 0x20;

    /* Cut at a chunk boundary: the last present chunk is not final. */
    CHECK(smem_stream_open(out, len, c, 5 * SC, key, 0, 1, 2, &good) == smem_STREAM_ETRUNCATED);
    CHECK(good == 5); /* chunk 4 is genuine (non-final): released, then the error */
    CHECK(memcmp(out, m, 5 * CH) == 0);
    /* Cut between boundaries (a piece shorter and one longer than a tag). */
    CHECK(smem_stream_open(out, len, c, 5 * SC + 7, key, 0, 1, 2, &good) == smem_STREAM_ETRUNCATED);
    CHECK(good == 5);
    CHECK(smem_stream_open(out, len, c, 5 * SC + 300, key, 0, 1, 2, &good) == smem_STREAM_EAUTH);
    CHECK(good == 5);
    /* Whole stream, wrong key. */
    key[0] ^= 1;
    CHECK(smem_stream_open(out, len, c, clen, key, 0, 1, 2, &good) == smem_STREAM_EAUTH && good == 0);
    key[0] ^= 1;
    free(m);
    free(c);
    free(out);
}

static void test_trailing_and_empty(void)
{
    /* Exactly two chunks, the second (full) one final; then one byte appended. */
    size_t len = 2 * CH, clen = 2 * SC;
    uint8_t *m = malloc(len), *c = malloc(clen + SC), *out = malloc(len + CH);
    uint64_t good = 0;
    smem_randombytes(m, len);
    CHECK(smem_stream_seal(c, clen, m, len, key, 0, 1, 0) == 0);
    c[clen] = 0;
    CHECK(smem_stream_open(out, len + CH, c, clen + 1, key, 0, 1, 1, &good) == smem_STREAM_ETRAILING);
    CHECK(good == 2);
    CHECK(memcmp(out, m, len) == 0);
    /* A whole extra chunk after the final one. */
    memcpy(c + clen, c, SC);
    memset(out, 0xAA, len + CH);
    CHECK(smem_stream_open(out, len + CH, c, clen + SC, key, 0, 1, 1, &good) == smem_STREAM_ETRAILING);
    CHECK(good == 2);
    CHECK(all_bytes_are(out + len, CH, 0)); /* the chunk after the final one is wiped */

    /* An empty final chunk after a full one authenticates but is refused. */
    uint8_t nonce[12];
    CHECK(smem_stream_seal(c, SC, m, CH, key, 0, 0, 1) == 0);
    nonce_for(nonce, 1, 1);
    CHECK(smem_aead_chacha20poly1305_ietf_encrypt(c + SC, m, 0, NULL, 0, nonce, key) == 0);
    CHECK(smem_stream_open(out, len, c, SC + 16, key, 0, 1, 1, &good) == smem_STREAM_EEMPTY);
    CHECK(good == 1);
    CHECK(memcmp(out, m, CH) == 0);
    free(m);
    free(c);
    free(out);
}

static void test_fd_seek(void)
{
    char path[] = "/tmp/smem-test-seek-XXXXXX";
    int fd = mkstemp(path), p[2];
    CHECK(fd >= 0);
    CHECK(write(fd, "0123456789", 10) == 10);
    CHECK(smem_fd_seek(fd, 0, 1) == 10);
    CHECK(smem_fd_seek(fd, 3, 0) == 3);
    {
        char c = 0;
        CHECK(read(fd, &c, 1) == 1 && c == '3');
    }
    CHECK(smem_fd_seek(fd, 0, 2) == 10);
    CHECK(smem_fd_seek(fd, 0, 7) == -1);
    CHECK(smem_fd_seek(fd, -20, 0) == -1);
    close(fd);
    unlink(path);
    CHECK(pipe(p) == 0);
    CHECK(smem_fd_seek(p[0], 0, 1) == -1); /* ESPIPE */
    close(p[0]);
    close(p[1]);
    CHECK(smem_fd_seek(-1, 0, 1) == -1);
}

/* smem_stream_seal_fd, a batch of `batch` chunks at a time with `scratch_chunks` of scratch,
 * equals one smem_stream_seal of the whole file (the oracle), from any starting offset; ends
 * exactly on a batch boundary included. */
static void seal_file(size_t len, size_t skip, size_t batch, uint32_t threads, size_t scratch_chunks)
{
    char path[] = "/tmp/smem-test-sealfd-XXXXXX";
    int fd = mkstemp(path);
    size_t body = len - skip, chunks = body == 0 ? 1 : (body + CH - 1) / CH;
    uint8_t *m = malloc(len + 1), *want = malloc(body + chunks * 16), *got = malloc(body + chunks * 16 + batch * SC);
    uint8_t *plain = malloc(scratch_chunks * CH), *out = malloc(batch * SC);
    uint64_t r[3], counter = 0;
    size_t at = 0, offset = skip;

    CHECK(fd >= 0);
    smem_randombytes(m, len);
    CHECK(len == 0 || write(fd, m, len) == (ssize_t) len);
    CHECK(smem_stream_seal(want, body + chunks * 16, m + skip, body, key, 0, 1, 1) == smem_STREAM_OK);
    for (;;) {
        CHECK(smem_stream_seal_fd(out, batch * SC, plain, scratch_chunks * CH, batch, fd, (int64_t) offset, key,
                                  counter, threads, r) == smem_STREAM_OK);
        memcpy(got + at, out, r[1]);
        at += r[1];
        offset += r[0];
        counter += batch;
        if (r[2] == 1) break;
        CHECK(r[0] == batch * CH && r[1] == batch * SC);
        if (counter > chunks + 1) break;
    }
    CHECK(offset == len);
    CHECK(at == body + chunks * 16 && memcmp(got, want, at) == 0);
    close(fd);
    unlink(path);
    free(m);
    free(want);
    free(got);
    free(plain);
    free(out);
}

static void test_seal_fd(void)
{
    const size_t sizes[] = {0, 1, CH - 1, CH, CH + 1, 2 * CH, 4 * CH, 4 * CH + 5, 9 * CH + 77};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        seal_file(sizes[i], 0, 1, 1, 1);
        seal_file(sizes[i], 0, 2, 2, 2);
        seal_file(sizes[i], 0, 8, 0, 4);
        seal_file(sizes[i], 0, 8, 8, 1); /* more threads asked than scratch chunks: capped */
        if (sizes[i] > 3) seal_file(sizes[i], 3, 2, 2, 2);
    }

    /* Errors: bad arguments, a read error (a directory), a file that shrank between batches. */
    {
        uint8_t plain[2 * CH], out[2 * SC];
        uint64_t r[3];
        char path[] = "/tmp/smem-test-sealfd-XXXXXX";
        int fd = mkstemp(path), dir;

        CHECK(fd >= 0);
        CHECK(smem_stream_seal_fd(out, sizeof out, plain, CH - 1, 1, fd, 0, key, 0, 1, r) == smem_STREAM_EINVAL);
        CHECK(smem_stream_seal_fd(out, sizeof out, plain, CH, 0, fd, 0, key, 0, 1, r) == smem_STREAM_EINVAL);
        CHECK(smem_stream_seal_fd(out, SC - 1, plain, CH, 1, fd, 0, key, 0, 1, r) == smem_STREAM_EINVAL);
        CHECK(smem_stream_seal_fd(out, sizeof out, plain, CH, 1, -1, 0, key, 0, 1, r) == smem_STREAM_EINVAL);
        CHECK(smem_stream_seal_fd(out, sizeof out, plain, CH, 1, fd, -1, key, 0, 1, r) == smem_STREAM_EINVAL);
        CHECK(smem_stream_seal_fd(out, sizeof out, plain, CH, 1, fd, 0, key, 0, 1, NULL) == smem_STREAM_EINVAL);
        smem_randombytes(plain, sizeof plain);
        CHECK(write(fd, plain, sizeof plain) == (ssize_t) sizeof plain);
        CHECK(smem_stream_seal_fd(out, SC, plain, CH, 1, fd, 0, key, 0, 1, r) == smem_STREAM_OK);
        CHECK(r[0] == CH && r[2] == 0); /* more follows */
        CHECK(ftruncate(fd, CH) == 0);
        CHECK(smem_stream_seal_fd(out, SC, plain, CH, 1, fd, CH, key, 1, 1, r) == smem_STREAM_ESHRANK);
        close(fd);
        unlink(path);
        dir = open("/tmp", O_RDONLY);
        CHECK(dir >= 0);
        CHECK(smem_stream_seal_fd(out, SC, plain, CH, 1, dir, 0, key, 0, 1, r) == smem_STREAM_EIO);
        CHECK(r[2] == EISDIR);
        close(dir);
    }
}

int main(void)
{
    if (smem_init() != 0) return 1;
    test_roundtrips();
    test_threads_agree();
    test_bad_arguments();
    test_failures();
    test_trailing_and_empty();
    test_fd_seek();
    test_seal_fd();
    return check_done("stream");
}
