/* Native baseline for scripts/bench/kdf.ts: libsodium's crypto_pwhash (Argon2id v1.3, p = 1,
 * 32-byte output), linked against the same libsodium.a the shim is built with.
 * usage: pwhash M_KIB T RUNS   -> one line per run: "<wall ms> <CPU ms>" */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double) (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 +
           (double) (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv)
{
    if (argc != 4 || sodium_init() < 0) {
        fprintf(stderr, "usage: pwhash M_KIB T RUNS\n");
        return 1;
    }
    unsigned long long m_kib = strtoull(argv[1], NULL, 10);
    unsigned long long t = strtoull(argv[2], NULL, 10);
    int runs = atoi(argv[3]);
    unsigned char out[32];
    unsigned char salt[crypto_pwhash_SALTBYTES];
    const char pass[] = "benchmark passphrase";
    randombytes_buf(salt, sizeof salt);
    for (int i = 0; i < runs; i++) {
        double start = now_ms(), cpu_start = cpu_ms();
        if (crypto_pwhash(out, sizeof out, pass, sizeof pass - 1, salt, t, (size_t) m_kib * 1024U,
                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
            fprintf(stderr, "crypto_pwhash failed\n");
            return 1;
        }
        printf("%.3f %.3f\n", now_ms() - start, cpu_ms() - cpu_start);
        fflush(stdout);
    }
    return 0;
}
