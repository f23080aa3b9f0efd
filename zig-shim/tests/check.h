/*
 * A minimal check harness for the shim's C tests (scripts/test-shim.mjs builds and runs them
 * under ASan + UBSan). A failed CHECK prints where and carries on, so one run shows every
 * broken property; check_done() turns the tally into the exit status.
 */
#ifndef smem_check_H
#define smem_check_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_total = 0;
static int check_failed = 0;

static inline int check_at(int ok, const char *what, const char *file, int line)
{
    check_total++;
    if (!ok) {
        check_failed++;
        fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

#define CHECK(cond) check_at((cond) ? 1 : 0, #cond, __FILE__, __LINE__)

static inline int hex_nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes `hex` into out (capacity cap); returns the byte count, or -1 on bad input. */
static inline long hex_decode(uint8_t *out, size_t cap, const char *hex)
{
    size_t n = strlen(hex), i;
    if (n % 2 != 0 || n / 2 > cap) return -1;
    for (i = 0; i < n / 2; i++) {
        int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t) (hi << 4 | lo);
    }
    return (long) (n / 2);
}

/* Compares len bytes at got with the hex string `want` (which must be exactly len bytes). */
static inline int bytes_equal_hex(const uint8_t *got, size_t len, const char *want)
{
    uint8_t buf[512];
    long n = hex_decode(buf, sizeof buf, want);
    return n == (long) len && memcmp(got, buf, len) == 0;
}

#define CHECK_HEX(got, len, want) \
    check_at(bytes_equal_hex((got), (len), (want)), #got " == " #want, __FILE__, __LINE__)

static inline int all_bytes_are(const uint8_t *p, size_t len, uint8_t value)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if (p[i] != value) return 0;
    }
    return 1;
}

static inline int check_done(const char *suite)
{
    printf("%s: %d checks, %d failed\n", suite, check_total, check_failed);
    return check_failed == 0 && check_total > 0 ? 0 : 1;
}

#endif
