/*
 * Guarded allocations, after memguard:
 *
 *   base                     inner                                      base + total
 *   | guard page (no access) | canary ... canary | data (size bytes) | guard page (no access) |
 *
 * The inner region is the smallest whole number of pages holding size + smem_CANARY_MIN_BYTES.
 * Because the data ends exactly at the trailing guard page, any overflow faults at once; the
 * canary in front catches underflows that stay inside the inner pages. Everything about an
 * allocation is recomputed from (data, size), so no bookkeeping lives outside the mapping.
 */
#include "smem_shim.h"
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/mman.h>
#include <unistd.h>
#endif

static size_t inner_len(size_t size, size_t page)
{
    size_t need = size + smem_CANARY_MIN_BYTES;
    return ((need + page - 1) / page) * page;
}

size_t smem_alloc_footprint(size_t size)
{
    size_t page = smem_page_size();
    return inner_len(size, page) + 2 * page;
}

static uint8_t *base_of(const void *data, size_t size, size_t page)
{
    return (uint8_t *) data + size - inner_len(size, page) - page;
}

void *smem_alloc_inner_page(const void *data, size_t size)
{
    size_t page = smem_page_size();
    return base_of(data, size, page) + page;
}

static int os_protect(void *addr, size_t len, int prot)
{
#if defined(_WIN32)
    DWORD old;
    DWORD p = prot == smem_PROT_READWRITE ? PAGE_READWRITE
            : prot == smem_PROT_READONLY  ? PAGE_READONLY
                                          : PAGE_NOACCESS;
    return VirtualProtect(addr, len, p, &old) ? 0 : -1;
#else
    int p = prot == smem_PROT_READWRITE ? (PROT_READ | PROT_WRITE)
          : prot == smem_PROT_READONLY  ? PROT_READ
                                        : PROT_NONE;
    return mprotect(addr, len, p);
#endif
}

static void *os_map(size_t total)
{
#if defined(_WIN32)
    return VirtualAlloc(NULL, total, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
#else
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_NOCORE
    flags |= MAP_NOCORE;
#endif
    void *p = mmap(NULL, total, PROT_READ | PROT_WRITE, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
#endif
}

static void os_unmap(void *base, size_t total)
{
#if defined(_WIN32)
    (void) total;
    VirtualFree(base, 0, MEM_RELEASE);
#else
    munmap(base, total);
#endif
}

static int os_lock(void *addr, size_t len)
{
#if defined(_WIN32)
    SIZE_T lo, hi;
    if (VirtualLock(addr, len)) {
        return 0;
    }
    /* VirtualLock is capped by the process's minimum working set (a few hundred KiB by default)
     * rather than by a limit the user set: grow the working set by this region and retry once.
     * It shrinks back on its own as locked regions are freed. */
    if (GetLastError() != ERROR_WORKING_SET_QUOTA ||
        !GetProcessWorkingSetSize(GetCurrentProcess(), &lo, &hi) ||
        !SetProcessWorkingSetSize(GetCurrentProcess(), lo + len, hi + len)) {
        return -1;
    }
    return VirtualLock(addr, len) ? 0 : -1;
#else
    return mlock(addr, len);
#endif
}

static void os_unlock(void *addr, size_t len)
{
#if defined(_WIN32)
    VirtualUnlock(addr, len);
#else
    munlock(addr, len);
#endif
}

/* Keep the data pages out of crash dumps where the OS offers a way: MADV_DONTDUMP (Linux),
 * MADV_NOCORE (BSDs; MAP_NOCORE at map time, see os_map), Windows Error Reporting's exclusion list.
 * macOS has none of these: there RLIMIT_CORE = 0 (smem_harden_process) is the only barrier. */
static void os_dontdump(void *addr, size_t len)
{
#if defined(MADV_DONTDUMP)
    (void) madvise(addr, len, MADV_DONTDUMP);
#elif defined(MADV_NOCORE)
    (void) madvise(addr, len, MADV_NOCORE);
#elif defined(_WIN32)
    smem_wer_exclude(addr, len);
#else
    (void) addr;
    (void) len;
#endif
}

static void os_dontdump_end(void *addr)
{
#if defined(_WIN32)
    smem_wer_unexclude(addr);
#else
    (void) addr;
#endif
}

int smem_alloc(void **data_p, size_t size, int *locked_p)
{
    size_t page, ilen, total;
    uint8_t *base, *inner, *data;

    if (data_p == NULL || smem_canary_page == NULL) {
        return -1;
    }
    *data_p = NULL;
    if (locked_p != NULL) {
        *locked_p = 0;
    }
    page = smem_page_size();
    if (size > SIZE_MAX - 3 * page - smem_CANARY_MIN_BYTES) {
        return -1;
    }
    ilen = inner_len(size, page);
    total = ilen + 2 * page;
    base = os_map(total);
    if (base == NULL) {
        return -1;
    }
    inner = base + page;
    data = inner + ilen - size;
    if (os_protect(base, page, smem_PROT_NOACCESS) != 0 ||
        os_protect(inner + ilen, page, smem_PROT_NOACCESS) != 0) {
        os_unmap(base, total);
        return -1;
    }
    os_dontdump(inner, ilen);
    if (os_lock(inner, ilen) == 0) {
        if (locked_p != NULL) {
            *locked_p = 1;
        }
    }
    /* The canary is the start of the canary page, so every allocation's slack carries the
     * same random bytes; slack is always < one page plus the minimum. */
    memcpy(inner, smem_canary_page, ilen - size);
    /* Fresh anonymous pages are already zero; no need to clear the data. */
    *data_p = data;
    return 0;
}

/* Constant-time equality, a 64-bit word at a time. sodium_memcmp reads byte by byte through a
 * volatile pointer, which made checking a page-sized canary about a third of every free. Here every
 * word is read and folded into `diff`; the empty asm hides diff's value from the optimiser so
 * the loop cannot be turned into an early exit, and nothing depends on where a difference is. */
static int ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    uint64_t diff = 0;
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        diff |= x ^ y;
#if defined(__GNUC__) || defined(__clang__)
        __asm__ __volatile__("" : "+r"(diff));
#endif
    }
    for (; i < len; i++) {
        diff |= (uint64_t) (a[i] ^ b[i]);
    }
    return diff == 0;
}

int smem_canary_check(const void *data, size_t size)
{
    size_t page = smem_page_size();
    size_t slack = inner_len(size, page) - size;
    const uint8_t *inner = base_of(data, size, page) + page;

    return ct_equal(inner, smem_canary_page, slack) ? 0 : -1;
}

int smem_protect(void *data, size_t size, int prot)
{
    size_t page = smem_page_size();
    uint8_t *inner = base_of(data, size, page) + page;

    if (prot != smem_PROT_NOACCESS && prot != smem_PROT_READONLY && prot != smem_PROT_READWRITE) {
        return -1;
    }
    return os_protect(inner, inner_len(size, page), prot);
}

int smem_free(void *data, size_t size)
{
    size_t page, ilen, total;
    uint8_t *base, *inner;
    int canary_ok;

    if (data == NULL) {
        return -1;
    }
    page = smem_page_size();
    ilen = inner_len(size, page);
    total = ilen + 2 * page;
    base = base_of(data, size, page);
    inner = base + page;
    if (os_protect(inner, ilen, smem_PROT_READWRITE) != 0) {
        return -1;
    }
    canary_ok = smem_canary_check(data, size) == 0;
    sodium_memzero(inner, ilen);
    if (!canary_ok) {
        /* Memory was written outside the buffer: the process can no longer be trusted. The data
         * is already wiped; stop here rather than unmap and carry on. */
        abort();
    }
    os_unlock(inner, ilen);
    os_dontdump_end(inner);
    os_unmap(base, total);
    return 0;
}
