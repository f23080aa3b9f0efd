/* Native baseline for scripts/bench/alloc.ts: smem_alloc(32) + smem_free straight from C through
 * the shim, i.e. what the guarded allocator costs without bun:ffi and LockedBuffer around it.
 * usage: alloc MILLISECONDS -> "<operations per wall second> <operations per CPU second>" */
#include "smem_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double wall_ms(void)
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
    double ms = argc > 1 ? atof(argv[1]) : 700.0;
    void *p;
    int locked;
    long n = 0;
    if (smem_init() != 0) {
        return 1;
    }
    double w0 = wall_ms(), c0 = cpu_ms();
    while (wall_ms() - w0 < ms) {
        for (int i = 0; i < 256; i++) {
            if (smem_alloc(&p, 32, &locked) != 0) {
                return 1;
            }
            smem_free(p, 32);
        }
        n += 256;
    }
    printf("%.0f %.0f\n", n * 1000.0 / (wall_ms() - w0), n * 1000.0 / (cpu_ms() - c0));
    return 0;
}
